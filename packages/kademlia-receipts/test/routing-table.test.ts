import test from 'ava'
import fc from 'fast-check'
import { compareDistance } from '../src/id.js'
import type { NodeIdentity } from '../src/identity.js'
import { generateUnsignedIdentity } from '../src/identity.js'
import type { Contact } from '../src/messages.js'
import { KademliaNode } from '../src/node.js'
import { seededRandom } from '../src/random.js'
import { RoutingTable } from '../src/routing-table.js'
import { SimWorld } from '../src/sim/world.js'

const rnd = seededRandom(5)
const contact = (i: number): Contact => {
  const p = generateUnsignedIdentity({ c1: 0, c2: 0 }, rnd)
  return { publicKey: p.publicKey, x: p.x, address: `a${i}`, id: p.id, idHex: p.idHex }
}

test('closest() equals sorting the whole table by XOR distance', (t) => {
  const table = new RoutingTable(rnd.bytes(32), 4)
  for (let i = 0; i < 400; i++) table.update(contact(i))
  const all = table.all()
  t.true(all.length > 20)
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: 40 }), (target, n) => {
        const want = [...all].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, n)
        const got = table.closest(target, n)
        return got.length === want.length && got.every((c, i) => c.idHex === (want[i] as Contact).idHex)
      }),
    ),
  )
})

test('a full bucket pings its least-recently-seen contact: kept if alive, evicted if not', async (t) => {
  // k = 2 so one bucket fills quickly; liveness window 0 so every newcomer triggers a ping
  const world = new SimWorld({
    nodes: 400,
    seed: 11,
    lazy: false,
    node: { k: 2, m: 2, livenessWindowMs: 0, requestTimeoutMs: 500 },
  })
  const a = world.createNode(0, false)
  const self = a.identity.id
  // find three other nodes in bucket 0 of node 0 (first bit differs)
  const inBucket0 = world.identities
    .map((x, i) => [x, i] as const)
    .filter(([x, i]) => i !== 0 && ((x.id[0] as number) ^ (self[0] as number)) & 0x80)
    .map(([, i]) => i)
  const [p, q, r] = inBucket0 as [number, number, number]
  const [np, nq, nr] = [world.createNode(p, false), world.createNode(q, false), world.createNode(r, false)]
  await world.clock.run(np.ping(SimWorld.address(0)))
  await world.clock.run(nq.ping(SimWorld.address(0)))
  t.deepEqual(
    a.table.buckets[0]?.map((c) => c.address),
    [SimWorld.address(p), SimWorld.address(q)],
  )
  // p is alive: r's arrival makes 0 ping p, p is kept (moved to the tail), r waits in the cache
  await world.clock.run(nr.ping(SimWorld.address(0)))
  await world.clock.advance(2000)
  t.deepEqual(
    a.table.buckets[0]?.map((c) => c.address),
    [SimWorld.address(q), SimWorld.address(p)],
  )
  // q goes offline: the next newcomer triggers a ping to q, which fails, so q is evicted
  world.network.setOnline(SimWorld.address(q), false)
  await world.clock.run(nr.ping(SimWorld.address(0)))
  await world.clock.advance(2000)
  t.deepEqual(
    a.table.buckets[0]?.map((c) => c.address),
    [SimWorld.address(p), SimWorld.address(r)],
  )
})

test('buckets without a lookup for an hour are refreshed by a lookup into them', async (t) => {
  t.timeout(60_000)
  const hour = 3_600_000
  const world = new SimWorld({ nodes: 60, seed: 12, lazy: false, node: { k: 8 } })
  await world.join(0, 59)
  const node = new KademliaNode(
    {
      k: 8,
      refreshIntervalMs: hour,
      republishIntervalMs: 1e12,
      checkpointIntervalMs: 1e12,
      puzzle: world.puzzle,
      authenticate: false,
    },
    {
      transport: world.network.transport(SimWorld.address(59)),
      clock: world.clock,
      random: world.random,
      identity: world.identities[59] as NodeIdentity,
    },
  )
  await world.clock.run(node.bootstrap([SimWorld.address(0)]))
  const joinedAt = world.clock.now()
  const nonEmpty = node.table.buckets.map((b, i) => (b.length > 0 ? i : -1)).filter((i) => i >= 0)
  t.true(nonEmpty.length >= 3)
  const sent = node.stats.requestsSent
  // the first timer fires a hair under an hour after the join's lookups (nothing is due yet);
  // by the second every bucket has gone an hour without a lookup
  await world.clock.advance(2 * hour + 60_000)
  for (const i of nonEmpty)
    t.true((node.table.lastLookup[i] as number) >= hour, `bucket ${i} last looked up at ${node.table.lastLookup[i]}`)
  t.true(node.stats.requestsSent > sent, 'the refresh lookups sent requests')
  t.true(joinedAt < hour)
  node.close()
})
