// Normal mode: the instrumented module on the platform's own WebAssembly engine. Returns the
// results, the exact instruction count and gas (recovered precisely on traps and out-of-gas
// from the engine's stack trace and the segment tables), and the same final state hash the
// stepping interpreter computes for the terminal state.

import { blake3 } from './blake3.js'
import { chainPush, type Header, hashHeader, tableRoot } from './commit.js'
import { type CompiledModule, compileModule } from './compile.js'
import { ArgumentError, HostStackOverflowError, UnknownExportError } from './errors.js'
import { DEFAULT_MAX_PAGES, instantiate, PAGE } from './instance.js'
import { type Instrumented, instrument } from './instrument.js'
import { DEFAULT_GAS_LIMIT, DEFAULT_STACK_LIMIT, defaultGasSchedule, type GasSchedule } from './machine.js'
import { MemoryTree, memoryDepth, slotLeaf, vectorRoot, ZERO32 } from './merkle.js'
import { Status } from './numeric.js'
import { type EngineImports, type EngineInstance, type EngineMemory, type EngineTable, engine } from './platform.js'
import { TYPE_NAME, type WasmValue } from './values.js'

export interface NormalOptions {
  readonly gasSchedule?: GasSchedule
  readonly stackLimit?: number
  readonly maxMemoryPages?: number
}

export interface NormalResult {
  readonly status: number
  readonly results: WasmValue[]
  readonly icount: number
  readonly gasUsed: number
  /** False when the trap site lies outside this module (cross-module call): counts are then upper bounds. */
  readonly exact: boolean
  /** Final state hash (self-contained modules only). */
  readonly stateHash: Uint8Array | undefined
}

/** A module prepared for normal mode: compiled, instrumented and compiled again by the engine. */
export class NormalModule {
  readonly compiled: CompiledModule
  readonly instrumented: Instrumented
  readonly wasm: object
  readonly gas: GasSchedule
  readonly stackLimit: number
  readonly maxPages: number
  constructor(code: Uint8Array | CompiledModule, options: NormalOptions = {}) {
    this.compiled = code instanceof Uint8Array ? compileModule(code) : code
    this.gas = options.gasSchedule ?? defaultGasSchedule()
    // Packed counters need instructions <= gas, i.e. every opcode costs at least 1.
    const free = this.gas.findIndex((c) => c < 1)
    if (free >= 0) throw new ArgumentError(`gas schedule: opcode 0x${free.toString(16)} must cost at least 1`, free)
    this.stackLimit = options.stackLimit ?? DEFAULT_STACK_LIMIT
    this.maxPages = options.maxMemoryPages ?? DEFAULT_MAX_PAGES
    this.instrumented = instrument(this.compiled, {
      gas: this.gas,
      stackLimit: this.stackLimit,
      maxPages: this.maxPages,
    })
    this.wasm = new engine.Module(this.instrumented.bytes)
  }
}

type Exports = Record<string, unknown>

const SITE_RE = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/

/** Live instances, to attribute a trap raised inside another instance's code (cross-module calls). */
const live = new Set<WeakRef<NormalInstance>>()

/** One instance of a normal-mode module. */
export class NormalInstance {
  readonly instance: EngineInstance
  readonly exports: Exports
  private tree: MemoryTree | undefined
  private shadow = new Uint8Array(0)
  private staticRoots: { tableRoot: Uint8Array; moduleHash: Uint8Array } | undefined
  constructor(
    readonly nm: NormalModule,
    imports: EngineImports = {},
  ) {
    this.instance = new engine.Instance(nm.wasm, imports)
    this.exports = this.instance.exports as Exports
    live.add(new WeakRef(this))
  }

  private fn(name: string): (...args: unknown[]) => unknown {
    return this.exports[name] as (...args: unknown[]) => unknown
  }

  /** Invokes an export with a gas limit; never throws for wasm traps (they are results). */
  invoke(name: string, args: readonly WasmValue[], gasLimit: bigint = DEFAULT_GAS_LIMIT): NormalResult {
    if (gasLimit < 0n || gasLimit > DEFAULT_GAS_LIMIT)
      throw new ArgumentError('normal mode needs 0 <= gas limit <= 2^31 - 1 (packed counters)', gasLimit)
    const wrapper = this.nm.instrumented.wrappers.get(name)
    const exp = this.nm.compiled.module.exports.find((e) => e.name === name && e.kind === 'func')
    if (!wrapper || !exp) throw new UnknownExportError(name)
    const type = this.nm.compiled.funcTypes[exp.index]
    if (!type || type.params.length !== args.length)
      throw new ArgumentError(`expected ${type?.params.length} arguments`, args)
    const argv = args.map((v, i) => {
      const t = type.params[i] as number
      if (v.type !== TYPE_NAME[t as 0x7f]) throw new ArgumentError(`argument ${i} must be ${TYPE_NAME[t as 0x7f]}`, v)
      return t === 0x7e || t === 0x7c ? BigInt.asIntN(64, v.bits) : Number(BigInt.asIntN(32, v.bits))
    })
    this.fn(this.nm.instrumented.names.reset)(gasLimit)
    let status: number = Status.Returned
    let results: WasmValue[] = []
    let exact = true
    let adjust = { icount: 0, gas: 0 }
    try {
      const r = this.fn(wrapper)(...argv)
      results = type.results.map((t) => {
        const raw = t === 0x7e || t === 0x7c ? BigInt.asUintN(64, r as bigint) : BigInt.asUintN(32, BigInt(r as number))
        return { type: TYPE_NAME[t], bits: raw }
      })
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new HostStackOverflowError(e)
      if (!(e instanceof engine.RuntimeError)) {
        status = Status.HostTrap
      } else {
        const c = this.classify(e as Error, gasLimit)
        status = c.status
        adjust = c.adjust
        exact = c.exact
      }
    }
    const icount = Number(this.fn(this.nm.instrumented.names.icount)() as bigint) + adjust.icount
    const gasUsed = Number(this.fn(this.nm.instrumented.names.gas)() as bigint) + adjust.gas
    const stateHash =
      this.nm.compiled.module.imports.length === 0
        ? this.stateHash(status, results, icount, gasUsed, gasLimit)
        : undefined
    return { status, results, icount, gasUsed, exact, stateHash }
  }

  private classify(
    e: Error,
    gasLimit: bigint,
  ): { status: number; adjust: { icount: number; gas: number }; exact: boolean } {
    const ins = this.nm.instrumented
    const m = SITE_RE.exec(e.stack ?? '')
    const offset = m ? Number.parseInt(m[2] as string, 16) : -1
    const fn = ins.funcOf(Number(m?.[1] ?? -1))
    const found = ins.sites.get(offset)
    const site = found && found.func === fn ? found : undefined
    const msg = e.message
    if (!site) {
      const f = this.foreign(offset, Number(m?.[1]), msg)
      if (f) return f
      // A trap in another module's code (cross-module call in the spec suite).
      const status = /out of bounds memory|memory access/.test(msg)
        ? Status.OutOfBounds
        : /divide by zero|remainder by zero/.test(msg)
          ? Status.DivByZero
          : /unrepresentable|overflow/.test(msg)
            ? Status.IntOverflow
            : /table index/.test(msg)
              ? Status.UndefinedElement
              : /null function|signature/.test(msg)
                ? Status.IndirectCallTypeMismatch
                : Status.Unreachable
      return { status, adjust: { icount: 0, gas: 0 }, exact: false }
    }
    const info = ins.funcs[site.func - this.nm.compiled.numImportedFuncs]
    if (!info) return { status: Status.Unreachable, adjust: { icount: 0, gas: 0 }, exact: false }
    if (site.kind === 'exhaust') return { status: Status.Exhausted, adjust: { icount: 0, gas: 0 }, exact: true }
    if (site.kind === 'oog') {
      const seg = info.segments.get(site.seg)
      if (!seg) throw new Error('unknown segment')
      // The accumulator already holds the whole segment (gas and length). Like a trap, the
      // refused instruction counts as one step and nothing of the segment is charged.
      void gasLimit
      return { status: Status.OutOfGas, adjust: { icount: 1 - seg.pcs.length, gas: -seg.totalGas }, exact: true }
    }
    const pos = info.position.get(site.pc)
    const seg = pos ? info.segments.get(pos[0]) : undefined
    let adjust = { icount: 0, gas: 0 }
    if (pos && seg) {
      const after = seg.gas.slice(pos[1] + 1)
      adjust = { icount: -after.length, gas: -after.reduce((x, y) => x + y, 0) }
    }
    if (site.kind === 'nan') return { status: Status.InvalidConversion, adjust, exact: true }
    const code = this.nm.compiled.funcs[site.func - this.nm.compiled.numImportedFuncs]
    const o = code?.op[site.pc] ?? 0
    let status: number = Status.Unreachable
    if (o >= 0x28 && o <= 0x3e) status = Status.OutOfBounds
    else if ([0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82].includes(o))
      status = /by zero/.test(msg) ? Status.DivByZero : Status.IntOverflow
    else if (o >= 0xa8 && o <= 0xb1) status = Status.IntOverflow
    else if (o === 0x11) {
      const idx = (this.fn(ins.names.last)() as number) >>> 0
      const table = this.exports[ins.names.table] as EngineTable | undefined
      if (!table || idx >= table.length) status = Status.UndefinedElement
      else if (table.get(idx) === null) status = Status.UninitializedElement
      else status = Status.IndirectCallTypeMismatch
    }
    return { status, adjust, exact: true }
  }

  /** Classifies a trap that happened in another live instance's code (counts are not exact). */
  private foreign(
    offset: number,
    func: number,
    msg: string,
  ): { status: number; adjust: { icount: number; gas: number }; exact: boolean } | undefined {
    // Most recent first: the instance just called is the likeliest owner of the code.
    for (const ref of [...live].reverse()) {
      const other = ref.deref()
      if (!other) {
        live.delete(ref)
        continue
      }
      if (other === this) continue
      const site = other.nm.instrumented.sites.get(offset)
      if (site?.kind !== 'instr' || site.func !== other.nm.instrumented.funcOf(func)) continue
      const c = other.classify(
        Object.assign(new Error(msg), { stack: `wasm-function[${func}]:0x${offset.toString(16)}` }),
        0n,
      )
      return { ...c, adjust: { icount: 0, gas: 0 }, exact: false }
    }
    return undefined
  }

  /** The terminal state hash, equal to the stepping interpreter's for the same run. */
  private stateHash(
    status: number,
    results: WasmValue[],
    icount: number,
    gasUsed: number,
    gasLimit: bigint,
  ): Uint8Array {
    const ins = this.nm.instrumented
    const compiled = this.nm.compiled
    if (!this.staticRoots) {
      const probe = instantiate(compiled, { maxMemoryPages: this.nm.maxPages })
      this.staticRoots = { tableRoot: tableRoot(probe), moduleHash: blake3(compiled.module.bytes) }
      const l = compiled.module.memories[0]
      const maxPages = l ? Math.min(l.max ?? this.nm.maxPages, this.nm.maxPages) : 0
      this.tree = new MemoryTree(memoryDepth(maxPages))
    }
    const mem = this.exports[ins.names.memory] as EngineMemory | undefined
    const bytes = mem ? new Uint8Array(mem.buffer) : new Uint8Array(0)
    const tree = this.tree as MemoryTree
    // Incremental: only leaves that differ from the last hashed copy are rehashed.
    const dirty: number[] = []
    const cur32 = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)
    const old = this.shadow
    const old32 = new Uint32Array(old.buffer, old.byteOffset, old.length >>> 2)
    for (let i = 0; i < cur32.length; i++) {
      if (cur32[i] !== (i < old32.length ? old32[i] : 0)) {
        dirty.push(i >>> 3)
        i = (i | 7) >>> 0
      }
    }
    if (dirty.length) tree.update(bytes, dirty)
    this.shadow = bytes.slice()
    const globals = ins.globalGetters.map((g, i) => {
      const v = this.fn(g)() as number | bigint
      const t = compiled.globalTypes[i]?.type
      const b = new Uint8Array(8)
      const dv = new DataView(b.buffer)
      if (t === 0x7e || t === 0x7c) dv.setBigUint64(0, BigInt.asUintN(64, v as bigint), true)
      else dv.setUint32(0, (v as number) >>> 0, true)
      return slotLeaf(b)
    })
    let stack = ZERO32
    const returned = status === Status.Returned
    if (returned)
      for (const r of results) {
        const b = new Uint8Array(8)
        new DataView(b.buffer).setBigUint64(0, r.bits, true)
        stack = chainPush(b, stack)
      }
    const header: Header = {
      status,
      pc: 0,
      icount,
      gasUsed,
      gasLimit: Number(gasLimit),
      sp: returned ? results.length : 0,
      depth: 0,
      memPages: bytes.length / PAGE,
      stackHash: stack,
      framesHash: ZERO32,
      globalsRoot: vectorRoot(globals),
      memoryRoot: tree.root(),
      tableRoot: this.staticRoots.tableRoot,
      moduleHash: this.staticRoots.moduleHash,
    }
    return hashHeader(header)
  }
}
