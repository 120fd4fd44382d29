// Back-off schedule (Sawtooth: 10 s doubling to 300 s) and configuration checking.
import test from 'ava'
import { Backoff } from '../src/backoff.js'
import { DEFAULT_PEERING_CONFIG, resolvePeeringConfig } from '../src/config.js'
import { InvalidConfigError } from '../src/errors.js'
import { seededRandom } from '../src/random.js'

test('back-off starts at 10 s, doubles, and is capped at 300 s', (t) => {
  const b = new Backoff(DEFAULT_PEERING_CONFIG.backoffInitialMs, DEFAULT_PEERING_CONFIG.backoffMaxMs)
  const delays = Array.from({ length: 8 }, () => b.fail('x', 0))
  t.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000])
  t.true(b.blocked('x', 299_999))
  t.false(b.blocked('x', 300_000))
  b.succeed('x')
  t.false(b.blocked('x', 0))
  t.is(b.fail('x', 0), 10_000)
  t.false(b.blocked('y', 0))
})

test('defaults are Sawtooth’s: minimum 3, maximum 10, 1 s check, 2 s response wait', (t) => {
  const c = resolvePeeringConfig()
  t.like(c, { minPeers: 3, maxPeers: 10, checkIntervalMs: 1000, responseTimeoutMs: 2000 })
  t.like(resolvePeeringConfig({ minPeers: 5, maxPeers: 20 }), { minPeers: 5, maxPeers: 20 })
})

test('bad configuration is InvalidConfigError naming the field and value', (t) => {
  const e = t.throws(() => resolvePeeringConfig({ minPeers: 4, maxPeers: 2 }), { instanceOf: InvalidConfigError })
  t.like(e, { field: 'maxPeers', value: 2 })
  t.like(
    t.throws(() => resolvePeeringConfig({ minPeers: -1 })),
    { name: 'InvalidConfigError', field: 'minPeers' },
  )
  t.like(
    t.throws(() => resolvePeeringConfig({ checkIntervalMs: 0.5 })),
    { field: 'checkIntervalMs' },
  )
  t.like(
    t.throws(() => resolvePeeringConfig({ backoffMaxMs: 5 })),
    { field: 'backoffMaxMs' },
  )
  t.like(
    t.throws(() => resolvePeeringConfig({ seeds: [''] })),
    { field: 'seeds' },
  )
})

test('the seeded generator is deterministic and roughly uniform', (t) => {
  const a = seededRandom(42)
  const b = seededRandom(42)
  const xs = Array.from({ length: 10_000 }, () => a.next())
  t.deepEqual(
    xs,
    Array.from({ length: 10_000 }, () => b.next()),
  )
  t.true(xs.every((x) => x >= 0 && x < 1))
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length
  t.true(Math.abs(mean - 0.5) < 0.02)
  t.notDeepEqual(seededRandom(43).next(), xs[0])
})
