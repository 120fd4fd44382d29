// The peering policy core over the simulated network, in virtual time: state machine,
// maximum/GetPeers/topology-close behaviour, back-off, search stop, bans, invariants.
import test from 'ava'
import fc from 'fast-check'
import { MalformedMessageError } from '../src/errors.js'
import { type Peering, type PeeringInit, peering } from '../src/peering.js'
import type { PeeringEvent } from '../src/ports.js'
import { seededRandom } from '../src/random.js'
import { SimNetwork } from '../src/sim/network.js'
import { Simulation } from '../src/sim/simulator.js'
import { virtualClock } from '../src/sim/virtual-clock.js'

function world(seed = 1) {
  const clock = virtualClock()
  const random = seededRandom(seed)
  const net = new SimNetwork(clock, random, { baseLatencyMs: 10, jitterMs: 10, loss: 0 })
  const nodes: { core: Peering; events: PeeringEvent[]; endpoint: string }[] = []
  const add = (init: PeeringInit) => {
    const transport = net.addNode(nodes.length)
    const core = peering(init)({ clock, random, transport })
    const events: PeeringEvent[] = []
    core.on((e) => events.push(e))
    nodes.push({ core, events, endpoint: transport.localEndpoint })
    return nodes.at(-1)!
  }
  return { clock, net, add, nodes }
}

test('states go Not connected → Connected → Peering on both sides', async (t) => {
  const w = world()
  const a = w.add({ minPeers: 1 })
  const b = w.add({ minPeers: 1, seeds: [a.endpoint] })
  a.core.start()
  b.core.start()
  await w.clock.advance(10_000)
  const path = (events: PeeringEvent[], peer: string) =>
    events.flatMap((e) => (e.type === 'state' && e.peerId === peer ? [`${e.from}>${e.to}`] : []))
  t.deepEqual(path(b.events, a.endpoint), ['not-connected>connected', 'connected>peering'])
  t.deepEqual(path(a.events, b.endpoint).at(-1), 'connected>peering')
  t.is(a.core.stateOf(b.endpoint), 'peering')
  t.is(b.core.stateOf(a.endpoint), 'peering')
  // The remote crashing takes the state back to Not connected.
  await b.core.stop()
  w.net.kill(b.endpoint)
  t.is(a.core.stateOf(b.endpoint), 'not-connected')
  t.is(a.core.peers().length, 0)
})

test('at maximum: peering refused, GetPeers still answered, topology connection closed after linger', async (t) => {
  const w = world(3)
  const seed = w.add({ minPeers: 1, maxPeers: 1 })
  const roomy = w.add({ minPeers: 1, maxPeers: 10, seeds: [seed.endpoint] })
  seed.core.start()
  roomy.core.start()
  await w.clock.advance(5_000)
  t.is(seed.core.peers().length, 1)
  // The newcomer knows only the seed, and insists on peering with it (static).
  const late = w.add({ minPeers: 1, seeds: [seed.endpoint], staticPeers: [seed.endpoint] })
  late.core.start()
  await w.clock.advance(30_000)
  const refusals = late.events.filter((e) => e.type === 'peering-rejected' && e.endpoint === seed.endpoint)
  t.true(refusals.length >= 1)
  t.like(refusals[0], { status: 'rejected-at-maximum' })
  t.truthy(
    seed.events.find((e) => e.type === 'get-peers-answered' && e.peerId === late.endpoint && !e.peering),
    'seed answered GetPeers for topology building',
  )
  t.deepEqual(
    late.core.peers().map((p) => p.endpoint),
    [roomy.endpoint],
  )
  t.is(seed.core.peers().length, 1, 'the seed stayed at its maximum')
  t.truthy(
    seed.events.find((e) => e.type === 'state' && e.peerId === late.endpoint && e.to === 'not-connected'),
    'the topology-only connection was closed',
  )
  // Static retries back off: 10 s, 20 s, ... between refusals.
  const delays = late.events.flatMap((e) => (e.type === 'backoff' && e.endpoint === seed.endpoint ? [e.delayMs] : []))
  t.deepEqual(delays.slice(0, 2), [10_000, 20_000])
})

test('failing candidates back off from 10 s, doubling, capped at 300 s', async (t) => {
  const w = world()
  const lonely = w.add({ minPeers: 1, seeds: ['sim:99'] }) // nobody there
  lonely.core.start()
  await w.clock.advance(3_600_000)
  const delays = lonely.events.flatMap((e) => (e.type === 'backoff' && e.endpoint === 'sim:99' ? [e.delayMs] : []))
  t.deepEqual(delays.slice(0, 7), [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000])
  // One hour at ≤ 300 s apart is ~17 attempts, not 3,600.
  t.true(delays.length < 25, `${delays.length} attempts`)
})

test('the search stops once the minimum is reached', async (t) => {
  const sim = new Simulation({ nodes: 40, seed: 5, joinWindowMs: 5_000 })
  await sim.advance(60_000)
  t.is(sim.counts().belowMin, 0)
  let searches = 0
  for (const n of sim.nodes) n.on((e) => (e.type === 'search' ? searches++ : undefined))
  await sim.advance(30_000)
  t.is(searches, 0)
})

test('bad input is penalised; at the threshold the peer is dropped and banned', async (t) => {
  const w = world()
  const a = w.add({ minPeers: 1, banThreshold: 3, banMs: 60_000 })
  const b = w.add({ minPeers: 1, seeds: [a.endpoint] })
  a.core.start()
  b.core.start()
  await w.clock.advance(5_000)
  t.is(a.core.stateOf(b.endpoint), 'peering')
  for (let i = 0; i < 3; i++) a.core.reportBadInput(b.endpoint, new MalformedMessageError('Test', Uint8Array.of(i)))
  t.deepEqual(
    a.events.flatMap((e) => (e.type === 'bad-input' ? [e.penalty] : [])),
    [1, 2, 3],
  )
  t.true(a.core.isBanned(b.endpoint))
  t.not(a.core.stateOf(b.endpoint), 'peering')
  // While banned, b's connections are cut as they open, so its requests fail and back off.
  const before = b.events.length
  await w.clock.advance(20_000)
  t.truthy(b.events.slice(before).find((e) => e.type === 'backoff' && e.endpoint === a.endpoint))
  t.not(a.core.stateOf(b.endpoint), 'peering')
  // After the ban, b may peer again.
  await w.clock.advance(400_000)
  t.false(a.core.isBanned(b.endpoint))
  t.is(a.core.stateOf(b.endpoint), 'peering')
})

test('same seed, same topology; another seed, another topology', async (t) => {
  const run = async (seed: number) => {
    const sim = new Simulation({ nodes: 150, seed })
    await sim.advance(60_000)
    return sim.adjacency().map((l) => [...l].sort((x, y) => x - y))
  }
  const a = await run(11)
  t.deepEqual(await run(11), a)
  t.notDeepEqual(await run(12), a)
})

test('invariants over random networks: never above maximum, peerings symmetric, nobody left below minimum', async (t) => {
  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(
        fc.record({
          nodes: fc.integer({ min: 6, max: 60 }),
          min: fc.integer({ min: 1, max: 4 }),
          extra: fc.integer({ min: 2, max: 6 }),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          loss: fc.constantFrom(0, 0.02),
        }),
        async ({ nodes, min, extra, seed, loss }) => {
          const sim = new Simulation({
            nodes,
            seed,
            joinWindowMs: 10_000,
            link: { loss },
            peering: { minPeers: min, maxPeers: min + extra },
          })
          await sim.advance(300_000)
          const adj = sim.nodes.map((n) => n.peers().map((p) => p.endpoint))
          for (let i = 0; i < nodes; i++) {
            if (adj[i]!.length > min + extra) return false
            for (const e of adj[i]!) if (!adj[Number(e.slice(4))]!.includes(`sim:${i}`)) return false
          }
          return sim.counts().belowMin === 0
        },
      ),
      { numRuns: 25 },
    ),
  )
})
