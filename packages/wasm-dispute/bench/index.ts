// Benchmarks, each measured side by side with its baseline in the same run. One JSON line each.
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { fibModule, scatterModule, workModule } from '../examples/programs.js'
import { buildModule } from '../src/builder.js'
import { StateHasher } from '../src/commit.js'
import { compileModule } from '../src/compile.js'
import { ReplayExecutor } from '../src/executor.js'
import { playGame } from '../src/game.js'
import { instantiate } from '../src/instance.js'
import { invoke } from '../src/machine.js'
import { NormalInstance, NormalModule } from '../src/normal.js'
import { Status } from '../src/numeric.js'
import { engine } from '../src/platform.js'
import { proveStep, stepContext } from '../src/proof.js'
import { value } from '../src/values.js'

// Compile every module with the optimizing tier up front, so the comparison never catches one
// side still in the baseline tier (tier-up is asynchronous and starved on a loaded machine).
if (process.env['WD_LIFTOFF'] !== '1') setFlagsFromString('--no-liftoff')

function line(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(o)}\n`)
}

/** Best of `reps` timings of fn (ms). */
function best(reps: number, fn: () => void): number {
  let b = Number.POSITIVE_INFINITY
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now()
    fn()
    b = Math.min(b, performance.now() - t0)
  }
  return b
}

const bytes = workModule()
const compiled = compileModule(bytes)
const N = 20_000_000
const GAS = 2n ** 31n - 1n

// Instruction count of work(N), identical in both modes (checked in the tests).
const nm = new NormalModule(compiled)
const ni = new NormalInstance(nm)
const counted = ni.invoke('work', [value('i32', N)], GAS)
const instrs = counted.icount

/** Paired, interleaved timing: median over pairs of (instrumented / native) to resist load bursts. */
function paired(pairs: number, native: () => void, instrumented: () => void): { tn: number; ti: number } {
  const tns: number[] = []
  const tis: number[] = []
  // Warm up both so the engine has tiered both up to its optimizing compiler.
  for (let r = 0; r < 5; r++) {
    native()
    instrumented()
  }
  for (let r = 0; r < pairs; r++) {
    tns.push(best(1, native))
    tis.push(best(1, instrumented))
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number
  return { tn: med(tns), ti: med(tis) }
}

// normal-vs-native: the instrumented module (counting + gas + stack accounting) vs the same
// module uninstrumented, both on the platform engine, both called directly from JS.
let normalIps = 0
{
  const native = new engine.Instance(new engine.Module(bytes)).exports['work'] as (n: number) => number
  const ex = ni.exports
  const reset = ex[nm.instrumented.names.reset] as (g: bigint) => void
  const work = ex[nm.instrumented.wrappers.get('work') as string] as (n: number) => number
  const { tn, ti } = paired(
    9,
    () => native(N),
    () => {
      reset(GAS)
      work(N)
    },
  )
  const v = instrs / (ti / 1000)
  const b = instrs / (tn / 1000)
  normalIps = v
  line({
    bench: 'normal-vs-native',
    value: Math.round(v),
    unit: 'wasm-instr/s',
    baseline: 'same module uninstrumented on V8',
    baselineValue: Math.round(b),
    ratio: Number((v / b).toFixed(3)),
    slowdown: Number((ti / tn).toFixed(3)),
  })
  // The final state hash of normal mode: a fresh instance whose whole first page was written.
  const tHash = best(3, () => new NormalInstance(nm).invoke('work', [value('i32', 16384)], GAS))
  const tRaw = best(3, () => {
    const fresh = new NormalInstance(nm)
    ;(fresh.exports[nm.instrumented.names.reset] as (g: bigint) => void)(GAS)
    ;(fresh.exports[nm.instrumented.wrappers.get('work') as string] as (n: number) => number)(16384)
  })
  line({
    bench: 'normal-invoke-with-state-hash-ms',
    value: Number(tHash.toFixed(2)),
    unit: 'ms',
    baseline: 'same call without the final state hash',
    baselineValue: Number(tRaw.toFixed(2)),
    ratio: Number((tHash / tRaw).toFixed(2)),
  })
}

// The same comparison on a call-dominated program (fib, naive recursion) and on a
// memory-heavy one (xorshift + random read-modify-write, two loads and a store per iteration).
for (const [bench, label, kernelBytes, fn, arg] of [
  ['normal-vs-native-calls', 'fib', fibModule(), 'fib', 32],
  ['normal-vs-native-memory', 'scatter', scatterModule(), 'scatter', 20_000_000],
] as const) {
  const knm = new NormalModule(compileModule(kernelBytes))
  const kni = new NormalInstance(knm)
  const kInstrs = kni.invoke(fn, [value('i32', arg)], GAS).icount
  const native = new engine.Instance(new engine.Module(kernelBytes)).exports[fn] as (n: number) => number
  const reset = kni.exports[knm.instrumented.names.reset] as (g: bigint) => void
  const kernel = kni.exports[knm.instrumented.wrappers.get(fn) as string] as (n: number) => number
  const { tn, ti } = paired(
    9,
    () => native(arg),
    () => {
      reset(GAS)
      kernel(arg)
    },
  )
  line({
    bench,
    value: Math.round(kInstrs / (ti / 1000)),
    unit: 'wasm-instr/s',
    baseline: `same module (${label}) uninstrumented on V8`,
    baselineValue: Math.round(kInstrs / (tn / 1000)),
    ratio: Number((tn / ti).toFixed(3)),
    slowdown: Number((ti / tn).toFixed(3)),
  })
}

// stepper-ips: dispute-mode instructions per second, against normal mode in the same run.
{
  const n = 200_000
  let steps = 0
  const plain = best(3, () => {
    const m = invoke(instantiate(compiled), 'work', [value('i32', n)], { gasLimit: GAS })
    while (m.status === Status.Running) m.run(1 << 22)
    steps = m.icount
  })
  const ips = steps / (plain / 1000)
  line({
    bench: 'stepper-ips',
    value: Math.round(ips),
    unit: 'instr/s',
    baseline: 'normal mode (instrumented on V8, work loop)',
    baselineValue: Math.round(normalIps),
    ratio: Number((ips / normalIps).toFixed(4)),
  })
  // With incremental state hashing: a full state hash (header and every root) is produced every
  // `every` steps, each one rehashing only what changed since the previous one. every = 1000 is
  // checkpoint hashing (what the game's executors do: a hash only at the steps they are asked
  // about); every = 1 is a state hash after every single instruction.
  // Best of 3, the same policy as the unhashed baseline above.
  for (const every of [1000, 1]) {
    const k = every === 1 ? 20_000 : n
    let s = 0
    const t = best(3, () => {
      const m = invoke(instantiate(compiled), 'work', [value('i32', k)], { gasLimit: GAS })
      const h = new StateHasher(m)
      while (m.status === Status.Running) {
        m.run(every)
        h.hash()
      }
      s = m.icount
    })
    const v = s / (t / 1000)
    line({
      bench: every === 1 ? 'stepper-ips-hash-every-step' : 'stepper-ips-hash-every-1000',
      value: Math.round(v),
      unit: 'instr/s',
      baseline: 'stepper without hashing',
      baselineValue: Math.round(ips),
      ratio: Number((v / ips).toFixed(4)),
      hashing:
        every === 1
          ? 'full state hash after every step, incremental since the previous step'
          : 'full state hash every 1000 steps (checkpoints, as in the game), incremental since the previous one',
    })
  }
}

// The same per-step hashing on call-dominated code (naive recursive fib(20): a frame is pushed
// or popped every few instructions), against the unhashed stepper on the same module.
{
  const fib = compileModule(fibModule())
  const run = (hash: boolean) => {
    let s = 0
    const t = best(3, () => {
      const m = invoke(instantiate(fib), 'fib', [value('i32', 20)], { gasLimit: GAS })
      if (!hash) while (m.status === Status.Running) m.run(1 << 22)
      else {
        const h = new StateHasher(m)
        while (m.status === Status.Running) {
          m.run(1)
          h.hash()
        }
      }
      s = m.icount
    })
    return s / (t / 1000)
  }
  const plainFib = run(false)
  const hashedFib = run(true)
  line({
    bench: 'stepper-ips-hash-every-step-calls',
    value: Math.round(hashedFib),
    unit: 'instr/s',
    baseline: 'stepper without hashing (fib)',
    baselineValue: Math.round(plainFib),
    ratio: Number((hashedFib / plainFib).toFixed(4)),
    hashing: 'full state hash after every step of recursive fib(20), incremental since the previous step',
  })
}

// one-step-proof-bytes for a memory store (i32.store), against Cannon's 896-byte memory proof.
{
  const CANNON = 896
  for (const [label, max] of [
    ['declared-max-16-pages', 16],
    ['full-4GiB-address-space', undefined],
  ] as const) {
    const mod = buildModule({
      memory: max === undefined ? { min: 1 } : { min: 1, max },
      funcs: [{ export: 'st', params: [0x7f], body: [0x20, 0, 0x41, 42, 0x36, 2, 0] }],
    })
    const inst = instantiate(compileModule(mod))
    const m = invoke(inst, 'st', [value('i32', 4096)], { gasLimit: GAS })
    const h = new StateHasher(m)
    const ctx = stepContext(inst)
    m.run(2)
    const { proof } = proveStep(m, h, ctx)
    const memoryPart = (ctx.memDepth + 1) * 32
    line({
      bench: `one-step-proof-bytes-${label}`,
      value: proof.length,
      unit: 'bytes',
      baseline: 'Optimism Cannon memory proof (published constant, 28 x 32 bytes)',
      baselineValue: CANNON,
      ratio: Number((proof.length / CANNON).toFixed(3)),
      memoryProofBytes: memoryPart,
      memoryRatio: Number((memoryPart / CANNON).toFixed(3)),
    })
  }
}

// A whole game: bisection over work(3000) with a faulty challenger.
{
  const factory = () => invoke(instantiate(compiled), 'work', [value('i32', 3000)], { gasLimit: GAS })
  const ctx = stepContext(instantiate(compiled))
  const initialHash = new StateHasher(factory()).hash()
  const honest = () => new ReplayExecutor('honest', factory, ctx)
  let rounds = 0
  const tGame = best(1, () => {
    const tr = playGame(ctx, honest(), new ReplayExecutor('liar', factory, ctx, { kind: 'memory', step: 40_000 }), {
      initialHash,
    })
    rounds = tr.rounds.length
  })
  const tRun = best(1, () => {
    const m = factory()
    const h = new StateHasher(m)
    while (m.status === Status.Running) m.run(1 << 20)
    h.hash()
  })
  line({
    bench: 'bisection-game-ms',
    value: Number(tGame.toFixed(1)),
    unit: 'ms',
    baseline: 'one hashed dispute-mode run of the same computation',
    baselineValue: Number(tRun.toFixed(1)),
    ratio: Number((tGame / tRun).toFixed(2)),
    rounds,
    steps: factory().run(1e9),
  })
}
