#!/usr/bin/env node
// mesh-sim: runs the deterministic simulator and prints one JSON report: degree
// distribution, diameter, gossip delivery ratio and hops, before and after churn.
import { parseArgs } from 'node:util'
import { Simulation } from '../sim/index.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    seeds: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    min: { type: 'string', default: '3' },
    max: { type: 'string', default: '10' },
    loss: { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '20' },
    'jitter-ms': { type: 'string', default: '30' },
    'settle-ms': { type: 'string', default: '90000' },
    messages: { type: 'string', default: '100' },
    churn: { type: 'string', default: '0' },
    'mesh-degree': { type: 'string', default: '6' },
  },
})
const num = (k: keyof typeof values) => Number(values[k])

const started = performance.now()
const sim = new Simulation({
  nodes: num('nodes'),
  seeds: num('seeds'),
  seed: num('seed'),
  meshDegree: num('mesh-degree'),
  link: { loss: num('loss'), baseLatencyMs: num('latency-ms'), jitterMs: num('jitter-ms') },
  peering: { minPeers: num('min'), maxPeers: num('max') },
})
await sim.advance(num('settle-ms'))
const report: Record<string, unknown> = {
  options: values,
  graph: sim.graph(),
  counts: sim.counts(),
  refusalsAtMaximum: sim.rejections(),
  gossip: await sim.gossip(num('messages')),
}
if (num('churn') > 0) {
  const killed = await sim.kill(num('churn'))
  const t0 = sim.clock.now()
  let recoveredAfterMs: number | undefined
  for (let step = 0; step < 600; step++) {
    await sim.advance(1_000)
    if (sim.counts().belowMin === 0) {
      recoveredAfterMs = sim.clock.now() - t0
      break
    }
  }
  report['churn'] = {
    killed: killed.length,
    recoveredAfterMs,
    graph: sim.graph(),
    counts: sim.counts(),
    gossip: await sim.gossip(num('messages')),
  }
}
report['wallMs'] = Math.round(performance.now() - started)
report['controlMessages'] = { sent: sim.network.sent, lost: sim.network.lost }
console.log(JSON.stringify(report, null, 2))
