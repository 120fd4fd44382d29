// Benchmarks (one JSON line each, baselines measured in the same run):
//  kad-sim-100k            wall time of the 100,000-node simulation; baseline the same run at 10,000 nodes
//  kad-hops-{median,p99}   hops per lookup at 100k; baseline log2(N)
//  kad-lookup-success-d4   lookup success with 20% colluding adversaries, d = 4; baseline d = 1
//  kad-receipt-loss-m1     receipt loss with m = 1 under 20% adversaries; baseline the seed's 0.2^m estimate
//  kad-lookup-vs-brute     simulated Kademlia lookups/s at 100k; baseline brute-force closest-20 sorts/s
import { runSimulation } from '../src/sim/experiment.js'
import { bruteForceClosest } from '../src/sim/id-index.js'
import { SimWorld } from '../src/sim/world.js'

const emit = (bench: string, value: number, unit: string, baseline: string, baselineValue: number): void => {
  const ratio = baselineValue === 0 ? null : Number((value / baselineValue).toFixed(4))
  console.log(
    JSON.stringify({
      bench,
      value: Number(value.toFixed(4)),
      unit,
      baseline,
      baselineValue: Number(baselineValue.toFixed(4)),
      ratio,
    }),
  )
}

const common = { adversaries: 0.2, disjoint: 4, m: 5, seed: 1, lookups: 100, receipts: 20 }
const small = await runSimulation({ ...common, nodes: 10_000 })
const big = await runSimulation({ ...common, nodes: 100_000 })
emit('kad-sim-100k', big.wallTimeMs, 'ms', 'kad-sim at 10,000 nodes, same options', small.wallTimeMs)
emit('kad-hops-median-100k', big.hops.median, 'hops', 'log2(N)', big.log2N)
emit('kad-hops-p99-100k', big.hops.p99, 'hops', 'log2(N)', big.log2N)
const d1 = big.lookupSuccess.find((s) => s.d === 1)?.rate ?? Number.NaN
const d4 = big.lookupSuccess.find((s) => s.d === 4)?.rate ?? Number.NaN
emit('kad-lookup-success-d4-100k', d4, 'fraction', 'd = 1 with the same adversaries', d1)
const m1 = big.receipts.find((r) => r.m === 1)
if (m1 !== undefined) emit('kad-receipt-loss-m1-100k', m1.lossRate, 'fraction', '0.2^m estimate (seed)', m1.estimate)

// Lookup throughput on the simulator vs brute force over the full id list
const world = new SimWorld({ nodes: 100_000, seed: 2 })
const ids = world.identities.map((x) => x.id)
const n = 100
let t = performance.now()
await world.clock.run(
  Promise.all(
    Array.from({ length: n }, () =>
      world.createNode(world.random.int(ids.length), true).lookup(world.random.bytes(32)),
    ),
  ),
)
const lookupsPerSec = n / ((performance.now() - t) / 1000)
t = performance.now()
const bn = 5
for (let i = 0; i < bn; i++) bruteForceClosest(ids, world.random.bytes(32), 20)
const brutePerSec = bn / ((performance.now() - t) / 1000)
emit(
  'kad-lookup-vs-brute-100k',
  lookupsPerSec,
  'lookups/s',
  'brute-force closest-20 sort over 100,000 ids',
  brutePerSec,
)
