import test from 'ava'
import {
  blockPopulationEstimate,
  ConsensusState,
  chiSquarePValue,
  DEFAULT_SETTINGS,
  localMean,
  populationEstimate,
  resolveSettings,
  zTest,
} from '../src/index.js'

const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps

test('bootstrap local mean: target·(1 − r²) + initial·r², r = claimed / 50 (spec, consensus_state.py)', (t) => {
  t.is(localMean(0, [], DEFAULT_SETTINGS), 20)
  t.true(close(localMean(25, [], DEFAULT_SETTINGS), 20 * 0.75 + 3000 * 0.25)) // 765
  t.true(close(localMean(49, [], DEFAULT_SETTINGS), 20 * (1 - 0.98 ** 2) + 3000 * 0.98 ** 2)) // 2881.992
  t.true(close(localMean(49, [], DEFAULT_SETTINGS), 2881.992, 1e-9))
})

test('population estimate = Σ localMean / Σ (duration − minimumWait); local mean = target · estimate', (t) => {
  const samples = [
    { duration: 11, localMean: 100 },
    { duration: 21, localMean: 100 },
    { duration: 31, localMean: 100 },
  ]
  t.is(populationEstimate(samples, 1), 300 / 60)
  const s = resolveSettings({ populationEstimateSampleSize: 3 })
  t.is(localMean(3, samples, s), 20 * 5)
  // Only the newest sampleSize samples count.
  t.is(localMean(4, [{ duration: 1001, localMean: 1 }, ...samples], s), 100)
  t.is(blockPopulationEstimate(100, 20), 5)
})

test('ConsensusState.localMean equals the formula on its own samples', (t) => {
  const s = resolveSettings({ populationEstimateSampleSize: 4 })
  let state = ConsensusState.genesis('g')
  const claims = [
    [3, 20],
    [9, 40],
    [5, 60],
    [13, 80],
    [7, 100],
  ] as const
  claims.forEach(([duration, mean], i) => {
    state = state.extend(`b${i}`, i + 1, { validatorId: `v${i % 2}`, poetPublicKey: 'k', duration, localMean: mean })
  })
  const expected = 20 * ((40 + 60 + 80 + 100) / (8 + 4 + 12 + 6))
  t.true(close(state.localMean(s), expected))
  t.is(state.aggregateLocalMean, 20 + 40 + 60 + 80 + 100)
  t.is(state.totalBlockClaimCount, 5)
})

test('z-test known answer: 4 straight wins at population 4 gives z = 3/sqrt(0.75) = 3.4641 > 3.075 at depth 4', (t) => {
  const history = Array.from({ length: 10 }, () => ({ validatorId: 'A', populationEstimate: 4 }))
  const failure = zTest(history, 'A', 3.075, 3)
  t.truthy(failure)
  t.is(failure?.depth, 4)
  t.is(failure?.observedWins, 4)
  t.true(close(failure?.zScore ?? 0, 3 / Math.sqrt(0.75)))
  // The minimum win count gates it: with 4 required, the 5th win is tested: z = (5 − 1.25)/sqrt(5·0.25·0.75).
  const later = zTest(history, 'A', 3.075, 4)
  t.is(later?.depth, 5)
  t.true(close(later?.zScore ?? 0, 3.75 / Math.sqrt(0.9375)))
})

test('z-test passes a validator winning at exactly its expected rate', (t) => {
  const history = Array.from({ length: 400 }, (_, i) => ({
    validatorId: i % 4 === 0 ? 'A' : 'B',
    populationEstimate: 4,
  }))
  t.is(zTest(history, 'A', 3.075, 3), undefined)
  // At α = 0.05 (z 1.645) a validator winning every second block fails.
  const greedy = Array.from({ length: 40 }, (_, i) => ({ validatorId: i % 2 === 0 ? 'A' : 'B', populationEstimate: 4 }))
  t.truthy(zTest(greedy, 'A', 1.645, 3))
})

test('chi-square p-values match table values', (t) => {
  t.true(close(chiSquarePValue(3.841458820694124, 1), 0.05, 1e-9))
  t.true(close(chiSquarePValue(5.991464547107979, 2), 0.05, 1e-9))
  t.true(close(chiSquarePValue(18.307038053275146, 10), 0.05, 1e-9))
  t.true(close(chiSquarePValue(74.91947, 49), 0.01, 1e-5))
  t.true(close(chiSquarePValue(0, 5), 1))
})
