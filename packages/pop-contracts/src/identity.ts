// Party identities: an ed25519 key pair and the party hash SHA-256(public key) (paper §2.2:
// "any message between the parties of the contract is secured by ... party's hash value").
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { DeploymentInvalidError } from './errors.js'

/** A party's signing key and derived identifiers. */
export interface Identity {
  readonly secretKey: Uint8Array
  readonly publicKey: Uint8Array
  /** SHA-256 of the 32-byte public key. */
  readonly partyHash: Uint8Array
  readonly partyHex: string
}

/** Party hash of a public key: SHA-256(publicKey). */
export function partyHashOf(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey)
}

/** Builds an identity from a 32-byte ed25519 secret key. */
export function identityFromSecret(secretKey: Uint8Array): Identity {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new DeploymentInvalidError('ed25519 secret key must be 32 bytes', secretKey)
  }
  const publicKey = ed25519.getPublicKey(secretKey)
  const partyHash = partyHashOf(publicKey)
  return { secretKey, publicKey, partyHash, partyHex: bytesToHex(partyHash) }
}

/** A fresh identity from `randomBytes` (inject a seeded source in simulations). */
export function generateIdentity(randomBytes: (n: number) => Uint8Array): Identity {
  return identityFromSecret(randomBytes(32))
}

/** ed25519 signature over `domain || message`; domains keep one statement from passing as another. */
export function signStatement(secretKey: Uint8Array, domain: string, message: Uint8Array): Uint8Array {
  return ed25519.sign(concat(new TextEncoder().encode(domain), message), secretKey)
}

/** Verifies {@link signStatement}; never throws on malformed keys or signatures. */
export function verifyStatement(
  publicKey: Uint8Array,
  domain: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return ed25519.verify(signature, concat(new TextEncoder().encode(domain), message), publicKey)
  } catch {
    return false
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export { bytesToHex, hexToBytes }
