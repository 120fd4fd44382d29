// Multi-process test over real TCP on loopback: 20 mesh-node processes bootstrap from 2
// seeds, gossip 500 messages, a 21st node meets seeds at maximum, then 5 processes are
// killed and the rest recover. Steps share one network and run in order.
import test from 'ava'
import { NodeProcess, poll, sleep, startDynamicCluster, stopAll } from './helpers/cluster.js'

const MIN = 3
const MAX = 10
const SEED_MAX = 3 // the seeds fill up fast, so node 21 meets peers at maximum

let nodes: NodeProcess[] = []
let seeds: string[] = []
let extra: NodeProcess | undefined

test.before(async () => {
  ;({ nodes, seeds } = await startDynamicCluster(20, { seeds: 2, min: MIN, max: MAX, seedMax: SEED_MAX }))
})

test.after.always(async () => {
  await stopAll(extra === undefined ? nodes : [...nodes, extra])
})

const maxOf = (n: NodeProcess) => (n.name.startsWith('seed') ? SEED_MAX : MAX)

async function assertDegrees(t: import('ava').ExecutionContext, live: NodeProcess[]) {
  const counts = await Promise.all(live.map(async (n) => Number((await n.status())['peerCount'])))
  t.log(`peer counts: ${counts.join(' ')}`)
  live.forEach((n, i) => {
    t.true(counts[i]! >= MIN && counts[i]! <= maxOf(n), `${n.name} has ${counts[i]} peers`)
  })
}

/** Waits until gossipsub on every node knows subscribers and has a mesh for the topic. */
async function gossipReady(live: NodeProcess[]) {
  await poll(
    async () => {
      const s = await Promise.all(live.map((n) => n.status()))
      return s.every((x) => Number(x['subscribers']) >= 1 && Number(x['mesh']) >= 1)
    },
    60_000,
    1_000,
  )
}

/** Publishes `count` messages from random live nodes and measures who got each. */
async function gossip(live: NodeProcess[], count: number, prefix: string, gapMs: number) {
  const ids: { id: string; origin: NodeProcess }[] = []
  for (let i = 0; i < count; i++) {
    const origin = live[Math.floor(Math.random() * live.length)]!
    const id = `${prefix}-${i}`
    ids.push({ id, origin })
    origin.send({ cmd: 'publish', id })
    await sleep(gapMs)
  }
  const missing = () =>
    ids.reduce((m, { id, origin }) => m + live.filter((n) => n !== origin && !n.received.has(id)).length, 0)
  // On a loaded machine the processes work through a backlog: wait while deliveries progress.
  let last = -1
  let lastChange = Date.now()
  await poll(
    () => {
      const m = missing()
      if (m !== last) {
        last = m
        lastChange = Date.now()
      }
      return m === 0 || Date.now() - lastChange > 30_000
    },
    300_000,
    500,
  )
  const errors = live.flatMap((n) => n.events('publish-error').filter((e) => String(e['id']).startsWith(`${prefix}-`)))
  const perMessage = ids.map(({ id, origin }) => {
    const others = live.filter((n) => n !== origin)
    return others.filter((n) => n.received.has(id)).length / others.length
  })
  const ratio = perMessage.reduce((a, b) => a + b, 0) / perMessage.length
  const full = perMessage.filter((r) => r === 1).length / perMessage.length
  return { ratio, full, min: Math.min(...perMessage), errors: errors.length, firstError: errors[0] }
}

test.serial('20 processes bootstrap from 2 seeds to between minimum and maximum peers', async (t) => {
  const converged = await poll(() => nodes.every((n) => n.peerCount() >= MIN), 120_000, 250)
  t.true(converged, `peer counts ${nodes.map((n) => n.peerCount()).join(' ')}`)
  await assertDegrees(t, nodes)
  // Every peering is bi-directional: if A lists B, B lists A (once in-flight requests settle).
  let oneSided = -1
  await poll(
    async () => {
      const statuses = await Promise.all(nodes.map((n) => n.status()))
      const byId = new Map(nodes.map((n, i) => [n.peerId, statuses[i]!['peers'] as string[]]))
      oneSided = 0
      for (const [id, peers] of byId) for (const p of peers) if (!(byId.get(p) ?? []).includes(id)) oneSided++
      return oneSided === 0
    },
    60_000,
    1_000,
  )
  t.is(oneSided, 0)
})

test.serial('500 messages from random nodes reach at least 99% of the nodes', async (t) => {
  await gossipReady(nodes)
  const r = await gossip(nodes, 500, 'm', 10)
  if (r.errors > 0) t.log(`${r.errors} publish errors, first: ${JSON.stringify(r.firstError)}`)
  t.log(
    `delivery ratio ${r.ratio.toFixed(4)}, messages reaching every node ${(r.full * 100).toFixed(1)}%, worst ${r.min.toFixed(3)}`,
  )
  t.true(r.ratio >= 0.99)
  t.true(r.full >= 0.99)
})

test.serial('a 21st node refused by seeds at maximum still gets GetPeers answers and finds room', async (t) => {
  const seedsFull = await poll(
    async () => {
      const counts = await Promise.all(nodes.slice(0, 2).map(async (s) => Number((await s.status())['peerCount'])))
      return counts.every((c) => c === SEED_MAX)
    },
    60_000,
    1_000,
  )
  t.true(seedsFull, 'both seeds at maximum')
  const args = ['--min', String(MIN), '--max', String(MAX)]
  for (const s of seeds) args.push('--seed', s, '--static', s)
  extra = new NodeProcess('node21', args)
  await extra.ready()
  const node21 = extra
  const rejected = await node21.waitFor(
    () => node21.events('peering-rejected').find((e) => seeds.includes(String(e['endpoint']))),
    60_000,
    'a refusal from a seed',
  )
  t.is(rejected['status'], 'rejected-at-maximum')
  await node21.waitFor(() => node21.peerCount() >= MIN || undefined, 90_000, 'minimum peers')
  const status = await node21.status()
  const endpoints = status['endpoints'] as string[]
  t.true(
    endpoints.every((e) => !seeds.includes(e)),
    'no seed among its peers',
  )
  t.true(Number(status['peerCount']) >= MIN)
  // The seeds answered GetPeers without peering and then closed the topology-only connection.
  for (const s of nodes.slice(0, 2)) {
    t.truthy(
      s.events('get-peers-answered').find((e) => e['peerId'] === node21.peerId && e['peering'] === false),
      `${s.name} answered GetPeers`,
    )
  }
  const closed = await poll(
    () =>
      nodes
        .slice(0, 2)
        .every((s) => s.events('state').some((e) => e['peer'] === node21.peerId && e['to'] === 'not-connected')),
    30_000,
  )
  t.true(closed, 'seeds closed the topology-only connections')
  for (const s of nodes.slice(0, 2)) t.is(Number((await s.status())['peerCount']), SEED_MAX)
})

test.serial('churn: 5 of 20 killed, the rest regain minimum connectivity and delivery stays >= 99%', async (t) => {
  const all = extra === undefined ? nodes : [...nodes, extra]
  const victims = nodes
    .slice(2)
    .sort(() => Math.random() - 0.5)
    .slice(0, 5)
  const started = Date.now()
  await Promise.all(victims.map((v) => v.kill('SIGKILL')))
  const live = all.filter((n) => !victims.includes(n))
  // Wait until every survivor has noticed its losses and is back at minimum.
  const recovered = await poll(
    async () => {
      if (!live.every((n) => n.peerCount() >= MIN)) return false
      const counts = await Promise.all(live.map(async (n) => Number((await n.status())['peerCount'])))
      return counts.every((c) => c >= MIN)
    },
    120_000,
    500,
  )
  const recoveryMs = Date.now() - started
  t.true(recovered, `peer counts ${live.map((n) => n.peerCount()).join(' ')}`)
  t.log(`recovery to minimum connectivity took ${recoveryMs} ms`)
  await assertDegrees(t, live)
  await gossipReady(live)
  const r = await gossip(live, 200, 'c', 10)
  t.log(`after churn: delivery ratio ${r.ratio.toFixed(4)}, fully delivered ${(r.full * 100).toFixed(1)}%`)
  t.true(r.ratio >= 0.99)
  for (const n of live) t.false(n.exited, `${n.name} still running`)
})
