// Benchmark gossip-20-procs: 20 mesh-node processes on loopback, 100 messages/s from random
// nodes for 30 s; delivery ratio and p50/p99 one-way latency. Baseline, in the same run:
// the same processes in static mode (plain gossipsub defaults, fixed topology i→i−1,i−2,i−4).
// MESH_BENCH_SECONDS and MESH_BENCH_RATE shorten or thin the run.

import { quantile } from '../src/sim/simulator.js'
import {
  type NodeProcess,
  poll,
  sleep,
  startDynamicCluster,
  startStaticCluster,
  stopAll,
} from '../test/helpers/cluster.js'

const PROCS = 20
const SECONDS = Number(process.env['MESH_BENCH_SECONDS'] ?? 30)
const RATE = Number(process.env['MESH_BENCH_RATE'] ?? 100)

interface Result {
  delivery: number
  p50: number
  p99: number
  messages: number
  setupMs: number
}

async function measure(nodes: NodeProcess[], prefix: string, setupMs: number): Promise<Result> {
  // Wait for gossipsub to know subscribers and hold a mesh on every node.
  await poll(
    async () => {
      const s = await Promise.all(nodes.map((n) => n.status()))
      return s.every((x) => Number(x['subscribers']) >= 1 && Number(x['mesh']) >= 1)
    },
    120_000,
    1_000,
  )
  const total = SECONDS * RATE
  const origins: number[] = []
  const start = performance.now()
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    const o = Math.floor(Math.random() * nodes.length)
    origins.push(o)
    nodes[o]!.send({ cmd: 'publish', id: `${prefix}-${i}` })
  }
  // Drain: wait while deliveries still arrive (the host may be loaded), at most 60 s.
  const delivered = () =>
    nodes.reduce((a, n) => a + [...n.received.keys()].filter((k) => k.startsWith(prefix)).length, 0)
  const expected = total * (nodes.length - 1)
  let last = -1
  let lastChange = Date.now()
  await poll(
    () => {
      const d = delivered()
      if (d !== last) {
        last = d
        lastChange = Date.now()
      }
      return d >= expected || Date.now() - lastChange > 10_000
    },
    60_000,
    500,
  )
  const latencies: number[] = []
  let count = 0
  for (const n of nodes) {
    for (const [id, latency] of n.received) {
      if (!id.startsWith(`${prefix}-`)) continue
      count++
      if (Number.isFinite(latency)) latencies.push(latency)
    }
  }
  latencies.sort((a, b) => a - b)
  return {
    delivery: count / expected,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    messages: total,
    setupMs,
  }
}

async function runDynamic(): Promise<Result> {
  const t0 = Date.now()
  const { nodes } = await startDynamicCluster(PROCS, { seeds: 2, min: 3, max: 10, extraArgs: [] })
  try {
    await poll(() => nodes.every((n) => n.peerCount() >= 3), 180_000, 500)
    return await measure(nodes, 'd', Date.now() - t0)
  } finally {
    await stopAll(nodes)
  }
}

async function runStatic(): Promise<Result> {
  const t0 = Date.now()
  const nodes = await startStaticCluster(PROCS)
  try {
    await poll(
      async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => Number(s['peerCount']) >= 1),
      120_000,
      1_000,
    )
    return await measure(nodes, 's', Date.now() - t0)
  } finally {
    await stopAll(nodes)
  }
}

const dynamic = await runDynamic()
const baseline = await runStatic()
const name = 'plain gossipsub defaults, static topology i→i−1,i−2,i−4 (same 20 processes)'
const line = (bench: string, value: number, unit: string, baselineValue: number) =>
  console.log(
    JSON.stringify({
      bench,
      value: round(value),
      unit,
      baseline: name,
      baselineValue: round(baselineValue),
      ratio: round(baselineValue === 0 ? Number.NaN : value / baselineValue),
      config: { procs: PROCS, seconds: SECONDS, rate: RATE, messages: dynamic.messages },
    }),
  )
line('gossip-20-procs delivery ratio', dynamic.delivery, 'ratio', baseline.delivery)
line('gossip-20-procs p50 latency', dynamic.p50, 'ms', baseline.p50)
line('gossip-20-procs p99 latency', dynamic.p99, 'ms', baseline.p99)

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000
}
