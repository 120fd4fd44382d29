// 256-bit identifiers and the XOR metric (Kademlia §2.1); ids and keys are SHA-256 outputs
// as in the libp2p kad-dht specification ("Distance").
import { sha256 } from '@noble/hashes/sha2.js'
import { MalformedMessageError } from './errors.js'

/** Id length in bytes (256 bits). */
export const ID_BYTES = 32
export const ID_BITS = 256

/** The DHT location of an application key: SHA-256 of the key bytes. */
export const keyLocation = (key: Uint8Array): Uint8Array => sha256(key)

export function assertId(id: Uint8Array, field = 'id'): void {
  if (!(id instanceof Uint8Array) || id.length !== ID_BYTES)
    throw new MalformedMessageError(field, 0, `${ID_BYTES} bytes`, id?.length)
}

/** a XOR b. */
export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(ID_BYTES)
  for (let i = 0; i < ID_BYTES; i++) out[i] = (a[i] as number) ^ (b[i] as number)
  return out
}

/** Negative if a is closer to target than b, positive if farther, 0 if equal. */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const t = target[i] as number
    const d = ((a[i] as number) ^ t) - ((b[i] as number) ^ t)
    if (d !== 0) return d
  }
  return 0
}

/** Number of leading zero bits. */
export function leadingZeroBits(b: Uint8Array): number {
  let n = 0
  for (let i = 0; i < b.length; i++) {
    const v = b[i] as number
    if (v === 0) {
      n += 8
      continue
    }
    return n + Math.clz32(v) - 24
  }
  return n
}

/** Length of the common bit prefix of a and b (256 when equal): the k-bucket index. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const v = (a[i] as number) ^ (b[i] as number)
    if (v !== 0) return i * 8 + Math.clz32(v) - 24
  }
  return ID_BITS
}

/** A random id sharing exactly `prefix` leading bits with `self` (for bucket refresh, Kademlia §2.3). */
export function randomIdInBucket(self: Uint8Array, prefix: number, randomBytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(randomBytes.subarray(0, ID_BYTES))
  const full = prefix >> 3
  for (let i = 0; i < full; i++) out[i] = self[i] as number
  if (prefix < ID_BITS) {
    const bit = prefix & 7
    const mask = 0xff << (8 - bit)
    const flip = 0x80 >> bit
    // keep the first `bit` bits of self, flip the next one, keep random bits after it
    out[full] =
      (((self[full] as number) & mask) |
        (~(self[full] as number) & flip) |
        ((out[full] as number) & ~mask & ~flip & 0xff)) &
      0xff
  }
  return out
}
