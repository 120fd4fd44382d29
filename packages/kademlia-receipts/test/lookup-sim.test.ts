// Lookups on the simulator equal a brute-force closest-k computation.
import test from 'ava'
import { equalBytes } from '../src/bytes.js'
import { compareDistance } from '../src/id.js'
import { seededRandom } from '../src/random.js'
import { bruteForceClosest } from '../src/sim/id-index.js'
import { SimWorld } from '../src/sim/world.js'

test('after joining through the protocol, lookups return exactly the brute-force k closest', async (t) => {
  t.timeout(120_000)
  const world = new SimWorld({ nodes: 150, seed: 3, lazy: false, node: { k: 8 } })
  await world.join(0, 150)
  const ids = world.identities.map((x) => x.id)
  let exact = 0
  const runs = 30
  for (let j = 0; j < runs; j++) {
    const from = world.random.int(150)
    const target = world.random.bytes(32)
    const res = await world.clock.run(
      (world.nodes.get(from) as NonNullable<ReturnType<typeof world.nodes.get>>).lookup(target),
    )
    const want = bruteForceClosest(ids, target, 9)
      .filter((i) => i !== from)
      .slice(0, 8)
    if (
      want.every(
        (i, n) =>
          res.closest[n] !== undefined && equalBytes(ids[i] as Uint8Array, (res.closest[n] as { id: Uint8Array }).id),
      )
    )
      exact++
  }
  t.is(exact, runs)
  // the join protocol itself filled the tables (nothing was prefilled)
  const sizes = [...world.nodes.values()].map((n) => n.table.size)
  t.true(Math.min(...sizes) >= 8, `smallest table ${Math.min(...sizes)}`)
})

test('disjoint-path lookups use each node on one path only and still find the k closest', async (t) => {
  const world = new SimWorld({ nodes: 3000, seed: 4 })
  const ids = world.identities.map((x) => x.id)
  for (let j = 0; j < 10; j++) {
    const from = world.random.int(3000)
    const target = world.random.bytes(32)
    const res = await world.clock.run(world.createNode(from, true).lookup(target, { paths: 4 }))
    t.is(res.paths.length, 4)
    const seen = new Set<string>()
    for (const p of res.paths)
      for (const c of p.closest) {
        t.false(seen.has(c.idHex), 'a node appears on two paths')
        seen.add(c.idHex)
      }
    const want = bruteForceClosest(ids, target, 21)
      .filter((i) => i !== from)
      .slice(0, 20)
    t.true(equalBytes(ids[want[0] as number] as Uint8Array, (res.closest[0] as { id: Uint8Array }).id))
  }
})

test('the brute-force scan agrees with a full sort', (t) => {
  const rnd = seededRandom(77)
  const ids = Array.from({ length: 2000 }, () => rnd.bytes(32))
  for (let j = 0; j < 20; j++) {
    const target = rnd.bytes(32)
    const sorted = ids
      .map((_, i) => i)
      .sort((a, b) => compareDistance(target, ids[a] as Uint8Array, ids[b] as Uint8Array))
      .slice(0, 20)
    t.deepEqual(bruteForceClosest(ids, target, 20), sorted)
  }
})

test('with 2% message loss and 20% adversaries that never answer, lookups still reach their targets', async (t) => {
  t.timeout(120_000)
  const world = new SimWorld({
    nodes: 2000,
    seed: 8,
    adversaries: 0.2,
    behaviour: 'drop',
    loss: 0.02,
    node: { requestTimeoutMs: 500 },
  })
  world.activateAdversaries()
  let found = 0
  const runs = 20
  await world.clock.run(
    Promise.all(
      Array.from({ length: runs }, async () => {
        const from = world.randomHonest()
        const target = world.randomHonest()
        const res = await world.createNode(from, true).lookup(world.identities[target]?.id as Uint8Array, { paths: 4 })
        if (res.closest.some((c) => c.idHex === world.identities[target]?.idHex) || target === from) found++
        t.true(res.failures > 0, 'silent adversaries and lost messages show up as failed requests')
      }),
    ),
  )
  t.true(world.network.dropped > 0)
  t.true(found >= 18, `found ${found}/${runs}`)
})
