import test from 'ava'
import { seededRandom, virtualClock } from '../src/ports.js'

test('virtual clock fires timers by due time, then creation order, and only when advanced', async (t) => {
  const clock = virtualClock(100)
  const fired: string[] = []
  clock.setTimeout(() => fired.push('b30'), 30)
  clock.setTimeout(() => fired.push('a10'), 10)
  clock.setTimeout(() => fired.push('c10'), 10)
  const cancelled = clock.setTimeout(() => fired.push('never'), 5)
  cancelled.cancel()
  t.is(clock.pending, 3)
  await clock.advance(9)
  t.deepEqual(fired, [])
  t.is(clock.now(), 109)
  await clock.advance(1)
  t.deepEqual(fired, ['a10', 'c10'])
  t.true(await clock.next())
  t.deepEqual(fired, ['a10', 'c10', 'b30'])
  t.is(clock.now(), 130)
  t.false(await clock.next())
})

test('seeded random is reproducible and seed-dependent', (t) => {
  const a = seededRandom(5)
  const b = seededRandom(5)
  const c = seededRandom(6)
  const xs = Array.from({ length: 8 }, () => a.float())
  t.deepEqual(
    xs,
    Array.from({ length: 8 }, () => b.float()),
  )
  t.notDeepEqual(
    xs,
    Array.from({ length: 8 }, () => c.float()),
  )
  t.true(xs.every((x) => x >= 0 && x < 1))
  t.deepEqual(seededRandom(9).bytes(7), seededRandom(9).bytes(7))
})
