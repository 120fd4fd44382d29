// The signed Hellos refuse a bad signature, a wrong key, a Hello for another request; the sealed
// endpoint opens only with the recipient's key.
import { ed25519 } from '@noble/curves/ed25519.js'
import { randomBytes } from '@noble/hashes/utils.js'
import test from 'ava'
import {
  createHelloInitiator,
  createHelloResponder,
  verifyHelloInitiator,
  verifyHelloResponder,
} from '../../src/connection/handshake.js'
import { identityFromSecret, openEndpoint, sealEndpoint } from '../../src/connection/identity.js'
import { BadSignatureError, WrongKeyError } from '../../src/errors.js'
import { tptpMessageCodec } from '../../src/layouts/messages.js'

const random = (n: number) => randomBytes(n)
const newIdentity = () => identityFromSecret(ed25519.utils.randomSecretKey())

test('a genuine exchange verifies on both sides and yields matching session keys', (t) => {
  const a = newIdentity()
  const b = newIdentity()
  const requestId = random(32)
  const helloB = createHelloResponder(b, requestId, random)
  verifyHelloResponder(helloB.hello, b.publicKey, requestId)
  const helloA = createHelloInitiator(a, helloB.bytes, helloB.hello, random)
  const keysB = verifyHelloInitiator(helloA.hello, helloA.bytes, a.publicKey, {
    bytes: helloB.bytes,
    ephemeralSecret: helloB.ephemeralSecret,
    requestId,
  })
  t.deepEqual(keysB.send, helloA.keys.receive)
  t.deepEqual(keysB.receive, helloA.keys.send)
})

test('a Hello with a bad signature is refused', (t) => {
  const b = newIdentity()
  const requestId = random(32)
  const { hello } = createHelloResponder(b, requestId, random)
  const signature = hello.signature.slice()
  signature[10]! ^= 1
  t.throws(() => verifyHelloResponder({ ...hello, signature }, b.publicKey, requestId), {
    instanceOf: BadSignatureError,
  })
  // Swapping in another ephemeral key (a man in the middle) also breaks the signature.
  t.throws(() => verifyHelloResponder({ ...hello, ephemeralKey: random(32) }, b.publicKey, requestId), {
    instanceOf: BadSignatureError,
  })
})

test('a Hello signed by someone other than the accepting node is refused', (t) => {
  const b = newIdentity()
  const mallory = newIdentity()
  const requestId = random(32)
  const { hello } = createHelloResponder(mallory, requestId, random)
  t.throws(() => verifyHelloResponder(hello, b.publicKey, requestId), { instanceOf: WrongKeyError })
  // Claiming B's key while signing with Mallory's is a bad signature.
  t.throws(() => verifyHelloResponder({ ...hello, identityKey: b.publicKey }, b.publicKey, requestId), {
    instanceOf: BadSignatureError,
  })
})

test("A's Hello is bound to B's Hello: replaying it into another handshake fails", (t) => {
  const a = newIdentity()
  const b = newIdentity()
  const requestId = random(32)
  const first = createHelloResponder(b, requestId, random)
  const answer = createHelloInitiator(a, first.bytes, first.hello, random)
  const second = createHelloResponder(b, requestId, random)
  t.throws(
    () =>
      verifyHelloInitiator(answer.hello, answer.bytes, a.publicKey, {
        bytes: second.bytes,
        ephemeralSecret: second.ephemeralSecret,
        requestId,
      }),
    { instanceOf: BadSignatureError },
  )
  t.throws(
    () =>
      verifyHelloInitiator(answer.hello, answer.bytes, b.publicKey, {
        bytes: first.bytes,
        ephemeralSecret: first.ephemeralSecret,
        requestId,
      }),
    { instanceOf: WrongKeyError },
  )
})

test('a Hello for another request is refused', (t) => {
  const b = newIdentity()
  const { hello } = createHelloResponder(b, random(32), random)
  t.throws(() => verifyHelloResponder(hello, b.publicKey, random(32)), { instanceOf: WrongKeyError })
})

test('Hellos are TPTP messages with a fixed 161-byte layout', (t) => {
  const b = newIdentity()
  const { bytes, hello } = createHelloResponder(b, random(32), random)
  t.is(bytes.length, 1 + 32 * 3 + 64)
  t.is(bytes[0], 0x10)
  t.deepEqual(tptpMessageCodec.decode(bytes), hello)
})

test('the endpoint opens only with the recipient key and only for its request', (t) => {
  const b = newIdentity()
  const requestId = random(32)
  const sealed = sealEndpoint({ host: '127.0.0.1', port: 40123 }, b.publicKey, requestId, random)
  t.deepEqual(openEndpoint(sealed, b, requestId), { host: '127.0.0.1', port: 40123 })
  t.throws(() => openEndpoint(sealed, newIdentity(), requestId), { instanceOf: WrongKeyError })
  t.throws(() => openEndpoint(sealed, b, random(32)), { instanceOf: WrongKeyError })
  const bad = sealed.slice()
  bad[40]! ^= 1
  t.throws(() => openEndpoint(bad, b, requestId), { instanceOf: WrongKeyError })
})
