// Benchmarks (one JSON line each, baselines measured in the same run):
//  kad-sim-100k            wall time of the 100,000-node simulation; baseline the same run at 10,000 nodes
//  kad-sim-100k-cpu        CPU time of the same two runs (the shared machine inflates wall time)
//  kad-hops-{median,p99}   hops per lookup at 100k; baseline log2(N)
//  kad-lookup-success-d4   lookup success with 20% colluding adversaries, d = 4; baseline d = 1
//  kad-receipt-loss-m1/m2  receipt loss under 20% adversaries; baseline the seed's 0.2^m estimate
import { runSimulation, type SimulationReport } from '../src/sim/experiment.js'

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
const timed = async (nodes: number): Promise<{ report: SimulationReport; cpuMs: number }> => {
  const before = process.cpuUsage()
  const report = await runSimulation({ ...common, nodes })
  const used = process.cpuUsage(before)
  return { report, cpuMs: (used.user + used.system) / 1000 }
}
const small = await timed(10_000)
const big = await timed(100_000)
const r = big.report
emit('kad-sim-100k', r.wallTimeMs, 'ms', 'kad-sim at 10,000 nodes, same options (wall)', small.report.wallTimeMs)
emit('kad-sim-100k-cpu', big.cpuMs, 'ms', 'kad-sim at 10,000 nodes, same options (CPU)', small.cpuMs)
emit('kad-hops-median-100k', r.hops.median, 'hops', 'log2(N)', r.log2N)
emit('kad-hops-p99-100k', r.hops.p99, 'hops', 'log2(N)', r.log2N)
const d1 = r.lookupSuccess.find((s) => s.d === 1)?.rate ?? Number.NaN
const d4 = r.lookupSuccess.find((s) => s.d === 4)?.rate ?? Number.NaN
emit('kad-lookup-success-d4-100k', d4, 'fraction', 'd = 1 with the same adversaries', d1)
for (const m of [1, 2]) {
  const row = r.receipts.find((x) => x.m === m)
  if (row !== undefined)
    emit(`kad-receipt-loss-m${m}-100k`, row.lossRate, 'fraction', `0.2^${m} estimate (seed)`, row.estimate)
}
