// Seeded randomness for replayable simulations: xoshiro128** seeded through splitmix32.
// Not for keys outside a simulation.

/** A seeded pseudo-random source. */
export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number
  /** Uniform in (0, 1], never 0 (safe for Math.log). */
  open(): number
  /** Uniform in [0, 1) with 32 bits only: cheaper, for jitter. */
  fast(): number
  /** Uniform in (0, 1] with 32 bits only: cheaper, for exponential draws. */
  fastOpen(): number
  /** `n` pseudo-random bytes. */
  bytes(n: number): Uint8Array
  /** Uniform integer in [0, n). */
  int(n: number): number
}

/** Creates an {@link Rng} from a 32-bit seed; equal seeds give equal streams. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = split()
  let b = split()
  let c = split()
  let d = split()
  const u32 = () => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return result
  }
  const next = () => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992
  return {
    next,
    open: () => 1 - next(),
    fast: () => u32() / 4294967296,
    fastOpen: () => (u32() + 1) / 4294967296,
    bytes(n) {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i += 4) {
        const v = u32()
        for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff
      }
      return out
    },
    int: (n) => Math.floor(next() * n),
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
