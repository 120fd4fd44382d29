// secp256k1 for the hot path, on tiny-secp256k1 (libsecp256k1 compiled to WebAssembly and
// shipped inside the npm package): Ethereum sender recovery, batch signing and verifying.
import type { Signer, Verifier } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import * as ecc from 'tiny-secp256k1'

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

/** `ecrecover` in the shape @ethereumjs/common's customCrypto expects: 64-byte public key, no prefix. */
export function ecrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array, chainId?: bigint): Uint8Array {
  const sig = new Uint8Array(64)
  sig.set(pad32(r), 0)
  sig.set(pad32(s), 32)
  const pub = ecc.recover(msgHash, sig, recoveryId(v, chainId), false)
  if (pub === null) throw new Error('public key recovery failed')
  return pub.subarray(1)
}

/** A batch/block signer on libsecp256k1 (compact signature over SHA-256 of the message). */
export function fastSigner(secretKey: Uint8Array): Signer {
  const publicKey = ecc.pointFromScalar(secretKey, true)
  if (publicKey === null) throw new RangeError('invalid secret key')
  return { scheme: 'secp256k1', publicKey, sign: (message) => ecc.sign(sha256(message), secretKey) }
}

/** The matching verifier; never throws. */
export const fastVerifier: Verifier = {
  scheme: 'secp256k1',
  verify(signature, message, publicKey) {
    try {
      return ecc.verify(sha256(message), publicKey, signature, true)
    } catch {
      return false
    }
  },
}

/** Compresses a 64-byte (unprefixed) or 65-byte public key to SEC1 33 bytes. */
export function compressPublicKey(pub: Uint8Array): Uint8Array {
  const full = pub.length === 64 ? Uint8Array.of(4, ...pub) : pub
  return ecc.pointCompress(full, true)
}
