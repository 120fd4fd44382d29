// Normal-mode instrumentation: rewrites a module so the platform engine counts instructions and
// gas per straight-line segment (one charge per segment, with the segment's summed per-opcode
// costs), enforces the gas limit and the deterministic stack limit, and exposes the counters
// and globals. Every inserted sequence is stack-neutral, so structured control flow is untouched.
// The counter travels in registers: each function's instrumented body is a clone that takes and
// returns it, and the original index becomes a stub (decision 0088). The map from output byte
// offsets back to (function, pc, segment) lets the runner recover the exact instruction count
// at a trap from the engine's stack trace (see docs, "Normal mode").

import { sleb, uleb } from './builder.js'
import type { CompiledModule } from './compile.js'
import { Reader, type ValType } from './decode.js'
import type { GasSchedule } from './machine.js'
import { segmentsOf } from './segments.js'

const TRUNC32 = new Set([0xa8, 0xa9, 0xae, 0xaf])
const TRUNC64 = new Set([0xaa, 0xab, 0xb0, 0xb1])

/** 1 for opcodes that can trap inside a segment: unreachable, loads/stores, div/rem, truncations, call_indirect. */
const MAY_TRAP = new Uint8Array(256)
for (const o of [0x00, 0x11, 0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82]) MAY_TRAP[o] = 1
for (let o = 0x28; o <= 0x3e; o++) MAY_TRAP[o] = 1
for (let o = 0xa8; o <= 0xb1; o++) MAY_TRAP[o] = 1

export interface Segment {
  /** Instructions (pcs) executed from the charge point to the next one. */
  readonly pcs: number[]
  /** Gas of each of them. */
  readonly gas: number[]
  readonly totalGas: number
}

export type Site =
  | { kind: 'instr'; func: number; pc: number }
  | { kind: 'oog'; func: number; seg: number }
  | { kind: 'exhaust'; func: number }
  | { kind: 'nan'; func: number; pc: number }

export interface FuncInstrumentation {
  readonly segments: Map<number, Segment>
  /** For each pc that may trap: [segment id, index in that segment]. */
  readonly position: Map<number, [number, number]>
}

export interface Instrumented {
  readonly bytes: Uint8Array
  /** Absolute output byte offset → what sits there. */
  readonly sites: Map<number, Site>
  readonly funcs: FuncInstrumentation[]
  /** Export names of the helpers. */
  readonly names: { reset: string; icount: string; gas: string; last: string; memory: string; table: string }
  /** Per exported function name: the bit-exact wrapper's export name. */
  readonly wrappers: Map<string, string>
  /** Per global index: getter export name (floats returned as their bits). */
  readonly globalGetters: string[]
  /** The module's function index whose instrumented code the engine runs as function `engineIndex`. */
  readonly funcOf: (engineIndex: number) => number
}

export interface InstrumentOptions {
  readonly gas: GasSchedule
  readonly stackLimit: number
  readonly maxPages: number
}

function localsDecl(types: readonly ValType[]): number[] {
  const groups: [number, ValType][] = []
  for (const t of types) {
    const last = groups[groups.length - 1]
    if (last && last[1] === t) last[0]++
    else groups.push([1, t])
  }
  return [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t])]
}

/** Instruments a compiled (self-contained or importing) module for normal mode. */
export function instrument(compiled: CompiledModule, options: InstrumentOptions): Instrumented {
  const m = compiled.module
  const bytes = m.bytes
  const numGlobals = compiled.globalTypes.length
  const G_ACC = numGlobals
  const G_LIMIT = numGlobals + 2
  const G_USED = numGlobals + 3
  const G_LAST = numGlobals + 4
  const numFuncs = compiled.funcTypes.length
  // Types: originals, then helper types (deduplicated).
  const newTypes: number[][] = []
  const typeIndex = new Map<string, number>()
  const typeOf = (params: ValType[], results: ValType[]): number => {
    const k = `${params.join(',')}>${results.join(',')}`
    let i = typeIndex.get(k)
    if (i === undefined) {
      i = m.types.length + newTypes.length
      typeIndex.set(k, i)
      newTypes.push([0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results])
    }
    return i
  }
  const bits = (t: ValType): ValType => (t === 0x7d ? 0x7f : t === 0x7c ? 0x7e : t)
  const helpers: { type: number; body: number[]; locals: ValType[]; name: string }[] = []
  const names = {
    reset: '__wd_reset',
    icount: '__wd_icount',
    gas: '__wd_gas',
    last: '__wd_last',
    memory: '__wd_memory',
    table: '__wd_table',
  }
  // One packed accumulator: gas in the high 32 bits, instructions in the low 32 bits (a
  // segment adds `gas << 32 | length` at once). Exact while gas < 2^31 and every opcode costs
  // at least 1 (then instructions <= gas); NormalModule enforces both. It counts down: the
  // limit global holds TOP = ((limit + 1) << 32) - 1 (< 2^63) and the accumulator global holds
  // TOP - acc, which turns negative exactly when gas > limit (one subtraction and a sign test
  // per segment, no second operand to load).
  helpers.push({
    name: names.reset,
    type: typeOf([0x7e], []),
    locals: [],
    body: [
      ...[0x41, 0, 0x24, ...uleb(G_USED)],
      ...[0x20, 0, 0x42, 1, 0x7c, 0x42, 32, 0x86, 0x42, 1, 0x7d, 0x24, ...uleb(G_LIMIT)],
      ...[0x23, ...uleb(G_LIMIT), 0x24, ...uleb(G_ACC)],
    ],
  })
  helpers.push({
    name: names.icount,
    type: typeOf([], [0x7e]),
    locals: [],
    body: [0x23, ...uleb(G_LIMIT), 0x23, ...uleb(G_ACC), 0x7d, 0x42, ...sleb(0xffffffffn), 0x83],
  })
  helpers.push({
    name: names.gas,
    type: typeOf([], [0x7e]),
    locals: [],
    body: [0x23, ...uleb(G_LIMIT), 0x23, ...uleb(G_ACC), 0x7d, 0x42, 32, 0x88],
  })
  helpers.push({ name: names.last, type: typeOf([], [0x7f]), locals: [], body: [0x23, ...uleb(G_LAST)] })
  const globalGetters: string[] = []
  compiled.globalTypes.forEach((g, i) => {
    const name = `__wd_g${i}`
    globalGetters.push(name)
    const reinterp = g.type === 0x7d ? [0xbc] : g.type === 0x7c ? [0xbd] : []
    helpers.push({ name, type: typeOf([], [bits(g.type)]), locals: [], body: [0x23, ...uleb(i), ...reinterp] })
  })
  const wrappers = new Map<string, string>()
  for (const e of m.exports) {
    if (e.kind !== 'func') continue
    const t = compiled.funcTypes[e.index]
    if (!t) continue
    const name = `__wd_call${e.index}`
    wrappers.set(e.name, name)
    if (helpers.some((h) => h.name === name)) continue
    const body: number[] = []
    t.params.forEach((p, i) => {
      body.push(0x20, ...uleb(i))
      if (p === 0x7d) body.push(0xbe)
      if (p === 0x7c) body.push(0xbf)
    })
    body.push(0x10, ...uleb(e.index))
    for (const r of t.results) {
      if (r === 0x7d) body.push(0xbc)
      if (r === 0x7c) body.push(0xbd)
    }
    helpers.push({ name, type: typeOf(t.params.map(bits), t.results.map(bits)), locals: [], body })
  }

  // Instrument bodies. Every defined function i gets a clone (index cloneBase + i - imported)
  // holding its instrumented body, with two extra parameters (the counter, i64, and the
  // caller's cumulative frame weight, i32) and one extra result (the counter), so direct calls
  // pass the counter in registers. Index i itself becomes a stub with the original type that
  // loads both from the globals, calls the clone and stores the counter back: exports, the
  // table, the start function and other modules still see the original signature.
  const numImported = compiled.numImportedFuncs
  const cloneBase = numFuncs + helpers.length
  const cloneTypes: number[] = []
  const stubBodies: number[][] = []
  const funcsInfo: FuncInstrumentation[] = []
  const bodyParts: { bytes: number[]; sites: [number, Site][] }[] = []
  for (const code of compiled.funcs) {
    const segments = new Map<number, Segment>()
    const position = new Map<number, [number, number]>()
    const n = code.op.length
    const layout = segmentsOf(code, options.gas)
    for (const [start, pcs] of layout.pcs) {
      const g = pcs.map((p) => options.gas[code.op[p] as number] as number)
      segments.set(start, { pcs, gas: g, totalGas: g.reduce((x, y) => x + y, 0) })
      pcs.forEach((p, i) => {
        if (!position.has(p)) position.set(p, [start, i])
      })
    }
    const np = code.type.params.length
    const clone = cloneBase + code.index - numImported
    cloneTypes.push(typeOf([...code.type.params, 0x7e, 0x7f], [...code.type.results, 0x7e]))
    // The stub at the original index.
    const stub: number[] = []
    for (let i = 0; i < np; i++) stub.push(0x20, ...uleb(i))
    stub.push(0x23, ...uleb(G_ACC), 0x23, ...uleb(G_USED), 0x10, ...uleb(clone), 0x24, ...uleb(G_ACC))
    stubBodies.push(stub)
    // Locals of the clone: params, counter, caller's weight, declared locals (shifted by 2), extras.
    const P_ACC = np
    const P_USED = np + 1
    const shiftLocal = (x: number) => (x < np ? x : x + 2)
    const nl = code.localTypes.length + 2
    const L_USED = nl
    const L_IDX = nl + 1
    const L_F32 = nl + 2
    const L_F64 = nl + 3
    const out: number[] = []
    const sites: [number, Site][] = []
    const fs = code.frameSize
    const n1 = n - 1
    // The counter is a parameter (a register) inside the function and travels through calls
    // and returns as an argument and a result. It is written to the global only where someone
    // can read it: before calls that leave the clones (imports, call_indirect), in the
    // out-of-gas and exhaustion branches, and right after the charge of any segment holding an
    // instruction able to trap, so at a trap the global is exactly what the segment-table
    // correction expects (decision 0088).
    const spill = () => out.push(0x20, ...uleb(P_ACC), 0x24, ...uleb(G_ACC))
    const reload = () => out.push(0x23, ...uleb(G_ACC), 0x21, ...uleb(P_ACC))
    const charge = (segId: number) => {
      const seg = segments.get(segId) as Segment
      const packed = (BigInt(seg.totalGas) << 32n) | BigInt(seg.pcs.length)
      out.push(0x20, ...uleb(P_ACC), 0x42, ...sleb(packed), 0x7d, 0x22, ...uleb(P_ACC))
      out.push(0x42, 0, 0x53, 0x04, 0x40)
      spill()
      sites.push([out.length, { kind: 'oog', func: code.index, seg: segId }])
      out.push(0x00, 0x0b)
      if (seg.pcs.some((p) => MAY_TRAP[code.op[p] as number] === 1)) spill()
    }
    // Prologue: deterministic stack accounting from the caller's weight.
    out.push(0x20, ...uleb(P_USED), 0x41, ...sleb(fs), 0x6a, 0x22, ...uleb(L_USED))
    out.push(0x41, ...sleb(options.stackLimit), 0x4b, 0x04, 0x40)
    spill()
    sites.push([out.length, { kind: 'exhaust', func: code.index }])
    out.push(0x00, 0x0b)
    // The body runs inside one extra block, so a branch to the function's label lands on the
    // code that appends the counter to the results.
    const rt = code.type.results
    out.push(0x02, rt.length ? (rt[0] as number) : 0x40)
    for (let pc = 0; pc < n; pc++) {
      const o = code.op[pc] as number
      if (layout.elseLessEnds.has(pc)) {
        // Both ways into this end pay for it: the then-branch, and the synthesized else.
        charge(pc)
        out.push(0x05)
        charge(pc)
      } else if (segments.has(pc)) charge(pc)
      // An else jumps to its end; when that end starts a segment, the then-branch pays here.
      if (o === 0x05 && segments.has(code.a[pc] as number)) charge(code.a[pc] as number)
      if (TRUNC32.has(o) || TRUNC64.has(o)) {
        const l = TRUNC32.has(o) ? L_F32 : L_F64
        out.push(0x22, ...uleb(l), 0x20, ...uleb(l), 0x20, ...uleb(l), TRUNC32.has(o) ? 0x5c : 0x62, 0x04, 0x40)
        sites.push([out.length, { kind: 'nan', func: code.index, pc }])
        out.push(0x00, 0x0b)
      }
      const target = o === 0x10 ? (code.a[pc] as number) : -1
      const direct = target >= numImported
      if (o === 0x11) out.push(0x22, ...uleb(L_IDX), 0x24, ...uleb(G_LAST), 0x20, ...uleb(L_IDX))
      if (o === 0x11 || (o === 0x10 && !direct)) {
        spill()
        out.push(0x20, ...uleb(L_USED), 0x24, ...uleb(G_USED))
      }
      if (o === 0x0f) out.push(0x20, ...uleb(P_ACC))
      if (pc === n1) out.push(0x0b, 0x20, ...uleb(P_ACC))
      const start = code.offset[pc] as number
      const end = pc + 1 < n ? (code.offset[pc + 1] as number) : start + 1
      sites.push([out.length, { kind: 'instr', func: code.index, pc }])
      if (o >= 0x20 && o <= 0x22) out.push(o, ...uleb(shiftLocal(code.a[pc] as number)))
      else if (direct) {
        out.push(0x20, ...uleb(P_ACC), 0x20, ...uleb(L_USED), 0x10, ...uleb(cloneBase + target - numImported))
        out.push(0x21, ...uleb(P_ACC))
      } else for (let i = start; i < end; i++) out.push(bytes[i] as number)
      if (o === 0x11 || (o === 0x10 && !direct)) reload()
    }
    const decl = localsDecl([...code.localTypes.slice(np), 0x7f, 0x7f, 0x7d, 0x7c])
    const body = [...decl, ...out]
    const shift = decl.length
    bodyParts.push({ bytes: body, sites: sites.map(([off, s]) => [off + shift, s] as [number, Site]) })
    funcsInfo.push({ segments, position })
  }

  // Reassemble sections.
  const payload = (id: number): Uint8Array | undefined => {
    const s = m.sections.find((x) => x.id === id)
    return s ? bytes.subarray(s.payloadStart, s.end) : undefined
  }
  const afterCount = (p: Uint8Array | undefined): { count: number; rest: number[] } => {
    if (!p) return { count: 0, rest: [] }
    const r = new Reader(p)
    const count = r.uleb()
    return { count, rest: [...p.subarray(r.pos)] }
  }
  const typeSec = afterCount(payload(1))
  const funcSec = afterCount(payload(3))
  const globSec = afterCount(payload(6))
  const expSec = afterCount(payload(7))
  const newSections = new Map<number, number[]>()
  newSections.set(1, [...uleb(typeSec.count + newTypes.length), ...typeSec.rest, ...newTypes.flat()])
  newSections.set(3, [
    ...uleb(funcSec.count + helpers.length + cloneTypes.length),
    ...funcSec.rest,
    ...helpers.flatMap((h) => uleb(h.type)),
    ...cloneTypes.flatMap((t) => uleb(t)),
  ])
  // Before the first reset (a start function runs at instantiation) the budget is unbounded.
  const extraGlobals = [
    [0x7e, 1, 0x42, ...sleb(2n ** 63n - 1n), 0x0b],
    [0x7e, 1, 0x42, 0, 0x0b],
    [0x7e, 1, 0x42, ...sleb(2n ** 63n - 1n), 0x0b],
    [0x7f, 1, 0x41, 0, 0x0b],
    [0x7f, 1, 0x41, 0, 0x0b],
  ]
  newSections.set(6, [...uleb(globSec.count + extraGlobals.length), ...globSec.rest, ...extraGlobals.flat()])
  const name = (s: string) => {
    const b = [...new TextEncoder().encode(s)]
    return [...uleb(b.length), ...b]
  }
  const extraExports: number[][] = helpers.map((h, i) => [...name(h.name), 0x00, ...uleb(numFuncs + i)])
  if (compiled.hasMemory) extraExports.push([...name(names.memory), 0x02, 0x00])
  if (compiled.hasTable) extraExports.push([...name(names.table), 0x01, 0x00])
  newSections.set(7, [...uleb(expSec.count + extraExports.length), ...expSec.rest, ...extraExports.flat()])
  if (m.memories.length === 1) {
    const l = m.memories[0] as { min: number; max: number | undefined }
    const max = Math.min(l.max ?? options.maxPages, options.maxPages)
    newSections.set(5, [1, 0x01, ...uleb(l.min), ...uleb(Math.max(max, l.min))])
  }
  const helperBodies = helpers.map((h) => [...localsDecl(h.locals), ...h.body, 0x0b])
  const stubs = stubBodies.map((b) => [0, ...b, 0x0b])
  const allBodies = [...stubs, ...helperBodies, ...bodyParts.map((b) => b.bytes)]
  // Code section: remember where each instrumented body starts to place the sites.
  const codePayload: number[] = [...uleb(allBodies.length)]
  const bodyStarts: number[] = []
  for (const b of allBodies) {
    codePayload.push(...uleb(b.length))
    bodyStarts.push(codePayload.length)
    codePayload.push(...b)
  }
  newSections.set(10, codePayload)
  // Emit in canonical order, keeping custom sections where they were.
  const order = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  const present = new Set(m.sections.map((s) => s.id))
  let codePayloadAt = -1
  const emit = (id: number, p: number[]) => {
    out.push(id, ...uleb(p.length))
    if (id === 10) codePayloadAt = out.length
    out.push(...p)
  }
  const emitted = new Set<number>()
  const emitUpTo = (id: number) => {
    for (const x of order) {
      if (x >= id) break
      if (!present.has(x) && newSections.has(x) && !emitted.has(x)) {
        emit(x, newSections.get(x) as number[])
        emitted.add(x)
      }
    }
  }
  for (const s of m.sections) {
    if (s.id !== 0) emitUpTo(s.id)
    const replaced = newSections.get(s.id)
    if (s.id !== 0 && replaced) {
      emit(s.id, replaced)
      emitted.add(s.id)
    } else out.push(...bytes.subarray(s.start, s.end))
  }
  emitUpTo(12)
  const sites = new Map<number, Site>()
  bodyParts.forEach((b, i) => {
    const base = codePayloadAt + (bodyStarts[stubs.length + helperBodies.length + i] as number)
    for (const [off, site] of b.sites) sites.set(base + off, site)
  })
  return {
    bytes: new Uint8Array(out),
    sites,
    funcs: funcsInfo,
    names,
    wrappers,
    globalGetters,
    funcOf: (e) => (e >= cloneBase ? e - cloneBase + numImported : e),
  }
}
