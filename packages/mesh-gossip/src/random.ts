// Randomness as a port: a seeded generator (xoshiro128**, seeded through splitmix32) for the
// simulator and tests, Math.random for live nodes. Not for cryptography.

export interface Random {
  /** Uniform float in [0, 1). */
  next(): number
}

/** Deterministic generator: the same seed gives the same sequence on every platform. */
export function seededRandom(seed: number): Random {
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
  return {
    next() {
      const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0
      const t = (b << 9) >>> 0
      c ^= a
      d ^= b
      b ^= c
      a ^= d
      c ^= t
      d = rotl(d, 11)
      return result / 4294967296
    },
  }
}

/** Math.random as a port. */
export const mathRandom: Random = { next: () => Math.random() }

/** A uniformly chosen element; undefined for an empty list. */
export function pick<T>(random: Random, items: readonly T[]): T | undefined {
  if (items.length === 0) return undefined
  return items[Math.floor(random.next() * items.length)]
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
