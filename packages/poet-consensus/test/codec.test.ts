import test from 'ava'
import fc from 'fast-check'
import {
  CERTIFICATE_BODY_SIZE,
  DecodeError,
  decodeSignupInfo,
  decodeWaitCertificate,
  decodeWaitTimer,
  encodeSignupInfo,
  encodeWaitCertificate,
  encodeWaitTimer,
  SIGNED_CERTIFICATE_SIZE,
  SIGNUP_INFO_SIZE,
  WAIT_TIMER_SIZE,
} from '../src/index.js'

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
const float = fc.double({ min: 0, max: 1e12, noNaN: true })
const certificate = fc.record({
  requestTime: float,
  duration: float,
  localMean: float,
  previousCertificateId: bytes(32),
  validatorId: bytes(33),
  nonce: bytes(32),
  blockDigest: bytes(32),
  signature: bytes(64),
})

test('layout sizes are the documented byte tables', (t) => {
  t.is(WAIT_TIMER_SIZE, 1 + 8 * 3 + 32 + 33)
  t.is(CERTIFICATE_BODY_SIZE, 1 + 8 * 3 + 32 + 33 + 32 + 32)
  t.is(SIGNED_CERTIFICATE_SIZE, CERTIFICATE_BODY_SIZE + 64)
  t.is(SIGNUP_INFO_SIZE, 1 + 33 + 32 + 32 + 32 + 64)
})

test('known bytes: version, big-endian float64 fields, then fixed byte fields', (t) => {
  const encoded = encodeWaitTimer({
    requestTime: 1,
    duration: 2.5,
    localMean: 20,
    previousCertificateId: new Uint8Array(32).fill(0xaa),
    validatorId: new Uint8Array(33).fill(0xbb),
  })
  t.is(encoded[0], 1)
  t.deepEqual([...encoded.subarray(1, 9)], [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]) // 1.0
  t.deepEqual([...encoded.subarray(9, 17)], [0x40, 0x04, 0, 0, 0, 0, 0, 0]) // 2.5
  t.deepEqual([...encoded.subarray(17, 25)], [0x40, 0x34, 0, 0, 0, 0, 0, 0]) // 20.0
  t.is(encoded[25], 0xaa)
  t.is(encoded[57], 0xbb)
})

test('wait certificates round-trip', (t) => {
  fc.assert(
    fc.property(certificate, (c) => {
      const encoded = encodeWaitCertificate(c)
      t.is(encoded.length, SIGNED_CERTIFICATE_SIZE)
      const { certificate: back, body } = decodeWaitCertificate(encoded)
      t.deepEqual({ ...back }, { ...c })
      t.deepEqual(body, encoded.subarray(0, CERTIFICATE_BODY_SIZE))
    }),
  )
})

test('wait timers and sign-up info round-trip', (t) => {
  fc.assert(
    fc.property(certificate, bytes(33), bytes(32), (c, k, s) => {
      const timer = {
        requestTime: c.requestTime,
        duration: c.duration,
        localMean: c.localMean,
        previousCertificateId: c.previousCertificateId,
        validatorId: c.validatorId,
      }
      t.deepEqual({ ...decodeWaitTimer(encodeWaitTimer(timer)) }, timer)
      const info = {
        poetPublicKey: k,
        antiSybilId: s,
        nonce: c.nonce,
        originatorPublicKeyHash: c.blockDigest,
        proof: c.signature,
      }
      t.deepEqual({ ...decodeSignupInfo(encodeSignupInfo(info)) }, info)
    }),
  )
})

test('decoders never crash on arbitrary bytes: they return a value or throw DecodeError', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (input) => {
      for (const decode of [decodeWaitCertificate, decodeWaitTimer, decodeSignupInfo]) {
        try {
          decode(input)
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error
        }
      }
    }),
  )
  t.throws(() => decodeWaitCertificate(new Uint8Array(SIGNED_CERTIFICATE_SIZE + 1)), { instanceOf: DecodeError })
})

test('a short certificate names the length; a wrong version byte names the field', (t) => {
  const error = t.throws(() => decodeWaitCertificate(new Uint8Array(10)), { instanceOf: DecodeError })
  t.is(error?.field, '(length)')
  const bad = new Uint8Array(SIGNED_CERTIFICATE_SIZE)
  bad[0] = 9
  t.is(t.throws(() => decodeWaitCertificate(bad), { instanceOf: DecodeError })?.field, 'version')
})

test('a NaN or negative duration is rejected with the field and offset', (t) => {
  fc.assert(
    fc.property(certificate, fc.constantFrom(Number.NaN, -1, Number.POSITIVE_INFINITY), (c, v) => {
      const encoded = encodeWaitCertificate({ ...c, duration: v })
      const error = t.throws(() => decodeWaitCertificate(encoded), { instanceOf: DecodeError })
      t.is(error?.field, 'duration')
      t.is(error?.offset, 9)
    }),
  )
})
