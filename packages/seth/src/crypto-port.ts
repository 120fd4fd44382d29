// The signature work of the hot path as a port: Ethereum sender recovery and batch signing,
// done inline (default) or by worker threads (adapters/worker-crypto.ts).
import type { Signer } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import { type SecpBackend, secpBackend } from './secp256k1.js'

/** secp256k1 operations the node performs per transaction. */
export interface SecpOperations {
  /** Recovers the 65-byte uncompressed public key from a 32-byte hash and 64-byte r‖s; null if invalid. */
  recover(hash: Uint8Array, signature: Uint8Array, recoveryId: 0 | 1): Promise<Uint8Array | null>
  /** Signs a 32-byte digest with the node's batcher key: 64-byte compact signature. */
  sign(digest: Uint8Array): Promise<Uint8Array>
  close(): Promise<void>
}

/** The operations on the calling thread, with libsecp256k1 (native when it loads, else WebAssembly). */
export function inlineSecp(secretKey: Uint8Array, backend: SecpBackend = secpBackend): SecpOperations {
  return {
    recover: async (hash, signature, recoveryId) => backend.recover(hash, signature, recoveryId),
    sign: async (digest) => backend.sign(digest, secretKey),
    close: async () => {},
  }
}

/** A batch signer (SHA-256 then secp256k1) whose signing runs through `ops`. */
export function secpSigner(publicKey: Uint8Array, ops: SecpOperations): Signer {
  return { scheme: 'secp256k1', publicKey, sign: (message) => ops.sign(sha256(message)) }
}
