// The signed Hellos of seed 1.9: B (responder) signs a Hello with PrivKeyB, A verifies it with PubKeyB
// and answers with a Hello signed by PrivKeyA over the transcript, B verifies it. Each Hello carries a
// fresh X25519 key; both Hellos together key the session.

import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes } from '@noble/hashes/utils.js'
import { BadSignatureError, WrongKeyError } from '../errors.js'
import { type TptpMessageOf, tptpMessageCodec } from '../layouts/messages.js'
import { deriveSessionKeys, type SessionKeys } from '../session/session.js'
import type { Identity } from './identity.js'

const RESPONDER_CONTEXT = new TextEncoder().encode('att-wire/hello-responder/v1')
const INITIATOR_CONTEXT = new TextEncoder().encode('att-wire/hello-initiator/v1')

export type HelloResponder = TptpMessageOf<'helloResponder'>
export type HelloInitiator = TptpMessageOf<'helloInitiator'>

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function responderSigned(requestId: Uint8Array, identityKey: Uint8Array, ephemeralKey: Uint8Array) {
  return concatBytes(RESPONDER_CONTEXT, requestId, identityKey, ephemeralKey)
}

function initiatorSigned(
  requestId: Uint8Array,
  identityKey: Uint8Array,
  ephemeralKey: Uint8Array,
  helloResponderBytes: Uint8Array,
) {
  return concatBytes(INITIATOR_CONTEXT, requestId, identityKey, ephemeralKey, sha256(helloResponderBytes))
}

/** B's Hello, signed with its identity key, with its fresh ephemeral secret kept for the key exchange. */
export function createHelloResponder(
  identity: Identity,
  requestId: Uint8Array,
  random: (n: number) => Uint8Array,
): { hello: HelloResponder; bytes: Uint8Array; ephemeralSecret: Uint8Array } {
  const ephemeralSecret = random(32)
  const ephemeralKey = x25519.getPublicKey(ephemeralSecret)
  const signature = ed25519.sign(responderSigned(requestId, identity.publicKey, ephemeralKey), identity.secretKey)
  const hello: HelloResponder = {
    type: 'helloResponder',
    requestId,
    identityKey: identity.publicKey,
    ephemeralKey,
    signature,
  }
  return { hello, bytes: tptpMessageCodec.encode(hello), ephemeralSecret }
}

function verify(what: string, signature: Uint8Array, message: Uint8Array, key: Uint8Array): void {
  let ok = false
  try {
    ok = ed25519.verify(signature, message, key)
  } catch {
    ok = false
  }
  if (!ok) throw new BadSignatureError(what, key)
}

/** A checks B's Hello against the key the contract recorded for B. */
export function verifyHelloResponder(hello: HelloResponder, expectedKey: Uint8Array, requestId: Uint8Array): void {
  if (!equal(hello.identityKey, expectedKey))
    throw new WrongKeyError('Hello is not from the accepting node', hello.identityKey)
  if (!equal(hello.requestId, requestId)) throw new WrongKeyError('Hello names another request', hello.requestId)
  verify(
    'responder Hello',
    hello.signature,
    responderSigned(hello.requestId, hello.identityKey, hello.ephemeralKey),
    expectedKey,
  )
}

/** A's answer, signed over B's Hello, and A's session keys. */
export function createHelloInitiator(
  identity: Identity,
  helloResponderBytes: Uint8Array,
  helloResponder: HelloResponder,
  random: (n: number) => Uint8Array,
): { hello: HelloInitiator; bytes: Uint8Array; keys: SessionKeys } {
  const ephemeralSecret = random(32)
  const ephemeralKey = x25519.getPublicKey(ephemeralSecret)
  const requestId = helloResponder.requestId
  const signature = ed25519.sign(
    initiatorSigned(requestId, identity.publicKey, ephemeralKey, helloResponderBytes),
    identity.secretKey,
  )
  const hello: HelloInitiator = {
    type: 'helloInitiator',
    requestId,
    identityKey: identity.publicKey,
    ephemeralKey,
    signature,
  }
  const bytes = tptpMessageCodec.encode(hello)
  const keys = deriveSessionKeys(
    'initiator',
    ephemeralSecret,
    helloResponder.ephemeralKey,
    concatBytes(helloResponderBytes, bytes),
  )
  return { hello, bytes, keys }
}

/** B checks A's Hello against the key the contract recorded for A, and derives its session keys. */
export function verifyHelloInitiator(
  hello: HelloInitiator,
  helloInitiatorBytes: Uint8Array,
  expectedKey: Uint8Array,
  own: { readonly bytes: Uint8Array; readonly ephemeralSecret: Uint8Array; readonly requestId: Uint8Array },
): SessionKeys {
  if (!equal(hello.identityKey, expectedKey)) {
    throw new WrongKeyError('Hello is not from the requesting node', hello.identityKey)
  }
  if (!equal(hello.requestId, own.requestId)) throw new WrongKeyError('Hello names another request', hello.requestId)
  verify(
    'initiator Hello',
    hello.signature,
    initiatorSigned(hello.requestId, hello.identityKey, hello.ephemeralKey, own.bytes),
    expectedKey,
  )
  return deriveSessionKeys(
    'responder',
    own.ephemeralSecret,
    hello.ephemeralKey,
    concatBytes(own.bytes, helloInitiatorBytes),
  )
}
