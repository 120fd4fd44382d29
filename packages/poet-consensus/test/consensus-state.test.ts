import test from 'ava'
import fc from 'fast-check'
import { ConsensusState, resolveSettings, type ZTestEntry, zTest } from '../src/index.js'

const claimArb = fc.record({
  v: fc.integer({ min: 0, max: 4 }),
  key: fc.integer({ min: 0, max: 1 }),
  duration: fc.double({ min: 1.01, max: 500, noNaN: true }),
  localMean: fc.double({ min: 1, max: 400, noNaN: true }),
})

function build(claims: { v: number; key: number; duration: number; localMean: number }[]) {
  const states = [ConsensusState.genesis('g')]
  claims.forEach((c, i) => {
    states.push(
      (states[states.length - 1] as ConsensusState).extend(`b${i}`, i + 1, {
        validatorId: `v${c.v}`,
        poetPublicKey: `k${c.v}/${c.key}`,
        duration: c.duration,
        localMean: c.localMean,
      }),
    )
  })
  return states
}

test('property: the incremental z-test equals the spec walk over the whole history', (t) => {
  fc.assert(
    fc.property(
      fc.array(claimArb, { minLength: 0, maxLength: 150 }),
      fc.integer({ min: 0, max: 4 }),
      fc.double({ min: 1, max: 400, noNaN: true }),
      fc.integer({ min: 1, max: 20 }),
      fc.constantFrom(1.0, 1.645, 3.075),
      fc.integer({ min: 0, max: 4 }),
      (claims, who, candidateMean, sampleSize, zmax, minWins) => {
        const settings = resolveSettings({
          populationEstimateSampleSize: sampleSize,
          ztestMaximumWinDeviation: zmax,
          ztestMinimumWinCount: minWins,
        })
        const parent = build(claims).pop() as ConsensusState
        const got = parent.zTest(`v${who}`, candidateMean, settings)
        // Spec: newest first, the candidate then (total − sampleSize) previous blocks; skipped below sampleSize.
        let want: ReturnType<typeof zTest>
        if (claims.length >= sampleSize) {
          const history: ZTestEntry[] = [{ validatorId: `v${who}`, populationEstimate: candidateMean / 20 }]
          for (let i = claims.length - 1; i >= sampleSize; i--) {
            const c = claims[i] as (typeof claims)[number]
            history.push({ validatorId: `v${c.v}`, populationEstimate: c.localMean / 20 })
          }
          want = zTest(history, `v${who}`, zmax, minWins)
        }
        t.is(got?.depth, want?.depth)
        t.is(got?.observedWins, want?.observedWins)
        if (got !== undefined && want !== undefined)
          t.true(Math.abs(got.zScore - want.zScore) < 1e-6 * Math.max(1, Math.abs(want.zScore)))
      },
    ),
    { numRuns: 300 },
  )
})

test('property: per-validator counters equal a naive count across snapshot boundaries', (t) => {
  fc.assert(
    fc.property(fc.array(claimArb, { minLength: 1, maxLength: 120 }), (claims) => {
      const states = build(claims)
      const head = states[states.length - 1] as ConsensusState
      for (let v = 0; v < 5; v++) {
        const mine = claims.filter((c) => c.v === v)
        const state = head.validatorState(`v${v}`)
        if (mine.length === 0) {
          t.is(state, undefined)
          continue
        }
        const last = mine[mine.length - 1] as (typeof mine)[number]
        let streak = 0
        for (let i = mine.length - 1; i >= 0 && (mine[i] as (typeof mine)[number]).key === last.key; i--) streak++
        t.is(state?.totalBlockClaimCount, mine.length)
        t.is(state?.keyBlockClaimCount, streak)
        t.is(state?.poetPublicKey, `k${v}/${last.key}`)
      }
    }),
    { numRuns: 200 },
  )
})

test('K-test: the limit is reached at keyBlockClaimLimit claims with one key and lifted by a new key', (t) => {
  const settings = resolveSettings({ keyBlockClaimLimit: 3 })
  let s = ConsensusState.genesis('g')
  for (let i = 0; i < 3; i++) {
    t.false(s.keyBlockClaimLimitReached('a', 'k1', settings))
    s = s.extend(`b${i}`, i + 1, { validatorId: 'a', poetPublicKey: 'k1', duration: 2, localMean: 20 })
  }
  t.true(s.keyBlockClaimLimitReached('a', 'k1', settings))
  t.false(s.keyBlockClaimLimitReached('a', 'k2', settings))
  s = s.extend('b3', 4, { validatorId: 'a', poetPublicKey: 'k2', duration: 2, localMean: 20 })
  t.is(s.validatorState('a')?.keyBlockClaimCount, 1)
  t.is(s.validatorState('a')?.totalBlockClaimCount, 4)
})

test('forks share ancestors without mixing their counters', (t) => {
  const base = ConsensusState.genesis('g').extend('a1', 1, {
    validatorId: 'x',
    poetPublicKey: 'k',
    duration: 3,
    localMean: 20,
  })
  const left = base.extend('l2', 2, { validatorId: 'x', poetPublicKey: 'k', duration: 5, localMean: 30 })
  const right = base.extend('r2', 2, { validatorId: 'y', poetPublicKey: 'k', duration: 4, localMean: 30 })
  t.is(left.validatorState('x')?.totalBlockClaimCount, 2)
  t.is(right.validatorState('x')?.totalBlockClaimCount, 1)
  t.is(right.validatorState('y')?.totalBlockClaimCount, 1)
  t.is(left.validatorState('y'), undefined)
  t.is(left.aggregateLocalMean, 50)
})
