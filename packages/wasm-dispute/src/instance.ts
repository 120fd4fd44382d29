// Instantiation (Core Spec 1.0 §4.5.4): linking imports, allocating memory, table and globals,
// checking every segment before writing any, then running the start function uncounted.
import { type CompiledFunc, type CompiledModule, compileModule } from './compile.js'
import type { ConstExpr, FuncType, Limits, ValType } from './decode.js'
import { HostResourceError, InstantiationTrapError, LinkError, UnsupportedFeatureError } from './errors.js'
import { makeSlots, type Slots, STATUS_TEXT, Status } from './numeric.js'
import type { WasmValue } from './values.js'

export const PAGE = 65536
/** Default deterministic memory limit in pages (the full 32-bit space, as the MVP allows). */
export const DEFAULT_MAX_PAGES = 65536
/** Deterministic limit on the initial table size. */
export const MAX_TABLE_ELEMS = 10_000_000

/** Linear memory with leaf-level dirty tracking for the incremental Merkle tree (32-byte leaves). */
export class MemoryInst {
  bytes: Uint8Array
  view: DataView
  pages: number
  readonly maxPages: number
  /** Leaves written since the tree was last brought up to date. */
  dirty: number[] = []
  dirtyBits: Uint8Array
  constructor(min: number, maxPages: number) {
    this.pages = min
    this.maxPages = maxPages
    try {
      this.bytes = new Uint8Array(min * PAGE)
    } catch (e) {
      throw new HostResourceError('memory pages', min, e)
    }
    this.view = new DataView(this.bytes.buffer)
    this.dirtyBits = new Uint8Array(min * 2048)
  }
  touch(ea: number, size: number): void {
    const last = (ea + size - 1) >>> 5
    for (let leaf = ea >>> 5; leaf <= last; leaf++) {
      if (this.dirtyBits[leaf] === 0) {
        this.dirtyBits[leaf] = 1
        this.dirty.push(leaf)
      }
    }
  }
  /** memory.grow: returns the old size in pages or -1. */
  grow(delta: number): number {
    const old = this.pages
    if (delta > this.maxPages - old) return -1
    if (delta === 0) return old
    let next: Uint8Array
    try {
      next = new Uint8Array((old + delta) * PAGE)
    } catch (e) {
      // Below the deterministic cap the grow must succeed; a host that cannot is not a valid executor.
      throw new HostResourceError('memory pages', old + delta, e)
    }
    next.set(this.bytes)
    const bits = new Uint8Array((old + delta) * 2048)
    bits.set(this.dirtyBits)
    this.bytes = next
    this.view = new DataView(next.buffer)
    this.dirtyBits = bits
    this.pages = old + delta
    return old
  }
}

export interface TableInst {
  readonly elems: (FuncInst | null)[]
  readonly max: number | undefined
}

export interface HostFunc {
  readonly kind: 'host'
  readonly type: FuncType
  readonly typeKey: string
  readonly call: (args: WasmValue[]) => WasmValue[]
}
export interface WasmFunc {
  readonly kind: 'wasm'
  readonly instance: Instance
  readonly code: CompiledFunc
  readonly typeKey: string
}
export type FuncInst = HostFunc | WasmFunc

/** A global: its value lives in slot `index` of `slots` (shared by reference when imported). */
export interface GlobalInst {
  readonly type: ValType
  readonly mutable: boolean
  readonly slots: Slots
  readonly index: number
}

/** A free-standing global (for hosts). */
export function hostGlobal(type: ValType, mutable: boolean, bits: bigint): GlobalInst {
  const slots = makeSlots(1)
  slots.u64[0] = bits
  return { type, mutable, slots, index: 0 }
}

export type ExternVal =
  | { kind: 'func'; func: FuncInst }
  | { kind: 'table'; table: TableInst }
  | { kind: 'memory'; memory: MemoryInst }
  | { kind: 'global'; global: GlobalInst }

/** Resolves an import to an external value, or undefined when it is missing. */
export type ImportResolver = (module: string, name: string) => ExternVal | undefined

export interface InstantiateOptions {
  readonly imports?: ImportResolver
  /** Deterministic limit on memory pages (default 65536). */
  readonly maxMemoryPages?: number
  /** Reject modules with imports (dispute mode needs a self-contained machine). */
  readonly selfContained?: boolean
  /** Runs the start function (with a fresh machine); injected to avoid an import cycle. */
  readonly runStart?: (func: WasmFunc) => number
}

export class Instance {
  readonly funcs: FuncInst[] = []
  /** Globals as 8-byte slots, indexed like the module's global index space. */
  readonly globals: Slots
  /** Every global of the index space (imported ones shared by reference). */
  readonly globalCells: GlobalInst[] = []
  readonly globalTypes: { type: ValType; mutable: boolean }[]
  memory: MemoryInst | undefined
  table: TableInst | undefined
  readonly exports = new Map<string, ExternVal>()
  constructor(readonly compiled: CompiledModule) {
    this.globalTypes = compiled.globalTypes as { type: ValType; mutable: boolean }[]
    this.globals = makeSlots(Math.max(1, compiled.globalTypes.length))
  }
  exportedFunc(name: string): FuncInst | undefined {
    const e = this.exports.get(name)
    return e?.kind === 'func' ? e.func : undefined
  }
}

export function funcTypeKey(t: FuncType): string {
  return `${t.params.join(',')}>${t.results.join(',')}`
}

function limitsMatch(actual: { min: number; max: number | undefined }, want: Limits): boolean {
  if (actual.min < want.min) return false
  if (want.max === undefined) return true
  return actual.max !== undefined && actual.max <= want.max
}

function evalConst(inst: Instance, e: ConstExpr): bigint {
  if (e.kind === 'const') {
    const lo = BigInt(e.lo >>> 0)
    return e.type === 0x7f || e.type === 0x7d ? lo : (BigInt(e.hi >>> 0) << 32n) | lo
  }
  const c = inst.globalCells[e.index] as GlobalInst
  return c.slots.u64[c.index] as bigint
}

/** Instantiates compiled code (or raw bytes). */
export function instantiate(code: CompiledModule | Uint8Array, options: InstantiateOptions = {}): Instance {
  const compiled = code instanceof Uint8Array ? compileModule(code) : code
  const m = compiled.module
  const inst = new Instance(compiled)
  const maxPagesLimit = options.maxMemoryPages ?? DEFAULT_MAX_PAGES
  if (options.selfContained && m.imports.length > 0)
    throw new UnsupportedFeatureError('imports', 'dispute mode needs a self-contained module (no imports)')
  let gi = 0
  for (const imp of m.imports) {
    const label = `${imp.module}.${imp.name}`
    const ev = options.imports?.(imp.module, imp.name)
    if (!ev) throw new LinkError(label, 'unknown import')
    const d = imp.desc
    if (d.kind !== ev.kind) throw new LinkError(label, `incompatible import type: expected ${d.kind}, got ${ev.kind}`)
    if (d.kind === 'func' && ev.kind === 'func') {
      const want = funcTypeKey(m.types[d.typeIndex] as FuncType)
      if (ev.func.typeKey !== want) throw new LinkError(label, 'incompatible import type (function signature)')
      inst.funcs.push(ev.func)
    } else if (d.kind === 'global' && ev.kind === 'global') {
      if (ev.global.type !== d.type || ev.global.mutable !== d.mutable)
        throw new LinkError(label, 'incompatible import type (global)')
      inst.globalCells.push(ev.global)
      inst.globals.u64[gi] = ev.global.slots.u64[ev.global.index] as bigint
      gi++
    } else if (d.kind === 'memory' && ev.kind === 'memory') {
      const mem = ev.memory
      const max = mem.maxPages === DEFAULT_MAX_PAGES && !hasDeclaredMax(mem) ? undefined : mem.maxPages
      if (!limitsMatch({ min: mem.pages, max }, d.limits))
        throw new LinkError(label, 'incompatible import type (memory limits)')
      inst.memory = mem
    } else if (d.kind === 'table' && ev.kind === 'table') {
      if (!limitsMatch({ min: ev.table.elems.length, max: ev.table.max }, d.limits))
        throw new LinkError(label, 'incompatible import type (table limits)')
      inst.table = ev.table
    }
  }
  for (const code of compiled.funcs) {
    inst.funcs.push({ kind: 'wasm', instance: inst, code, typeKey: funcTypeKey(code.type) })
  }
  for (const l of m.tables) {
    if (l.min > MAX_TABLE_ELEMS)
      throw new UnsupportedFeatureError('table-size', `table of ${l.min} elements exceeds ${MAX_TABLE_ELEMS}`)
    inst.table = { elems: new Array(l.min).fill(null), max: l.max }
  }
  for (const l of m.memories) {
    if (l.min > maxPagesLimit)
      throw new UnsupportedFeatureError('memory-size', `memory of ${l.min} pages exceeds the limit of ${maxPagesLimit}`)
    const maxPages = Math.min(l.max ?? maxPagesLimit, maxPagesLimit)
    const mem = new MemoryInst(l.min, maxPages)
    declaredMax.set(mem, l.max !== undefined)
    inst.memory = mem
  }
  for (const g of m.globals) {
    inst.globals.u64[gi] = evalConst(inst, g.init)
    inst.globalCells.push({ type: g.type, mutable: g.mutable, slots: inst.globals, index: gi })
    gi++
  }
  for (const e of m.exports) {
    if (e.kind === 'func') inst.exports.set(e.name, { kind: 'func', func: inst.funcs[e.index] as FuncInst })
    else if (e.kind === 'memory' && inst.memory) inst.exports.set(e.name, { kind: 'memory', memory: inst.memory })
    else if (e.kind === 'table' && inst.table) inst.exports.set(e.name, { kind: 'table', table: inst.table })
    else if (e.kind === 'global')
      inst.exports.set(e.name, { kind: 'global', global: inst.globalCells[e.index] as GlobalInst })
  }
  // Check every segment first (MVP: no partial initialization), then write.
  const elemOffsets = m.elems.map((e) => Number(evalConst(inst, e.offset) & 0xffffffffn))
  const dataOffsets = m.datas.map((d) => Number(evalConst(inst, d.offset) & 0xffffffffn))
  m.elems.forEach((e, i) => {
    const off = elemOffsets[i] as number
    if (!inst.table || off + e.funcs.length > inst.table.elems.length)
      throw new LinkError(`elem ${i}`, 'elements segment does not fit')
  })
  m.datas.forEach((d, i) => {
    const off = dataOffsets[i] as number
    if (!inst.memory || off + d.bytes.length > inst.memory.bytes.length)
      throw new LinkError(`data ${i}`, 'data segment does not fit')
  })
  m.elems.forEach((e, i) => {
    const off = elemOffsets[i] as number
    e.funcs.forEach((f, j) => {
      ;(inst.table as TableInst).elems[off + j] = inst.funcs[f] as FuncInst
    })
  })
  m.datas.forEach((d, i) => {
    const mem = inst.memory as MemoryInst
    const off = dataOffsets[i] as number
    mem.bytes.set(d.bytes, off)
    if (d.bytes.length > 0) mem.touch(off, d.bytes.length)
  })
  if (m.start !== undefined) {
    const f = inst.funcs[m.start] as FuncInst
    if (f.kind === 'host') f.call([])
    else if (options.runStart) {
      const status = options.runStart(f)
      if (status !== Status.Returned) throw new InstantiationTrapError(STATUS_TEXT[status] ?? String(status))
    }
  }
  return inst
}

const declaredMax = new WeakMap<MemoryInst, boolean>()
function hasDeclaredMax(mem: MemoryInst): boolean {
  return declaredMax.get(mem) ?? true
}
/** Marks a host-created memory as having (or not having) a declared maximum. */
export function setDeclaredMax(mem: MemoryInst, has: boolean): void {
  declaredMax.set(mem, has)
}
