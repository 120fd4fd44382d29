import test from 'ava'
import { ADVERSARY_KINDS, simulate, simulateFull } from '../src/index.js'

test('50 honest validators, 10,000 blocks: equal win shares (chi-square p > 0.01), interval within 10% of target', (t) => {
  const r = simulate({ validators: 50, blocks: 10_000, delayMs: 200, seed: 7 })
  t.is(r.blocks, 10_000)
  t.false(r.stalled)
  t.true(r.winShares.chiSquarePValue > 0.01, `p = ${r.winShares.chiSquarePValue}`)
  t.true(Math.abs(r.interval.ratioToTarget - 1) < 0.1, `interval ratio ${r.interval.ratioToTarget}`)
  t.is(r.honest.falseRejections, 0)
  t.is(r.honest.blacklisted, 0)
  t.true(r.forks.forkRate < 0.05)
})

test('compute shares change only when a timer starts: a 10x faster validator gets no material edge', (t) => {
  const shares = Array.from({ length: 20 }, (_, i) => (i === 0 ? 10 : 1))
  const r = simulate({ validators: 20, blocks: 4000, delayMs: 200, seed: 9, shares, processingMs: 50 })
  t.true(r.winShares.chiSquarePValue > 0.01, `p = ${r.winShares.chiSquarePValue}`)
  t.true(r.winShares.maxShare < 0.07, `max share ${r.winShares.maxShare}`)
})

test('the z-test catches a validator whose enclave draws 3x shorter waits', (t) => {
  const r = simulate({
    validators: 20,
    blocks: 3000,
    delayMs: 200,
    seed: 3,
    adversaries: [{ kind: 'compromised', count: 1 }],
    compromisedFactor: 1 / 3,
    blacklist: { strikes: 1_000_000 },
  })
  // Strikes are disabled so every over-winning claim meets the z-test, not the blacklist.
  const adversary = r.adversaries[0]
  t.truthy(adversary)
  t.true((adversary?.reasons.ztest ?? 0) > 0)
})

test('every adversary type is rejected and blacklisted in the statistical simulator', (t) => {
  const r = simulate({
    validators: 100,
    blocks: 2000,
    delayMs: 200,
    seed: 7,
    adversaries: ADVERSARY_KINDS.map((kind) => ({ kind, count: 1 })),
  })
  for (const a of r.adversaries) {
    t.true(a.rejected > 0, `${a.kind} never rejected`)
    t.not(a.blacklistedAtHeight, null, `${a.kind} never blacklisted`)
    t.true(a.inChain <= 60, `${a.kind} got ${a.inChain} blocks in`)
  }
  t.is(r.honest.falseRejections, 0)
  t.is(r.honest.blacklisted, 0)
})

test('the simulator is deterministic: same seed, same report', (t) => {
  const opts = {
    validators: 30,
    blocks: 500,
    delayMs: 300,
    seed: 11,
    adversaries: [{ kind: 'forge' as const, count: 1 }],
  }
  const { wallMs: _a, ...one } = simulate(opts)
  const { wallMs: _b, ...two } = simulate(opts)
  t.deepEqual(one, two)
  const { wallMs: _c, ...other } = simulate({ ...opts, seed: 12 })
  t.notDeepEqual(one, other)
})

test('z-test false positives: a 1-validator network halts under the defaults, not with the documented settings', (t) => {
  for (const seed of [1, 2, 3]) {
    const r = simulate({ validators: 1, blocks: 3000, delayMs: 200, seed })
    t.true(r.stalled, `seed ${seed} did not halt`)
    t.true((r.honest.selfRefusals.ztest ?? 0) > 0)
  }
  const relaxed = { ztestMinimumWinCount: 1_000_000, keyBlockClaimLimit: 1_000_000 }
  for (const n of [1, 2, 3]) {
    const r = simulate({ validators: n, blocks: 3000, delayMs: 200, seed: 7, settings: relaxed })
    t.false(r.stalled)
    t.is(r.honest.selfRefusals.ztest ?? 0, 0)
  }
})

test('z-test false positives: a deviation of 5 cuts honest self-refusals and still stops a compromised enclave', (t) => {
  const honest = (z: number) =>
    simulate({ validators: 10, blocks: 3000, delayMs: 200, seed: 5, settings: { ztestMaximumWinDeviation: z } })
  const strict = honest(3.075).honest.selfRefusals.ztest ?? 0
  const relaxed = honest(5).honest.selfRefusals.ztest ?? 0
  t.true(relaxed * 3 < strict, `refusals: ${strict} at 3.075, ${relaxed} at 5`)
  for (const seed of [1, 2, 3]) {
    const r = simulate({
      validators: 10,
      blocks: 1000,
      delayMs: 200,
      seed,
      settings: { ztestMaximumWinDeviation: 5 },
      adversaries: [{ kind: 'compromised', count: 1 }],
    })
    t.not(r.adversaries[0]?.blacklistedAtHeight, null)
    t.false(r.stalled)
  }
})

test('documented hazard: a compromised enclave inflates the population estimate until every honest validator fails its z-test', (t) => {
  const r = simulate({
    validators: 10,
    blocks: 3000,
    delayMs: 200,
    seed: 5,
    adversaries: [{ kind: 'compromised', count: 1 }],
  })
  t.true(r.stalled)
  t.true(r.blocks < 100)
  t.not(r.adversaries[0]?.blacklistedAtHeight, null)
})

test('full engines with real certificates: every tampering adversary is rejected and blacklisted, honest blocks never', async (t) => {
  const r = await simulateFull({
    validators: 10,
    blocks: 40,
    delayMs: 200,
    seed: 7,
    settings: { populationEstimateSampleSize: 10, initialWaitTime: 200 },
    adversaries: ADVERSARY_KINDS.filter((k) => k !== 'compromised').map((kind) => ({ kind, count: 1 })),
  })
  t.false(r.stalled)
  t.is(r.blocks, 40)
  t.is(r.adversaries.length, ADVERSARY_KINDS.length - 1)
  for (const a of r.adversaries) {
    t.true(a.rejected > 0, `${a.kind}: ${JSON.stringify(a)}`)
    t.not(a.blacklistedAtHeight, null, `${a.kind} never blacklisted`)
    t.true(a.inChain <= 1, `${a.kind} got ${a.inChain} blocks in`)
  }
  t.is(r.honest.falseRejections, 0)
  t.is(r.honest.blacklisted, 0)
})

test('full engines: a compromised enclave gets blocks in during bootstrap, then the z-test stops it', async (t) => {
  const r = await simulateFull({
    validators: 8,
    blocks: 40,
    delayMs: 200,
    seed: 7,
    settings: { populationEstimateSampleSize: 10, initialWaitTime: 200 },
    adversaries: [{ kind: 'compromised', count: 1 }],
  })
  const a = r.adversaries[0]
  t.false(r.stalled)
  t.true((a?.reasons.ztest ?? 0) > 0)
  t.not(a?.blacklistedAtHeight, null)
  t.is(r.honest.falseRejections, 0)
})

test('full engines: K-test key rotation by re-registering, with no honest block rejected', async (t) => {
  const r = await simulateFull({
    validators: 5,
    blocks: 40,
    delayMs: 200,
    seed: 3,
    settings: { populationEstimateSampleSize: 10, initialWaitTime: 100, keyBlockClaimLimit: 5 },
  })
  t.false(r.stalled)
  t.true(r.honest.keyRotations >= 4, `rotations ${r.honest.keyRotations}`)
  t.is(r.honest.falseRejections, 0)
  t.is(r.honest.blacklisted, 0)
})
