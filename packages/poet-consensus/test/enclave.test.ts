import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import test from 'ava'
import fc from 'fast-check'
import {
  CERTIFICATE_BODY_SIZE,
  certificateId,
  decodeWaitCertificate,
  encodeWaitCertificate,
  NoActiveTimerError,
  NULL_CERTIFICATE_ID,
  poetVerify,
  seededRng,
  simulatedAttestationVerifier,
  simulatedEnclave,
  TimerNotExpiredError,
  TimerTimedOutError,
  timerDuration,
} from '../src/index.js'

function setup(seed = 1) {
  let now = 1_000_000
  const rng = seededRng(seed)
  const clock = { now: () => now }
  const enclave = simulatedEnclave({ clock, random: rng.bytes })
  const info = enclave.createSignupInfo(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))
  const validator = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(rng.bytes(48)), true)
  return { enclave, info, validator, advance: (ms: number) => (now += ms), rng }
}

test('duration = minimum − localMean·ln(tagd), tag = HMAC-SHA256(seal key, previous certificate id), low 64 bits little-endian', (t) => {
  const key = new Uint8Array(32).fill(7)
  const prev = new Uint8Array(32).fill(9)
  const tag = hmac(sha256, key, prev)
  let low = 0n
  for (let i = 7; i >= 0; i--) low = (low << 8n) | BigInt(tag[24 + i] as number)
  const tagd = Number(low) / (2 ** 64 - 1)
  t.is(timerDuration(key, prev, 20, 1), 1 - 20 * Math.log(tagd))
  t.true(timerDuration(key, prev, 20, 1) >= 1)
})

test('durations are deterministic per (seal key, previous id) and exponential with mean localMean above the minimum', (t) => {
  const { rng } = setup()
  const key = rng.bytes(32)
  let sum = 0
  const n = 4000
  for (let i = 0; i < n; i++) {
    const prev = sha256(new Uint8Array([i & 0xff, i >> 8]))
    const d = timerDuration(key, prev, 30, 1)
    t.is(d, timerDuration(key, prev, 30, 1))
    sum += d - 1
  }
  // Mean of n Exp(30) draws: standard error 30/sqrt(n) ≈ 0.47; allow 5 sigma.
  t.true(Math.abs(sum / n - 30) < 2.5, `mean ${sum / n}`)
  t.not(timerDuration(rng.bytes(32), new Uint8Array(32), 30, 1), timerDuration(key, new Uint8Array(32), 30, 1))
})

test('a certificate is issued only after expiry and before expiry + 30 s, once per timer', (t) => {
  const { enclave, validator, advance } = setup()
  const prev = new Uint8Array(32).fill(5)
  const timer = enclave.createWaitTimer(validator, prev, 20)
  t.throws(() => enclave.createWaitCertificate(timer, new Uint8Array(32)), { instanceOf: TimerNotExpiredError })
  advance(timer.duration * 1000)
  const cert = enclave.createWaitCertificate(timer, new Uint8Array(32).fill(3))
  t.is(cert.duration, timer.duration)
  t.deepEqual(cert.previousCertificateId, prev)
  t.throws(() => enclave.createWaitCertificate(timer, new Uint8Array(32)), { instanceOf: NoActiveTimerError })

  const late = enclave.createWaitTimer(validator, prev, 20)
  advance(late.duration * 1000 + 30_001)
  t.throws(() => enclave.createWaitCertificate(late, new Uint8Array(32)), { instanceOf: TimerTimedOutError })
})

test('a newer timer replaces the active one; the genesis timer need not expire', (t) => {
  const { enclave, validator } = setup()
  const first = enclave.createWaitTimer(validator, new Uint8Array(32).fill(1), 20)
  enclave.createWaitTimer(validator, new Uint8Array(32).fill(2), 20)
  t.throws(() => enclave.createWaitCertificate(first, new Uint8Array(32)), { instanceOf: NoActiveTimerError })
  const genesis = enclave.createWaitTimer(validator, NULL_CERTIFICATE_ID, 20)
  t.notThrows(() => enclave.createWaitCertificate(genesis, new Uint8Array(32)))
})

test('sign-up proofs verify, and fail when any field is changed', (t) => {
  const { info } = setup()
  t.true(simulatedAttestationVerifier.verifySignupInfo(info))
  t.false(simulatedAttestationVerifier.verifySignupInfo({ ...info, antiSybilId: new Uint8Array(32) }))
  t.false(
    simulatedAttestationVerifier.verifySignupInfo({
      ...info,
      poetPublicKey: secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true),
    }),
  )
})

test('property: a certificate verifies with its PoET key and fails after any byte flip or with another key', (t) => {
  const { enclave, info, validator } = setup(3)
  const other = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true)
  const timer = enclave.createWaitTimer(validator, NULL_CERTIFICATE_ID, 20)
  const bytes = encodeWaitCertificate(enclave.createWaitCertificate(timer, new Uint8Array(32).fill(8)))
  const { certificate, body } = decodeWaitCertificate(bytes)
  t.true(poetVerify(certificate.signature, body, info.poetPublicKey))
  t.false(poetVerify(certificate.signature, body, other))
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
      const tampered = bytes.slice()
      tampered[index] = (tampered[index] as number) ^ mask
      let ok: boolean
      try {
        const d = decodeWaitCertificate(tampered)
        ok = poetVerify(d.certificate.signature, d.body, info.poetPublicKey)
      } catch {
        ok = false
      }
      t.false(ok, `flip at ${index} (${index < CERTIFICATE_BODY_SIZE ? 'body' : 'signature'}) still verified`)
    }),
    { numRuns: 300 },
  )
  t.deepEqual(certificateId(certificate), sha256(certificate.signature))
})
