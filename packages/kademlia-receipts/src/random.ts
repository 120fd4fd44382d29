// Randomness as a port: real nodes use the platform CSPRNG, simulations a seeded generator.
import { randomBytes as cryptoRandomBytes } from '@noble/hashes/utils.js'

/** A source of random bytes and floats. */
export interface Random {
  bytes(n: number): Uint8Array
  /** Uniform in [0, 1). */
  float(): number
}

/** The platform CSPRNG (crypto.getRandomValues through @noble/hashes). */
export const cryptoRandom: Random = {
  bytes: (n) => cryptoRandomBytes(n),
  float: () => {
    const b = cryptoRandomBytes(4)
    const u = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0
    return u / 2 ** 32
  },
}

/**
 * A seeded, non-cryptographic generator (xoshiro128**, seeded through splitmix32) for
 * simulations that must replay bit for bit. Never use it for keys that protect anything.
 */
export function seededRandom(seed: number): Random & { int(n: number): number } {
  let s = seed >>> 0
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = splitmix()
  let b = splitmix()
  let c = splitmix()
  let d = splitmix()
  const next = (): number => {
    const r = Math.imul(((Math.imul(b, 5) << 7) | (Math.imul(b, 5) >>> 25)) >>> 0, 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = ((d << 11) | (d >>> 21)) >>> 0
    return r
  }
  const float = (): number => next() / 2 ** 32
  return {
    float,
    int: (n: number) => Math.floor(float() * n),
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i += 4) {
        const v = next()
        out[i] = v & 0xff
        if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff
        if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff
        if (i + 3 < n) out[i + 3] = (v >>> 24) & 0xff
      }
      return out
    },
  }
}
