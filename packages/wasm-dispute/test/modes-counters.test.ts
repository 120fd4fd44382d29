// Agreement tests aimed at the register-resident counters of normal mode (decision 0088): the
// counters live in function locals and are written back to the global before calls, returns,
// function exits and trap-capable segments. Every path where that write-back matters is
// exercised here against dispute mode: nested calls (direct and call_indirect), loops, a
// branch to the function label, traps at depth, memory.grow, stack exhaustion, and an
// exhaustive sweep of gas limits so out-of-gas lands on every segment boundary, including the
// first segment of a callee and the segment after a call returns.
import test from 'ava'
import { scatterModule, workModule } from '../examples/programs.js'
import { buildModule, op, sleb, uleb } from '../src/builder.js'
import { StateHasher } from '../src/commit.js'
import { type CompiledModule, compileModule } from '../src/compile.js'
import type { FuncType } from '../src/decode.js'
import { funcTypeKey, instantiate } from '../src/instance.js'
import { invoke, runToEnd } from '../src/machine.js'
import { hex } from '../src/merkle.js'
import { NormalInstance, NormalModule } from '../src/normal.js'
import { Status } from '../src/numeric.js'
import { value, type WasmValue } from '../src/values.js'
import type { Outcome } from './helpers/both.js'

const I32 = 0x7f

function disputeRun(
  c: CompiledModule,
  name: string,
  args: WasmValue[],
  gasLimit: bigint,
  stackLimit?: number,
): Outcome {
  const m = invoke(instantiate(c), name, args, stackLimit === undefined ? { gasLimit } : { gasLimit, stackLimit })
  const h = new StateHasher(m)
  runToEnd(m)
  return {
    status: m.status,
    results: m.results().map((v) => `${v.type}:${v.bits}`),
    icount: m.icount,
    gasUsed: m.gasUsed,
    stateHash: hex(h.hash()),
  }
}

function normalRun(nm: NormalModule, name: string, args: WasmValue[], gasLimit: bigint): Outcome {
  const r = new NormalInstance(nm).invoke(name, args, gasLimit)
  return {
    status: r.status,
    results: r.results.map((v) => `${v.type}:${v.bits}`),
    icount: r.icount,
    gasUsed: r.gasUsed,
    stateHash: r.stateHash ? hex(r.stateHash) : '',
  }
}

// f0 run(mode, depth): depth 0 → leaf(mode); else a 2-iteration loop calling run(mode, depth-1)
// directly (odd depth) or through the table (even depth), summing; the result leaves through a
// `br` to the function label. f1 leaf(mode): a br_table to one of eight cases (traps, grow,
// plain return). f2 down(n): plain recursion, for stack exhaustion.
const leafBody = [
  ...[op.block, 0x40, op.block, 0x40, op.block, 0x40, op.block, 0x40],
  ...[op.block, 0x40, op.block, 0x40, op.block, 0x40, op.block, 0x40],
  ...[op.local_get, 0, op.br_table, 7, 0, 1, 2, 3, 4, 5, 6, 7],
  op.end, // 0: divide by zero
  ...[op.i32_const, 1, op.i32_const, 0, op.i32_div_s, op.return],
  op.end, // 1: out-of-bounds load
  ...[op.i32_const, ...sleb(-4), op.i32_load, 2, 0, op.return],
  op.end, // 2: an in-bounds store, then an out-of-bounds one
  ...[op.i32_const, 8, op.i32_const, 5, op.i32_store, 2, 0],
  ...[op.i32_const, ...sleb(131_070), op.i32_const, 1, op.i32_store, 2, 0, op.i32_const, 0, op.return],
  op.end, // 3: unreachable
  op.unreachable,
  op.end, // 4: call_indirect to an undefined element
  ...[op.i32_const, 7, op.i32_const, 9, op.call_indirect, 1, 0, op.return],
  op.end, // 5: call_indirect type mismatch (slot 0 holds run, called as leaf's type)
  ...[op.i32_const, 7, op.i32_const, 0, op.call_indirect, 1, 0, op.return],
  op.end, // 6: memory.grow until the cap (2 pages), write the new page, memory.size
  ...[op.i32_const, 1, op.memory_grow, 0, op.i32_const, 1, op.memory_grow, 0, op.i32_add],
  ...[op.i32_const, ...sleb(70_000), op.i32_const, 3, op.i32_store, 2, 0],
  ...[op.memory_size, 0, op.i32_add, op.return],
  op.end, // 7: a store and a value
  ...[op.i32_const, 16, op.local_get, 0, op.i32_store, 2, 0, op.i32_const, 7],
]
const runBody = [
  ...[op.local_get, 1, op.i32_eqz, op.if, 0x40, op.local_get, 0, op.call, 1, op.return, op.end],
  ...[op.block, 0x40, op.loop, 0x40],
  ...[op.local_get, 2, op.i32_const, 2, 0x4f /* i32.ge_u */, op.br_if, 1],
  ...[op.local_get, 1, op.i32_const, 1, op.i32_and, op.if, I32],
  ...[op.local_get, 0, op.local_get, 1, op.i32_const, 1, op.i32_sub, op.call, 0],
  op.else,
  ...[op.local_get, 0, op.local_get, 1, op.i32_const, 1, op.i32_sub, op.i32_const, 0, op.call_indirect, 0, 0],
  op.end,
  ...[op.local_get, 3, op.i32_add, op.local_set, 3],
  ...[op.local_get, 2, op.i32_const, 1, op.i32_add, op.local_set, 2, op.br, 0],
  ...[op.end, op.end],
  ...[op.local_get, 3, op.local_get, 3, op.br, 0],
]
const downBody = [
  ...[op.local_get, 0, op.i32_eqz, op.if, I32, op.i32_const, 0, op.else],
  ...[op.local_get, 0, op.i32_const, 1, op.i32_sub, op.call, 2, op.i32_const, 1, op.i32_add, op.end],
]
const kernels = compileModule(
  buildModule({
    memory: { min: 1, max: 2 },
    table: [0, 1],
    funcs: [
      { export: 'run', params: [I32, I32], results: [I32], locals: [I32, I32], body: runBody },
      { export: 'leaf', params: [I32], results: [I32], body: leafBody },
      { export: 'down', params: [I32], results: [I32], body: downBody },
    ],
  }),
)
const kernelsNormal = new NormalModule(kernels)

const expected = [
  Status.DivByZero,
  Status.OutOfBounds,
  Status.OutOfBounds,
  Status.Unreachable,
  Status.UndefinedElement,
  Status.IndirectCallTypeMismatch,
  Status.Returned,
  Status.Returned,
]

test('traps at every call depth, direct and indirect: both modes agree exactly', (t) => {
  for (let mode = 0; mode < expected.length; mode++)
    for (let depth = 0; depth <= 4; depth++) {
      const args = [value('i32', mode), value('i32', depth)]
      const d = disputeRun(kernels, 'run', args, 1_000_000n)
      t.is(d.status, expected[mode] as number, `mode ${mode} depth ${depth}`)
      t.deepEqual(normalRun(kernelsNormal, 'run', args, 1_000_000n), d, `mode ${mode} depth ${depth}`)
    }
})

test('every gas limit up to completion (out of gas on every segment boundary, in callees and after calls)', (t) => {
  let oog = 0
  for (const [mode, depth] of [
    [7, 3],
    [6, 2],
    [2, 2],
    [5, 1],
  ] as const) {
    const args = [value('i32', mode), value('i32', depth)]
    const full = disputeRun(kernels, 'run', args, 1_000_000n)
    for (let g = 0; g <= full.gasUsed + 1; g++) {
      const d = disputeRun(kernels, 'run', args, BigInt(g))
      if (d.status === Status.OutOfGas) oog++
      const n = normalRun(kernelsNormal, 'run', args, BigInt(g))
      if (n.stateHash !== d.stateHash || n.icount !== d.icount || n.gasUsed !== d.gasUsed || n.status !== d.status)
        t.deepEqual(n, d, `mode ${mode} depth ${depth} gas ${g}`)
    }
    // A run that completes needs exactly its gas (a trap may stop before its segment is paid).
    if (full.status === Status.Returned)
      t.is(disputeRun(kernels, 'run', args, BigInt(full.gasUsed)).status, Status.Returned)
  }
  t.true(oog > 500, `out-of-gas runs: ${oog}`)
})

test('stack exhaustion and gas limits in plain recursion agree', (t) => {
  for (const stackLimit of [200, 1000, 65_536]) {
    const nm = new NormalModule(kernels, { stackLimit })
    for (const n of [0, 5, 30, 200, 5000]) {
      const args = [value('i32', n)]
      const d = disputeRun(kernels, 'down', args, 10_000_000n, stackLimit)
      t.deepEqual(normalRun(nm, 'down', args, 10_000_000n), d, `limit ${stackLimit} n ${n}`)
      if (n === 5000) t.is(d.status, Status.Exhausted)
      if (n === 5) t.is(d.status, Status.Returned)
    }
    const args = [value('i32', 12)]
    const full = disputeRun(kernels, 'down', args, 1_000_000n, stackLimit)
    for (let g = 0; g <= full.gasUsed + 1; g++) {
      const d = disputeRun(kernels, 'down', args, BigInt(g), stackLimit)
      t.deepEqual(normalRun(nm, 'down', args, BigInt(g)), d, `limit ${stackLimit} gas ${g}`)
    }
  }
})

test('the benchmark kernels (work loop, memory-heavy scatter) agree, also when gas runs out mid-loop', (t) => {
  for (const [bytes, name] of [
    [workModule(), 'work'],
    [scatterModule(), 'scatter'],
  ] as const) {
    const c = compileModule(bytes)
    const nm = new NormalModule(c)
    for (const [n, gas] of [
      [0, 1_000n],
      [1, 1_000n],
      [2000, 10_000_000n],
      [2000, 7_777n],
      [2000, 7_778n],
      [2000, 7_779n],
    ] as const) {
      const args = [value('i32', n)]
      const d = disputeRun(c, name, args, gas)
      t.deepEqual(normalRun(nm, name, args, gas), d, `${name}(${n}) gas ${gas}`)
    }
  }
})

// A module importing a host function: calls to imports leave the clones, so the counter must be
// in the global before them (a host trap reads it) and is reloaded after them.
function hostModule(): Uint8Array {
  const sec = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload]
  const str = (x: string) => [x.length, ...[...x].map((c) => c.charCodeAt(0))]
  // f(x): h(x + 1), then g(·), then unreachable if x == 7, then * 3. g(y) = y + 5.
  const f = [
    ...[0x00, op.local_get, 0, op.i32_const, 1, op.i32_add, op.call, 0, op.call, 2],
    ...[op.local_get, 0, op.i32_const, 7, op.i32_eq, op.if, 0x40, op.unreachable, op.end],
    ...[op.i32_const, 3, op.i32_mul, op.end],
  ]
  const g = [0x00, op.local_get, 0, op.i32_const, 5, op.i32_add, op.end]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...sec(1, [1, 0x60, 1, I32, 1, I32]),
    ...sec(2, [1, ...str('env'), ...str('h'), 0x00, 0]),
    ...sec(3, [2, 0, 0]),
    ...sec(7, [1, ...str('f'), 0x00, 1]),
    ...sec(10, [2, f.length, ...f, g.length, ...g]),
  ])
}

test('calls to a host import: counters agree after it returns, when it throws, and at a later trap', (t) => {
  const c = compileModule(hostModule())
  const hostFn = (x: number) => {
    if (x === 10) throw new Error('host refuses')
    return (x * 2) | 0
  }
  const nm = new NormalModule(c)
  const type: FuncType = { params: [I32], results: [I32] }
  const host = {
    kind: 'host' as const,
    type,
    typeKey: funcTypeKey(type),
    call: (a: WasmValue[]) => [value('i32', hostFn(Number(a[0]?.bits)))],
  }
  const seen = new Set<number>()
  for (const x of [0, 1, 7, 9, 20]) {
    for (const gas of [1_000_000n, 5n, 12n, 20n, 24n, 30n]) {
      const m = invoke(instantiate(c, { imports: () => ({ kind: 'func', func: host }) }), 'f', [value('i32', x)], {
        gasLimit: gas,
      })
      runToEnd(m)
      const r = new NormalInstance(nm, { env: { h: hostFn } }).invoke('f', [value('i32', x)], gas)
      seen.add(m.status)
      t.deepEqual(
        { status: r.status, results: r.results.map((v) => v.bits), icount: r.icount, gasUsed: r.gasUsed },
        { status: m.status, results: m.results().map((v) => v.bits), icount: m.icount, gasUsed: m.gasUsed },
        `f(${x}) gas ${gas}`,
      )
    }
  }
  t.true(
    seen.has(Status.Returned) && seen.has(Status.HostTrap) && seen.has(Status.Unreachable) && seen.has(Status.OutOfGas),
  )
})
