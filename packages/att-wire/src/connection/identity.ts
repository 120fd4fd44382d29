// Node identities (seed 1.9's PubKeyA/PrivKeyA): Ed25519 keys, account addresses derived from them,
// and sealing the dialling endpoint to the peer's key with X25519 + HKDF + ChaCha20-Poly1305.

import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js'
import type { Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { ConversionFailure } from '../codec/items.js'
import { DecodeError, WrongKeyError } from '../errors.js'

/** A node's signing identity. */
export interface Identity {
  readonly secretKey: Uint8Array
  readonly publicKey: Uint8Array
  readonly address: string
}

/** Account address: 0x + the first 20 bytes of SHA-256 of the Ed25519 public key. */
export function addressOf(publicKey: Uint8Array): string {
  return `0x${bytesToHex(sha256(publicKey).subarray(0, 20))}`
}

export function identityFromSecret(secretKey: Uint8Array): Identity {
  const publicKey = ed25519.getPublicKey(secretKey)
  return { secretKey, publicKey, address: addressOf(publicKey) }
}

/** Where the initiator listens. */
export interface Endpoint {
  readonly host: string
  readonly port: number
}

const utf8 = {
  to: (b: Uint8Array) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b)
    } catch {
      throw new ConversionFailure('malformed', 'UTF-8 host name', b)
    }
  },
  from: (s: string) => new TextEncoder().encode(s),
}

/** Plaintext of the sealed endpoint: U8 host length, host (UTF-8), U16 port, big-endian per seed 5.3.5. */
export const endpointLayout = [
  { name: 'host', binary: 'bytes', lengthSize: 1, custom: utf8 },
  { name: 'port', binary: 'uint', size: 2 },
] as const satisfies Layout

export const endpointCodec = defineCodec('endpoint', endpointLayout)

const ENDPOINT_INFO = new TextEncoder().encode('att-wire/endpoint/v1')

function endpointKey(shared: Uint8Array, ephemeralPublic: Uint8Array, recipient: Uint8Array, requestId: Uint8Array) {
  return hkdf(sha256, shared, concatBytes(ephemeralPublic, recipient), concatBytes(ENDPOINT_INFO, requestId), 32)
}

/** Seals `endpoint` so that only the holder of `recipientPublicKey` (Ed25519) can read it. */
export function sealEndpoint(
  endpoint: Endpoint,
  recipientPublicKey: Uint8Array,
  requestId: Uint8Array,
  random: (n: number) => Uint8Array,
): Uint8Array {
  const ephemeralSecret = random(32)
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret)
  const recipient = ed25519.utils.toMontgomery(recipientPublicKey)
  const key = endpointKey(x25519.getSharedSecret(ephemeralSecret, recipient), ephemeralPublic, recipient, requestId)
  // A fresh key per message, so the all-zero nonce is used once.
  const ct = chacha20poly1305(key, new Uint8Array(12), requestId).encrypt(endpointCodec.encode(endpoint))
  return concatBytes(ephemeralPublic, ct)
}

/** Opens a sealed endpoint; a wrong key or altered bytes give {@link WrongKeyError}. */
export function openEndpoint(sealed: Uint8Array, identity: Identity, requestId: Uint8Array): Endpoint {
  if (sealed.length < 32 + 16 + 3) throw new WrongKeyError('sealed endpoint too short', identity.publicKey)
  const ephemeralPublic = sealed.subarray(0, 32)
  const recipient = ed25519.utils.toMontgomery(identity.publicKey)
  let plaintext: Uint8Array
  try {
    const shared = x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(identity.secretKey), ephemeralPublic)
    const key = endpointKey(shared, ephemeralPublic, recipient, requestId)
    plaintext = chacha20poly1305(key, new Uint8Array(12), requestId).decrypt(sealed.subarray(32))
  } catch (e) {
    throw new WrongKeyError('endpoint was not sealed to this node', identity.publicKey, e)
  }
  try {
    return endpointCodec.decode(plaintext)
  } catch (e) {
    if (e instanceof DecodeError) throw new WrongKeyError('sealed endpoint is malformed', identity.publicKey, e)
    throw e
  }
}
