// The scenarios of Sawtooth's own unit tests (hyperledger/sawtooth-poet
// core/tests/test_consensus/test_consensus_state.py at f0dfc52e), replayed against our
// ConsensusState. The expected values are recomputed here from the formulas those tests state.
import test from 'ava'
import { ConsensusState, resolveSettings, seededRng } from '../src/index.js'

const MINIMUM_WAIT_TIME = 1

test('test_validator_did_claim_block: aggregate local mean and per-key counters', (t) => {
  let s = ConsensusState.genesis('g')
  const claim = (key: string, i: number) => {
    s = s.extend(`b${i}`, i, { validatorId: 'validator_001', poetPublicKey: key, duration: 3.14, localMean: 5 })
  }
  claim('key_001', 1)
  t.is(s.aggregateLocalMean, 5)
  t.like(s.validatorState('validator_001'), {
    keyBlockClaimCount: 1,
    poetPublicKey: 'key_001',
    totalBlockClaimCount: 1,
  })
  claim('key_001', 2)
  t.is(s.aggregateLocalMean, 10)
  t.like(s.validatorState('validator_001'), { keyBlockClaimCount: 2, totalBlockClaimCount: 2 })
  claim('key_002', 3)
  t.is(s.aggregateLocalMean, 15)
  t.is(s.totalBlockClaimCount, 3)
  t.like(s.validatorState('validator_001'), {
    keyBlockClaimCount: 1,
    poetPublicKey: 'key_002',
    totalBlockClaimCount: 3,
  })
})

test('test_local_mean: bootstrap ratio formula for 50 blocks, then target · Σmean/Σ(duration − 1) over the last 50', (t) => {
  const settings = resolveSettings({ targetWaitTime: 30, initialWaitTime: 3000, populationEstimateSampleSize: 50 })
  const rng = seededRng(2017)
  const fixed = (count: number) => {
    const ratio = count / 50
    return 30 * (1 - ratio ** 2) + 3000 * ratio ** 2
  }
  let s = ConsensusState.genesis('g')
  let window: { duration: number; localMean: number }[] = []
  for (let i = 0; i < 50; i++) {
    const cert = { duration: MINIMUM_WAIT_TIME + 10 * rng.next(), localMean: fixed(window.length) }
    window.push(cert)
    t.true(Math.abs(cert.localMean - s.localMean(settings)) < 1e-4)
    s = s.extend(`b${i}`, i + 1, { validatorId: 'validator_001', poetPublicKey: 'key_001', ...cert })
  }
  const historical = (wcs: typeof window) => {
    let sw = 0
    let sm = 0
    for (const wc of wcs) {
      sw += wc.duration - MINIMUM_WAIT_TIME
      sm += wc.localMean
    }
    return 30 * (sm / sw)
  }
  for (let i = 50; i < 100; i++) {
    const cert = { duration: MINIMUM_WAIT_TIME + 10 * rng.next(), localMean: historical(window) }
    window.push(cert)
    window = window.slice(1)
    t.true(Math.abs(cert.localMean - s.localMean(settings)) < 1e-4)
    s = s.extend(`b${i}`, i + 1, { validatorId: 'validator_001', poetPublicKey: 'key_001', ...cert })
  }
})

test('test_block_claim_limit: K claims pass, the next trips the test, a new key resets it', (t) => {
  const settings = resolveSettings({ keyBlockClaimLimit: 10 })
  let s = ConsensusState.genesis('g')
  for (let i = 0; i < 10; i++) {
    t.false(s.keyBlockClaimLimitReached('validator_001', 'key_001', settings))
    s = s.extend(`b${i}`, i + 1, {
      validatorId: 'validator_001',
      poetPublicKey: 'key_001',
      duration: 3.14,
      localMean: 5,
    })
  }
  t.true(s.keyBlockClaimLimitReached('validator_001', 'key_001', settings))
  t.false(s.keyBlockClaimLimitReached('validator_001', 'key_002', settings))
})

test('test_block_claim_frequency: population estimate 2, the 10th claim after bootstrap fails the z-test', (t) => {
  const settings = resolveSettings({
    targetWaitTime: 5,
    populationEstimateSampleSize: 50,
    ztestMinimumWinCount: 3,
    ztestMaximumWinDeviation: 3.075,
  })
  // localMean = target · 2 makes every block's population estimate 2.
  const claim = { validatorId: 'validator_001_key', poetPublicKey: 'key_002', duration: 3.14, localMean: 10 }
  let s = ConsensusState.genesis('g')
  for (let i = 0; i < 50; i++) {
    t.is(s.zTest(claim.validatorId, claim.localMean, settings), undefined)
    s = s.extend(`b${i}`, i + 1, claim)
  }
  // The Sawtooth test's loop: smallest n ≥ minimum with (n − n/2)/sqrt(n·½·½) > 3.075.
  let observed = 3
  for (;;) {
    const expected = observed / 2
    const p = expected / observed
    if ((observed - expected) / Math.sqrt(observed * p * (1 - p)) > 3.075) break
    observed += 1
  }
  t.is(observed, 10)
  for (let i = 0; i < observed - 1; i++) {
    t.is(s.zTest(claim.validatorId, claim.localMean, settings), undefined, `claim ${i + 1} after bootstrap`)
    s = s.extend(`c${i}`, 51 + i, claim)
  }
  const failure = s.zTest(claim.validatorId, claim.localMean, settings)
  t.truthy(failure)
  t.is(failure?.observedWins, 10)
  t.true(Math.abs((failure?.zScore ?? 0) - Math.sqrt(10)) < 1e-12)
})
