// secp256k1 for the hot path: Ethereum sender recovery, batch signing and verifying, on
// libsecp256k1. Two builds of the same library: the `secp256k1` package's prebuilt N-API
// binding (native, ~60 µs per recovery here) when it loads on this platform, otherwise
// `tiny-secp256k1` (WebAssembly shipped inside the npm package, ~270 µs). Decision 0069.
import { createRequire } from 'node:module'
import type { Signer, Verifier } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import * as ecc from 'tiny-secp256k1'

/** The secp256k1 operations Seth needs, on one build of libsecp256k1. */
export interface SecpBackend {
  readonly name: 'native' | 'wasm'
  /** 65-byte uncompressed public key from a 32-byte hash, 64-byte r‖s and recovery id; null if none recovers. */
  recover(hash: Uint8Array, signature: Uint8Array, recoveryId: 0 | 1): Uint8Array | null
  /** Deterministic (RFC 6979), low-s, 64-byte compact signature of a 32-byte digest. */
  sign(digest: Uint8Array, secretKey: Uint8Array): Uint8Array
  /** Verifies a 64-byte compact signature (high s is refused); never throws. */
  verify(digest: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean
  /** The compressed (33-byte) public key of a secret key; throws on an invalid key. */
  publicKey(secretKey: Uint8Array): Uint8Array
  /** Compresses a 65-byte uncompressed public key to 33 bytes. */
  compress(publicKey: Uint8Array): Uint8Array
}

/** libsecp256k1 compiled to WebAssembly (tiny-secp256k1): loads everywhere. */
export const wasmSecp: SecpBackend = {
  name: 'wasm',
  recover: (hash, signature, recoveryId) => {
    try {
      return ecc.recover(hash, signature, recoveryId, false)
    } catch {
      return null
    }
  },
  sign: (digest, secretKey) => ecc.sign(digest, secretKey),
  verify: (digest, publicKey, signature) => {
    try {
      return ecc.verify(digest, publicKey, signature, true)
    } catch {
      return false
    }
  },
  publicKey: (secretKey) => {
    const p = ecc.pointFromScalar(secretKey, true)
    if (p === null) throw new RangeError('invalid secret key')
    return p
  },
  compress: (publicKey) => ecc.pointCompress(publicKey, true),
}

interface NativeBinding {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number }
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean
  publicKeyCreate(seckey: Uint8Array, compressed: boolean): Uint8Array
  publicKeyConvert(pubkey: Uint8Array, compressed: boolean): Uint8Array
}

/** Wraps the `secp256k1` package's N-API binding (exported for tests). */
export function nativeBackend(binding: NativeBinding): SecpBackend {
  return {
    name: 'native',
    recover: (hash, signature, recoveryId) => {
      try {
        return binding.ecdsaRecover(signature, recoveryId, hash, false)
      } catch {
        return null
      }
    },
    sign: (digest, secretKey) => binding.ecdsaSign(digest, secretKey).signature,
    verify: (digest, publicKey, signature) => {
      try {
        return binding.ecdsaVerify(signature, digest, publicKey)
      } catch {
        return false
      }
    },
    publicKey: (secretKey) => {
      try {
        return binding.publicKeyCreate(secretKey, true)
      } catch {
        throw new RangeError('invalid secret key')
      }
    },
    compress: (publicKey) => binding.publicKeyConvert(publicKey, true),
  }
}

/**
 * Loads the native binding; undefined when it cannot load here (no prebuild for this
 * platform, or `SETH_SECP=wasm` in the environment to force the fallback).
 */
export function loadNativeSecp(): SecpBackend | undefined {
  if (typeof process !== 'undefined' && process.env.SETH_SECP === 'wasm') return undefined
  try {
    // The binding itself, not the package's index (which silently falls back to elliptic, in JS).
    return nativeBackend(createRequire(import.meta.url)('secp256k1/bindings') as NativeBinding)
  } catch {
    return undefined
  }
}

/** The backend in use: native when it loads, WebAssembly otherwise. */
export const secpBackend: SecpBackend = loadNativeSecp() ?? wasmSecp

function pad32(b: Uint8Array): Uint8Array {
  if (b.length === 32) return b
  if (b.length > 32) throw new RangeError('signature component longer than 32 bytes')
  const out = new Uint8Array(32)
  out.set(b, 32 - b.length)
  return out
}

/** Recovery id from an Ethereum `v` (0/1, 27/28, or EIP-155's chainId·2 + 35/36). */
export function recoveryId(v: bigint, chainId?: bigint): 0 | 1 {
  let r: bigint
  if (v === 0n || v === 1n) r = v
  else if (chainId === undefined) r = v - 27n
  else r = v - (2n * chainId + 35n)
  if (r !== 0n && r !== 1n) throw new RangeError(`invalid signature v ${v}`)
  return Number(r) as 0 | 1
}

/** `ecrecover` in the shape @ethereumjs/common's customCrypto expects, on `backend`. */
export function ecrecoverWith(
  backend: SecpBackend,
): (msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint) => Uint8Array {
  return (msgHash, v, r, s, chainId) => {
    const sig = new Uint8Array(64)
    sig.set(pad32(r), 0)
    sig.set(pad32(s), 32)
    const pub = backend.recover(msgHash, sig, recoveryId(v, chainId))
    if (pub === null) throw new Error('public key recovery failed')
    return pub.subarray(1)
  }
}

/** `ecrecover` for @ethereumjs/common's customCrypto: 64-byte public key, no prefix. */
export const ecrecover = ecrecoverWith(secpBackend)

/** A batch/block signer on libsecp256k1 (compact signature over SHA-256 of the message). */
export function fastSigner(secretKey: Uint8Array, backend: SecpBackend = secpBackend): Signer {
  const publicKey = backend.publicKey(secretKey)
  return { scheme: 'secp256k1', publicKey, sign: (message) => backend.sign(sha256(message), secretKey) }
}

/** The matching verifier on `backend`; never throws. */
export function verifierOn(backend: SecpBackend): Verifier {
  return {
    scheme: 'secp256k1',
    verify: (signature, message, publicKey) => backend.verify(sha256(message), publicKey, signature),
  }
}

/** The matching verifier; never throws. */
export const fastVerifier: Verifier = verifierOn(secpBackend)

/** Compresses a 64-byte (unprefixed) or 65-byte public key to SEC1 33 bytes. */
export function compressPublicKey(pub: Uint8Array, backend: SecpBackend = secpBackend): Uint8Array {
  let full = pub
  if (pub.length === 64) {
    full = new Uint8Array(65)
    full[0] = 4
    full.set(pub, 1)
  }
  return backend.compress(full)
}
