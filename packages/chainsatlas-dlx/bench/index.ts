// Benchmarks of @atmosphere/chainsatlas-dlx. Each line compares against a baseline measured in the same run.
//   dlx-mips:        simulated instructions/s on the sieve vs the same sieve in plain JavaScript
//   dlx-mips-naive:  the same simulator vs a naive object-decoding interpreter (same program, same N)
import { readFileSync } from 'node:fs'
import { assemble } from '../src/assembler.js'
import { createMachine } from '../src/machine.js'
import { runNaive } from './naive.js'

const source = readFileSync(new URL('../../examples/programs/sieve.s', import.meta.url), 'utf8')
const program = assemble(source)
const N = 1_000_000
const MEMORY = 2 << 20

function simulate(n: number): { steps: number; output: string } {
  const m = createMachine(program, { input: String(n), memorySize: MEMORY })
  const res = m.run()
  if (res.status !== 'halted') throw new Error('sieve did not halt')
  return { steps: res.steps, output: m.outputText() }
}

/** The same algorithm as sieve.s, in plain JavaScript. */
function sieveJs(n: number, flags: Uint8Array): number {
  for (let i = 0; i <= n; i++) flags[i] = 0
  let count = 0
  for (let i = 2; i <= n; i++) {
    if (flags[i] !== 0) continue
    count++
    if (i > 46340) continue
    for (let j = i * i; j <= n; j += i) flags[j] = 1
  }
  return count
}

/** CPU seconds of this process: the machine is shared, so wall-clock time would mostly measure the neighbours. */
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o))

// Correctness first: both agree on the answer.
const check = simulate(N)
const flags = new Uint8Array(N + 1)
if (check.output !== `${sieveJs(N, flags)}\n`) throw new Error(`simulator and JS disagree: ${check.output}`)
const stepsPerRun = check.steps

// Interleaved rounds so machine noise hits both sides alike.
const simRates: number[] = []
const simWallRates: number[] = []
const jsRates: number[] = []
for (let round = 0; round < 7; round++) {
  let t = cpu()
  const wall = performance.now()
  const { steps } = simulate(N)
  simRates.push(steps / (cpu() - t))
  simWallRates.push(steps / ((performance.now() - wall) / 1000))
  t = cpu()
  let runs = 0
  let sink = 0
  while (cpu() - t < 0.15) {
    sink += sieveJs(N, flags)
    runs++
  }
  if (sink === 0) throw new Error('unreachable')
  jsRates.push((runs * stepsPerRun) / (cpu() - t))
}
const sim = median(simRates)
const js = median(jsRates)
line({
  bench: 'dlx-mips',
  value: Math.round(sim),
  unit: 'instr/cpu-s',
  baseline: `same sieve (N=${N}) in plain JavaScript, as DLX-instruction-equivalents/s (${stepsPerRun} instructions per run)`,
  baselineValue: Math.round(js),
  ratio: Number((sim / js).toFixed(3)),
  // Wall-clock rate of the same rounds, for reference: on a shared machine it mostly measures the neighbours.
  wallValue: Math.round(median(simWallRates)),
})

const NN = 100_000
const naiveCheck = runNaive(program, MEMORY, String(NN))
const fastCheck = (() => {
  const m = createMachine(program, { input: String(NN), memorySize: MEMORY })
  m.run()
  return m.outputText()
})()
if (naiveCheck.output !== fastCheck) throw new Error('naive and fast interpreters disagree')
const fastRates: number[] = []
const naiveRates: number[] = []
for (let round = 0; round < 5; round++) {
  const m = createMachine(program, { input: String(NN), memorySize: MEMORY })
  let t = cpu()
  const { steps } = m.run()
  fastRates.push(steps / (cpu() - t))
  t = cpu()
  const r = runNaive(program, MEMORY, String(NN))
  naiveRates.push(r.steps / (cpu() - t))
}
const fast = median(fastRates)
const naive = median(naiveRates)
line({
  bench: 'dlx-mips-naive',
  value: Math.round(fast),
  unit: 'instr/cpu-s',
  baseline: `naive interpreter (object decode, string dispatch, DataView memory), sieve N=${NN}`,
  baselineValue: Math.round(naive),
  ratio: Number((fast / naive).toFixed(2)),
})
