// SHA-256 for the state commitment. The function is SHA-256 either way; only the implementation
// differs. Hashing dominates per-step state hashing (docs/wasm-dispute.md §6.2), and most calls
// hash one or two 64-byte blocks, where @noble/hashes spends more time setting up a hasher than
// compressing; Node's one-shot `crypto.hash` (OpenSSL) costs about half as much per call. When
// it is unavailable (a browser, Node < 21.7) @noble/hashes is used. Both are tested equal on
// random inputs (test/hash.test.ts); decision 0089.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Uint8Array
const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
const nodeCrypto = proc?.getBuiltinModule?.('node:crypto') as { hash?: OneShot } | undefined
const oneShot: OneShot | undefined = typeof nodeCrypto?.hash === 'function' ? nodeCrypto.hash : undefined

/** SHA-256 with @noble/hashes (the reference implementation used when Node's is absent). */
export const sha256Noble = (data: Uint8Array): Uint8Array => nobleSha256(data)

/** SHA-256 with Node's OpenSSL one-shot, returned as a plain Uint8Array (undefined when unavailable). */
export const sha256Node: ((data: Uint8Array) => Uint8Array) | undefined = oneShot
  ? (data) => new Uint8Array(oneShot('sha256', data, 'buffer'))
  : undefined

/** SHA-256 of `data` (a fresh 32-byte Uint8Array). */
export const sha256: (data: Uint8Array) => Uint8Array = sha256Node ?? sha256Noble

/** Which implementation `sha256` is. */
export const sha256Implementation: 'node:crypto' | '@noble/hashes' = sha256Node ? 'node:crypto' : '@noble/hashes'
