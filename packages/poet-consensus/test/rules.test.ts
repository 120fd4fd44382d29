import test from 'ava'
import { Blacklist, type ClaimCheck, ConsensusState, checkClaim, resolveSettings } from '../src/index.js'

const settings = resolveSettings({ populationEstimateSampleSize: 5 })
function chain(n: number, who: (i: number) => string) {
  let s = ConsensusState.genesis('g')
  for (let i = 0; i < n; i++)
    s = s.extend(`b${i}`, i + 1, { validatorId: who(i), poetPublicKey: `${who(i)}/k`, duration: 2, localMean: 140 })
  return s
}
const base = (parent: ConsensusState, over: Partial<ClaimCheck> = {}): ClaimCheck => ({
  validatorId: 'a',
  height: parent.totalBlockClaimCount + 1,
  parent,
  entry: { poetPublicKey: 'a/k', signupHeight: 0, commitHeight: 0 },
  registrySize: 10,
  blacklisted: false,
  certificate: {
    duration: 5,
    localMean: parent.localMean(settings),
    requestTime: 1000,
    validatorMatches: true,
    signatureValid: true,
    previousCertificateMatches: true,
    blockDigestMatches: true,
  },
  timing: { arrival: 6500, parentTimestamp: 900, toleranceMs: 1000, checkStale: true },
  ...over,
})
const reason = (c: ClaimCheck) => {
  const v = checkClaim(c, settings)
  return v.valid ? 'valid' : v.reason
}

test('an honest claim passes every policy', (t) => {
  t.is(reason(base(chain(8, (i) => `o${i % 7}`))), 'valid')
})

test('each policy rejects with its own reason', (t) => {
  const p = chain(8, (i) => `o${i % 7}`)
  const b = base(p)
  t.is(reason({ ...b, entry: undefined }), 'unregistered')
  t.is(reason({ ...b, blacklisted: true }), 'blacklisted')
  t.is(reason({ ...b, certificate: { ...b.certificate, validatorMatches: false } }), 'wrong-validator')
  t.is(reason({ ...b, certificate: { ...b.certificate, signatureValid: false } }), 'bad-signature')
  t.is(
    reason({ ...b, certificate: { ...b.certificate, previousCertificateMatches: false } }),
    'wrong-previous-certificate',
  )
  t.is(reason({ ...b, certificate: { ...b.certificate, blockDigestMatches: false } }), 'wrong-block-digest')
  t.is(
    reason({ ...b, certificate: { ...b.certificate, localMean: b.certificate.localMean + 0.002 } }),
    'wrong-local-mean',
  )
  t.is(reason({ ...b, certificate: { ...b.certificate, localMean: b.certificate.localMean + 0.0009 } }), 'valid')
  t.is(
    reason({ ...b, timing: { arrival: 4999, parentTimestamp: 900, toleranceMs: 1000, checkStale: true } }),
    'timer-not-expired',
  )
  t.is(reason({ ...b, timing: { arrival: 5000, parentTimestamp: 900, toleranceMs: 1000, checkStale: true } }), 'valid')
  t.is(
    reason({ ...b, timing: { arrival: 6000, parentTimestamp: 2001, toleranceMs: 1000, checkStale: true } }),
    'timer-before-parent',
  )
  t.is(
    reason({ ...b, timing: { arrival: 37_001, parentTimestamp: 900, toleranceMs: 1000, checkStale: true } }),
    'timer-timed-out',
  )
  t.is(
    reason({ ...b, timing: { arrival: 37_001, parentTimestamp: 900, toleranceMs: 1000, checkStale: false } }),
    'valid',
  )
  t.is(
    reason({ ...b, entry: { poetPublicKey: 'a/k', signupHeight: 0, commitHeight: 12 } }),
    'signup-committed-too-late',
  )
  t.is(reason({ ...b, entry: { poetPublicKey: 'a/k', signupHeight: 1, commitHeight: 12 } }), 'claiming-too-early')
})

test('c-test: a validator waits blockClaimDelay blocks after its registration commits', (t) => {
  const p = chain(8, (i) => `o${i % 7}`) // next height 9
  const b = base(p)
  t.is(reason({ ...b, entry: { poetPublicKey: 'a/k', signupHeight: 7, commitHeight: 8 } }), 'claiming-too-early')
  t.is(reason({ ...b, entry: { poetPublicKey: 'a/k', signupHeight: 6, commitHeight: 7 } }), 'valid')
  // Skipped while the chain holds no more than blockClaimDelay claims, and with a single registered validator.
  const young = chain(1, () => 'o')
  t.is(reason({ ...base(young), entry: { poetPublicKey: 'a/k', signupHeight: 1, commitHeight: 1 } }), 'valid')
  t.is(reason({ ...b, registrySize: 1, entry: { poetPublicKey: 'a/k', signupHeight: 7, commitHeight: 8 } }), 'valid')
})

test('K-test and z-test through checkClaim', (t) => {
  const k = resolveSettings({ populationEstimateSampleSize: 5, keyBlockClaimLimit: 2 })
  const p = chain(8, (i) => (i >= 6 ? 'a' : `o${i}`))
  const v = checkClaim(base(p, { certificate: { ...base(p).certificate, localMean: p.localMean(k) } }), k)
  t.is(v.valid ? 'valid' : v.reason, 'key-block-claim-limit')
  const greedy = chain(30, (i) => (i % 2 === 0 ? 'a' : `o${i % 7}`))
  t.is(reason(base(greedy)), 'ztest')
  t.is(checkClaim({ ...base(greedy), zTest: false }, settings).valid, true)
})

test('blacklist: a bad signature lists at once, other cheating after the strike count, benign reasons never', (t) => {
  const list = new Blacklist({ onBadSignature: true, strikes: 3 })
  t.true(list.record('f', 'bad-signature'))
  t.true(list.has('f'))
  t.false(list.record('e', 'timer-not-expired'))
  t.false(list.record('e', 'timer-not-expired'))
  t.true(list.record('e', 'ztest'))
  for (let i = 0; i < 10; i++) list.record('h', 'claiming-too-early')
  t.false(list.has('h'))
  t.is(list.size, 2)
})
