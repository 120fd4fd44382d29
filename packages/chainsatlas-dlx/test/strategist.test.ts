import test from 'ava'
import fc from 'fast-check'
import { NoFeasiblePlanError, ProfileError } from '../src/errors.js'
import {
  type ChainProfile,
  type Constraints,
  evaluatePlan,
  parseProfile,
  segmentCapacity,
  strategize,
} from '../src/strategist.js'
import { holds } from './helpers.js'

const profileArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    txSizeLimit: fc.integer({ min: 64 + 4, max: 64 + 48 }),
    validators: fc.integer({ min: 1, max: 1000 }),
    blockTime: fc.integer({ min: 1, max: 20 }),
    tps: fc.integer({ min: 1, max: 100 }),
    avgFee: fc.integer({ min: 1, max: 50 }).map((x) => x / 10),
    decentralization: fc.integer({ min: 0, max: 10 }).map((x) => x / 10),
    privacy: fc.integer({ min: 0, max: 10 }).map((x) => x / 10),
  })

const instanceArb = fc.record({
  profiles: fc
    .integer({ min: 1, max: 3 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => profileArb(`c${i}`)))),
  units: fc.integer({ min: 1, max: 8 }),
  maxCost: fc.integer({ min: 1, max: 200 }).map((x) => x / 10),
  minCost: fc.integer({ min: 0, max: 30 }).map((x) => x / 10),
  minPrivacy: fc.integer({ min: 0, max: 10 }).map((x) => x / 10),
  costWeight: fc.integer({ min: 0, max: 5 }),
  timeWeight: fc.integer({ min: 0, max: 5 }),
})

/** Every composition of `units` granules into segments, times every chain assignment. */
function bruteForce(codeSize: number, profiles: readonly ChainProfile[], k: Constraints) {
  const units = codeSize / 4
  let best: number | undefined
  const rec = (at: number, parts: { size: number; chain: string }[]) => {
    if (at === units) {
      const ev = evaluatePlan(codeSize, parts, profiles, k)
      if (ev.violations.length === 0 && (best === undefined || ev.score < best)) best = ev.score
      return
    }
    for (let len = 1; at + len <= units; len++)
      for (const c of profiles) rec(at + len, [...parts, { size: len * 4, chain: c.id }])
  }
  rec(0, [])
  return best
}

test('property: the exact plan is optimal (checked against brute force) and respects every constraint', (t) => {
  holds(
    t,
    fc.property(instanceArb, (x) => {
      const codeSize = x.units * 4
      const k: Constraints = {
        maxCost: x.maxCost,
        minCost: x.minCost,
        minPrivacy: x.minPrivacy,
        costWeight: x.costWeight,
        timeWeight: x.timeWeight,
      }
      const want = bruteForce(codeSize, x.profiles, k)
      let plan: ReturnType<typeof strategize>
      try {
        plan = strategize(codeSize, x.profiles, k, { method: 'exact' })
      } catch (e) {
        return e instanceof NoFeasiblePlanError && want === undefined
      }
      const ev = evaluatePlan(codeSize, plan.segments, x.profiles, k)
      return (
        want !== undefined &&
        ev.violations.length === 0 &&
        Math.abs(ev.score - want) < 1e-9 &&
        Math.abs(plan.score - ev.score) < 1e-9
      )
    }),
    150,
  )
})

test('property: the heuristic plan respects every constraint and is never better than the optimum', (t) => {
  holds(
    t,
    fc.property(instanceArb, (x) => {
      const codeSize = x.units * 4
      const k: Constraints = { maxCost: x.maxCost, minCost: x.minCost, minPrivacy: x.minPrivacy }
      let h: ReturnType<typeof strategize>
      try {
        h = strategize(codeSize, x.profiles, k, { method: 'heuristic' })
      } catch (e) {
        return e instanceof NoFeasiblePlanError
      }
      const ev = evaluatePlan(codeSize, h.segments, x.profiles, k)
      const opt = bruteForce(codeSize, x.profiles, k)
      return ev.violations.length === 0 && opt !== undefined && ev.score >= opt - 1e-9
    }),
    150,
  )
})

test('large instances use the heuristic: 1 MiB of code over realistic profiles, within constraints', (t) => {
  const profiles: ChainProfile[] = [
    {
      id: 'l1',
      txSizeLimit: 131072,
      validators: 9000,
      blockTime: 12,
      tps: 15,
      avgFee: 2.5,
      decentralization: 0.95,
      privacy: 0.3,
    },
    {
      id: 'side',
      txSizeLimit: 32768,
      validators: 100,
      blockTime: 2,
      tps: 700,
      avgFee: 0.02,
      decentralization: 0.5,
      privacy: 0.3,
    },
    {
      id: 'priv',
      txSizeLimit: 1024,
      validators: 60,
      blockTime: 6,
      tps: 50,
      avgFee: 0.05,
      decentralization: 0.4,
      privacy: 0.95,
    },
  ]
  const size = 1 << 20
  const started = Date.now()
  const plan = strategize(size, profiles, { maxCost: 50, minPrivacy: 0.2 })
  t.is(plan.method, 'heuristic')
  t.deepEqual(evaluatePlan(size, plan.segments, profiles, { maxCost: 50, minPrivacy: 0.2 }).violations, [])
  t.true(plan.segments.every((s) => s.size <= segmentCapacity(profiles.find((p) => p.id === s.chain)!)))
  const priv = strategize(size, profiles, { maxCost: 1000, minPrivacy: 0.9 })
  t.true(
    priv.segments.every((s) => s.chain === 'priv'),
    'minimum privacy leaves only the private chain',
  )
  t.throws(() => strategize(size, profiles, { maxCost: 1, minPrivacy: 0.9 }), { instanceOf: NoFeasiblePlanError })
  t.true(Date.now() - started < 60_000)
})

test('profiles from JSON are validated', (t) => {
  t.throws(() => parseProfile({ id: 'x', txSizeLimit: 0 }), { instanceOf: ProfileError })
  t.throws(
    () =>
      parseProfile({
        id: 'x',
        txSizeLimit: 100,
        validators: 1,
        blockTime: 1,
        tps: 1,
        avgFee: 1,
        decentralization: 2,
        privacy: 0,
      }),
    {
      instanceOf: ProfileError,
    },
  )
  t.is(
    parseProfile({
      id: 'x',
      txSizeLimit: 100,
      validators: 1,
      blockTime: 1,
      tps: 1,
      avgFee: 1,
      decentralization: 1,
      privacy: 0,
    }).id,
    'x',
  )
})
