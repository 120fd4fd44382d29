// MVP validation (Core Specification 1.0 §3 and the appendix's validation algorithm) fused with
// compilation of each body into fixed-width instructions with resolved branch targets and
// static operand heights. One wasm instruction = one compiled instruction = one step.
import {
  type ConstExpr,
  ConstExprError,
  decodeModule,
  F32,
  F64,
  type FuncType,
  I32,
  I64,
  Reader,
  type ValType,
  type WasmModule,
} from './decode.js'
import { InvalidModuleError, MalformedModuleError, UnsupportedFeatureError } from './errors.js'
import { MEMOP, SIG } from './opcodes.js'

export { MEMOP, SIG } from './opcodes.js'

/** A compiled function body. Arrays are indexed by pc (instruction index). */
export interface CompiledFunc {
  readonly index: number
  readonly type: FuncType
  readonly typeId: number
  /** Params then declared locals. */
  readonly localTypes: readonly ValType[]
  readonly op: Uint8Array
  readonly a: Int32Array
  readonly b: Int32Array
  /** Absolute byte offset of each instruction in the module. */
  readonly offset: Uint32Array
  /** br_table data: at a[pc]: count n, then n+1 pairs (targetPc, height<<1|arity). */
  readonly brTable: Int32Array
  readonly maxHeight: number
  /** Deterministic frame weight charged against the stack limit. */
  readonly frameSize: number
}

export interface CompiledModule {
  readonly module: WasmModule
  /** Structural type id for every type index (equal ids = equal function types). */
  readonly typeIds: readonly number[]
  /** Type of every function in the index space (imports first). */
  readonly funcTypes: readonly FuncType[]
  readonly numImportedFuncs: number
  readonly funcs: readonly CompiledFunc[]
  readonly globalTypes: readonly { type: ValType; mutable: boolean }[]
  readonly numImportedGlobals: number
  readonly hasTable: boolean
  readonly hasMemory: boolean
}

/** Fixed per-frame overhead in the frame weight (keeps the platform engine's native stack below its limit). */
export const FRAME_OVERHEAD = 16

const UNKNOWN = 0

interface Ctrl {
  kind: 0 | 1 | 2 | 3 // block, loop, if, func
  results: ValType[]
  height: number
  unreachable: boolean
  loopPc: number
  patches: number[] // pcs whose branch target is this block's end (+1)
  tablePatches: number[] // brTable word indexes to patch
  ifPc: number
  elsePc: number
}

function typeKey(t: FuncType): string {
  return `${t.params.join(',')}>${t.results.join(',')}`
}

/** Decodes and validates a module, compiling every body. */
export function compileModule(bytes: Uint8Array): CompiledModule {
  try {
    return compileDecoded(decodeModule(bytes))
  } catch (e) {
    if (e instanceof ConstExprError) throw new InvalidModuleError('constant expression required', `byte ${e.offset}`)
    throw e
  }
}

function invalid(reason: string, where: string): never {
  throw new InvalidModuleError(reason, where)
}

export function compileDecoded(module: WasmModule): CompiledModule {
  const keys = new Map<string, number>()
  const typeIds = module.types.map((t) => {
    const k = typeKey(t)
    let id = keys.get(k)
    if (id === undefined) {
      id = keys.size
      keys.set(k, id)
    }
    return id
  })
  for (const t of module.types)
    if (t.results.length > 1) invalid('multiple return values (multi-value is post-MVP)', 'type')
  const funcTypes: FuncType[] = []
  const funcTypeIds: number[] = []
  const globalTypes: { type: ValType; mutable: boolean }[] = []
  let tables = 0
  let memories = 0
  for (const imp of module.imports) {
    const d = imp.desc
    if (d.kind === 'func') {
      const t = module.types[d.typeIndex]
      if (!t) invalid(`unknown type ${d.typeIndex}`, `import ${imp.module}.${imp.name}`)
      funcTypes.push(t)
      funcTypeIds.push(typeIds[d.typeIndex] as number)
    } else if (d.kind === 'global') {
      globalTypes.push({ type: d.type, mutable: d.mutable })
    } else if (d.kind === 'table') {
      tables++
      checkLimits(d.limits, 0xffffffff, 'table')
    } else {
      memories++
      checkLimits(d.limits, 65536, 'memory')
    }
  }
  const numImportedFuncs = funcTypes.length
  const numImportedGlobals = globalTypes.length
  for (const ti of module.funcs) {
    const t = module.types[ti]
    if (!t) invalid(`unknown type ${ti}`, 'function section')
    funcTypes.push(t)
    funcTypeIds.push(typeIds[ti] as number)
  }
  for (const l of module.tables) checkLimits(l, 0xffffffff, 'table')
  for (const l of module.memories) checkLimits(l, 65536, 'memory')
  tables += module.tables.length
  memories += module.memories.length
  if (tables > 1) invalid('multiple tables', 'table')
  if (memories > 1) invalid('multiple memories', 'memory')
  // Globals: initializers may only refer to imported globals (MVP).
  for (const [i, g] of module.globals.entries()) {
    checkConst(g.init, g.type, numImportedGlobals, globalTypes, `global ${i}`)
    globalTypes.push({ type: g.type, mutable: g.mutable })
  }
  const names = new Set<string>()
  for (const e of module.exports) {
    if (names.has(e.name)) invalid(`duplicate export name ${e.name}`, 'export')
    names.add(e.name)
    const limit =
      e.kind === 'func'
        ? funcTypes.length
        : e.kind === 'global'
          ? globalTypes.length
          : e.kind === 'table'
            ? tables
            : memories
    if (e.index >= limit) invalid(`unknown ${e.kind} ${e.index}`, `export ${e.name}`)
  }
  if (module.start !== undefined) {
    const t = funcTypes[module.start]
    if (!t) invalid(`unknown function ${module.start}`, 'start')
    if (t.params.length || t.results.length) invalid('start function must be [] -> []', 'start')
  }
  for (const [i, e] of module.elems.entries()) {
    if (tables === 0) invalid('unknown table 0', `elem ${i}`)
    checkConst(e.offset, I32, numImportedGlobals, globalTypes, `elem ${i}`)
    for (const f of e.funcs) if (f >= funcTypes.length) invalid(`unknown function ${f}`, `elem ${i}`)
  }
  for (const [i, d] of module.datas.entries()) {
    if (memories === 0) invalid('unknown memory 0', `data ${i}`)
    checkConst(d.offset, I32, numImportedGlobals, globalTypes, `data ${i}`)
  }
  const ctx: BodyCtx = {
    module,
    funcTypes,
    typeIds,
    globalTypes,
    hasTable: tables > 0,
    hasMemory: memories > 0,
  }
  const funcs: CompiledFunc[] = []
  try {
    for (let i = 0; i < module.funcs.length; i++) {
      funcs.push(compileBody(ctx, numImportedFuncs + i, i, funcTypeIds[numImportedFuncs + i] as number))
    }
  } catch (e) {
    // The specification decodes the whole module before validating it: a malformed body
    // anywhere takes precedence over a validation error.
    if (e instanceof InvalidModuleError)
      for (const body of module.bodies) skimBody(module.bytes, body.codeStart, body.codeEnd)
    throw e
  }
  return {
    module,
    typeIds,
    funcTypes,
    numImportedFuncs,
    funcs,
    globalTypes,
    numImportedGlobals,
    hasTable: tables > 0,
    hasMemory: memories > 0,
  }
}

function checkLimits(l: { min: number; max: number | undefined }, bound: number, what: string): void {
  if (l.min > bound) invalid(`${what} size must be at most ${bound}`, what)
  if (l.max !== undefined) {
    if (l.max > bound) invalid(`${what} size must be at most ${bound}`, what)
    if (l.max < l.min) invalid('size minimum must not be greater than maximum', what)
  }
}

function checkConst(
  e: ConstExpr,
  type: ValType,
  numImportedGlobals: number,
  globals: readonly { type: ValType; mutable: boolean }[],
  where: string,
): void {
  if (e.kind === 'const') {
    if (e.type !== type) invalid('type mismatch in constant expression', where)
    return
  }
  if (e.index >= numImportedGlobals) invalid(`unknown global ${e.index} (only imported globals allowed)`, where)
  const g = globals[e.index]
  if (!g || g.type !== type) invalid('type mismatch in constant expression', where)
  if (g.mutable) invalid('constant expression required', where)
}

interface BodyCtx {
  module: WasmModule
  funcTypes: FuncType[]
  typeIds: readonly number[]
  globalTypes: { type: ValType; mutable: boolean }[]
  hasTable: boolean
  hasMemory: boolean
}

function compileBody(ctx: BodyCtx, index: number, defIndex: number, typeId: number): CompiledFunc {
  const { module } = ctx
  const body = module.bodies[defIndex]
  if (!body) throw new MalformedModuleError('function and code section have inconsistent lengths', 0)
  const type = ctx.funcTypes[index] as FuncType
  const localTypes = [...type.params, ...body.locals]
  const where = `function ${index}`
  const r = new Reader(module.bytes, body.codeStart, body.codeEnd)
  const cap = body.codeEnd - body.codeStart + 1
  const op = new Uint8Array(cap)
  const a = new Int32Array(cap)
  const b = new Int32Array(cap)
  const offset = new Uint32Array(cap)
  const table: number[] = []
  const vals: number[] = []
  const ctrls: Ctrl[] = []
  let maxHeight = 0
  let pc = 0

  const push = (t: number) => {
    vals.push(t)
    if (vals.length > maxHeight) maxHeight = vals.length
  }
  const popAny = (): number => {
    const c = ctrls[ctrls.length - 1] as Ctrl
    if (vals.length === c.height) {
      if (c.unreachable) return UNKNOWN
      invalid('type mismatch: operand stack underflow', `${where} pc ${pc}`)
    }
    return vals.pop() as number
  }
  const pop = (expect: number): number => {
    const actual = popAny()
    if (actual === UNKNOWN) return expect
    if (expect === UNKNOWN) return actual
    if (actual !== expect) invalid(`type mismatch: expected ${expect} got ${actual}`, `${where} pc ${pc}`)
    return actual
  }
  const pushCtrl = (kind: Ctrl['kind'], results: ValType[]) => {
    ctrls.push({
      kind,
      results,
      height: vals.length,
      unreachable: false,
      loopPc: pc + 1,
      patches: [],
      tablePatches: [],
      ifPc: kind === 2 ? pc : -1,
      elsePc: -1,
    })
  }
  const popCtrl = (): Ctrl => {
    const c = ctrls[ctrls.length - 1]
    if (!c) invalid('unexpected end', where)
    for (let i = c.results.length - 1; i >= 0; i--) pop(c.results[i] as number)
    if (vals.length !== c.height)
      invalid('type mismatch: values remaining on stack at end of block', `${where} pc ${pc}`)
    ctrls.pop()
    return c
  }
  const setUnreachable = () => {
    const c = ctrls[ctrls.length - 1] as Ctrl
    vals.length = c.height
    c.unreachable = true
  }
  const labelTypes = (c: Ctrl): ValType[] => (c.kind === 1 ? [] : c.results)
  const label = (depth: number): Ctrl => {
    const c = ctrls[ctrls.length - 1 - depth]
    if (!c) invalid(`unknown label ${depth}`, `${where} pc ${pc}`)
    return c
  }
  /** Encodes a branch to `c` into (target, height<<1|arity); targets of block ends are patched later. */
  const branchTo = (c: Ctrl, patchPc: number, tableWord: number) => {
    const arity = labelTypes(c).length
    const hb = (c.height << 1) | arity
    if (c.kind === 1) return [c.loopPc, hb] as const
    if (c.kind === 3) return [-1, hb] as const
    if (tableWord >= 0) c.tablePatches.push(tableWord)
    else c.patches.push(patchPc)
    return [0, hb] as const
  }
  const memarg = (natural: number) => {
    const align = r.uleb()
    const off = r.uleb()
    if (!ctx.hasMemory) invalid('unknown memory 0', `${where} pc ${pc}`)
    if (2 ** align > natural) invalid('alignment must not be larger than natural', `${where} pc ${pc}`)
    return off
  }
  const blockType = (): ValType[] => {
    const t = r.u8()
    if (t === 0x40) return []
    if (t === I32 || t === I64 || t === F32 || t === F64) return [t]
    return r.fail(`malformed block type 0x${t.toString(16)}`, r.pos - 1)
  }

  pushCtrl(3, [...type.results])
  while (ctrls.length > 0) {
    if (r.eof()) r.fail('unexpected end of function body (END opcode expected)')
    const at = r.pos
    const o = r.u8()
    offset[pc] = at
    op[pc] = o
    switch (o) {
      case 0x00:
        setUnreachable()
        break
      case 0x01:
        break
      case 0x02:
      case 0x03:
        pushCtrl(o === 0x02 ? 0 : 1, blockType())
        break
      case 0x04: {
        const bt = blockType()
        pop(I32)
        pushCtrl(2, bt)
        break
      }
      case 0x05: {
        const c = ctrls[ctrls.length - 1]
        if (c?.kind !== 2 || c.elsePc >= 0) invalid('else without matching if', `${where} pc ${pc}`)
        for (let i = c.results.length - 1; i >= 0; i--) pop(c.results[i] as number)
        if (vals.length !== c.height) invalid('type mismatch: values remaining at else', `${where} pc ${pc}`)
        c.elsePc = pc
        c.unreachable = false
        a[c.ifPc] = pc + 1 // if-false lands after the else
        break
      }
      case 0x0b: {
        const c = popCtrl()
        if (c.kind === 2 && c.elsePc < 0) {
          if (c.results.length !== 0)
            invalid('type mismatch: if without else must have empty result', `${where} pc ${pc}`)
          a[c.ifPc] = pc // if-false executes the end
        }
        if (c.kind === 2 && c.elsePc >= 0) a[c.elsePc] = pc // else (reached from then) jumps to the end
        for (const p of c.patches) a[p] = pc + 1
        for (const w of c.tablePatches) table[w] = pc + 1
        // Function end: 1 | arity << 1 (returns). Block/if end: 2 when a branch targets its label
        // (the next instruction is then a branch target and starts a gas segment).
        b[pc] = c.kind === 3 ? 1 | (type.results.length << 1) : c.patches.length || c.tablePatches.length ? 2 : 0
        for (const t of c.results) push(t)
        break
      }
      case 0x0c:
      case 0x0d: {
        const depth = r.uleb()
        const c = label(depth)
        if (o === 0x0d) pop(I32)
        const lt = labelTypes(c)
        for (let i = lt.length - 1; i >= 0; i--) pop(lt[i] as number)
        const [t, hb] = branchTo(c, pc, -1)
        a[pc] = t
        b[pc] = hb
        if (o === 0x0c) setUnreachable()
        else for (const x of lt) push(x)
        break
      }
      case 0x0e: {
        const n = r.uleb()
        if (n > 100000) r.fail('br_table too large')
        const depths: number[] = []
        for (let i = 0; i <= n; i++) depths.push(r.uleb())
        pop(I32)
        const dflt = label(depths[n] as number)
        const arity = labelTypes(dflt)
        a[pc] = table.length
        table.push(n)
        for (const d of depths) {
          const c = label(d)
          const lt = labelTypes(c)
          if (lt.length !== arity.length || lt.some((x, i) => x !== arity[i]))
            invalid('type mismatch: br_table targets differ', `${where} pc ${pc}`)
          const w = table.length
          table.push(0, 0)
          const [t, hb] = branchTo(c, pc, w)
          table[w] = t
          table[w + 1] = hb
        }
        for (let i = arity.length - 1; i >= 0; i--) pop(arity[i] as number)
        setUnreachable()
        break
      }
      case 0x0f: {
        for (let i = type.results.length - 1; i >= 0; i--) pop(type.results[i] as number)
        b[pc] = type.results.length
        setUnreachable()
        break
      }
      case 0x10: {
        const f = r.uleb()
        const ft = ctx.funcTypes[f]
        if (!ft) invalid(`unknown function ${f}`, `${where} pc ${pc}`)
        for (let i = ft.params.length - 1; i >= 0; i--) pop(ft.params[i] as number)
        for (const t of ft.results) push(t)
        a[pc] = f
        break
      }
      case 0x11: {
        const ti = r.uleb()
        if (r.u8() !== 0) r.fail('zero flag expected (call_indirect reserved byte)', r.pos - 1)
        if (!ctx.hasTable) invalid('unknown table 0', `${where} pc ${pc}`)
        const ft = module.types[ti]
        if (!ft) invalid(`unknown type ${ti}`, `${where} pc ${pc}`)
        pop(I32)
        for (let i = ft.params.length - 1; i >= 0; i--) pop(ft.params[i] as number)
        for (const t of ft.results) push(t)
        a[pc] = ctx.typeIds[ti] as number
        b[pc] = ti
        break
      }
      case 0x1a:
        popAny()
        break
      case 0x1b: {
        pop(I32)
        const t1 = popAny()
        const t2 = popAny()
        if (t1 !== UNKNOWN && t2 !== UNKNOWN && t1 !== t2) invalid('type mismatch in select', `${where} pc ${pc}`)
        push(t1 === UNKNOWN ? t2 : t1)
        break
      }
      case 0x20:
      case 0x21:
      case 0x22: {
        const i = r.uleb()
        const t = localTypes[i]
        if (t === undefined) invalid(`unknown local ${i}`, `${where} pc ${pc}`)
        if (o === 0x20) push(t)
        else {
          pop(t)
          if (o === 0x22) push(t)
        }
        a[pc] = i
        break
      }
      case 0x23:
      case 0x24: {
        const i = r.uleb()
        const g = ctx.globalTypes[i]
        if (!g) invalid(`unknown global ${i}`, `${where} pc ${pc}`)
        if (o === 0x23) push(g.type)
        else {
          if (!g.mutable) invalid('global is immutable', `${where} pc ${pc}`)
          pop(g.type)
        }
        a[pc] = i
        break
      }
      case 0x3f:
      case 0x40: {
        if (r.u8() !== 0) r.fail('zero flag expected (memory reserved byte)', r.pos - 1)
        if (!ctx.hasMemory) invalid('unknown memory 0', `${where} pc ${pc}`)
        if (o === 0x40) pop(I32)
        push(I32)
        break
      }
      case 0x41:
        a[pc] = r.s32()
        push(I32)
        break
      case 0x42: {
        const v = BigInt.asUintN(64, r.sleb(64))
        a[pc] = Number(v & 0xffffffffn) | 0
        b[pc] = Number(v >> 32n) | 0
        push(I64)
        break
      }
      case 0x43: {
        const x = r.bytesN(4)
        a[pc] = new DataView(x.buffer, x.byteOffset, 4).getInt32(0, true)
        push(F32)
        break
      }
      case 0x44: {
        const x = r.bytesN(8)
        const dv = new DataView(x.buffer, x.byteOffset, 8)
        a[pc] = dv.getInt32(0, true)
        b[pc] = dv.getInt32(4, true)
        push(F64)
        break
      }
      default: {
        const m = MEMOP[o]
        if (m) {
          a[pc] = memarg(m[1])
          if (o <= 0x35) {
            pop(I32)
            push(m[0])
          } else {
            pop(m[0])
            pop(I32)
          }
          break
        }
        const s = SIG.get(o)
        if (s) {
          for (let i = s[0].length - 1; i >= 0; i--) pop(s[0][i] as number)
          push(s[1])
          break
        }
        if (o >= 0xc0 && o <= 0xc4)
          throw new UnsupportedFeatureError('sign-extension', `opcode 0x${o.toString(16)} at ${at}`)
        if (o === 0xfc || o === 0xfd || o === 0xd0 || o === 0xd1 || o === 0xd2 || o === 0x12 || o === 0x13)
          r.fail(`illegal opcode 0x${o.toString(16)} (post-MVP feature)`, at)
        r.fail(`illegal opcode 0x${o.toString(16)}`, at)
      }
    }
    pc++
  }
  if (!r.eof()) r.fail('operators remaining after end of function', r.pos)
  const count = pc
  const localCount = localTypes.length
  return {
    index,
    type,
    typeId,
    localTypes,
    op: op.slice(0, count),
    a: a.slice(0, count),
    b: b.slice(0, count),
    offset: offset.slice(0, count),
    brTable: Int32Array.from(table),
    maxHeight,
    frameSize: FRAME_OVERHEAD + localCount + maxHeight,
  }
}

/** Decodes a body's instructions without validating them (binary-format errors only). */
function skimBody(bytes: Uint8Array, start: number, end: number): void {
  const r = new Reader(bytes, start, end)
  let depth = 1
  while (depth > 0) {
    const o = r.u8()
    if (o === 0x02 || o === 0x03 || o === 0x04) {
      const t = r.u8()
      if (t !== 0x40 && t !== I32 && t !== I64 && t !== F32 && t !== F64) r.fail('malformed block type', r.pos - 1)
      depth++
    } else if (o === 0x0b) depth--
    else if (o === 0x0c || o === 0x0d || (o >= 0x20 && o <= 0x24) || o === 0x10) r.uleb()
    else if (o === 0x0e) {
      const n = r.uleb()
      for (let i = 0; i <= n; i++) r.uleb()
    } else if (o === 0x11) {
      r.uleb()
      if (r.u8() !== 0) r.fail('zero flag expected', r.pos - 1)
    } else if (o >= 0x28 && o <= 0x3e) {
      r.uleb()
      r.uleb()
    } else if (o === 0x3f || o === 0x40) {
      if (r.u8() !== 0) r.fail('zero flag expected', r.pos - 1)
    } else if (o === 0x41) r.sleb(32)
    else if (o === 0x42) r.sleb(64)
    else if (o === 0x43) r.bytesN(4)
    else if (o === 0x44) r.bytesN(8)
    else if (
      o > 0xbf ||
      (o > 0x11 && o < 0x1a) ||
      (o > 0x1b && o < 0x20) ||
      (o > 0x05 && o < 0x0b) ||
      (o > 0x24 && o < 0x28)
    )
      r.fail(`illegal opcode 0x${o.toString(16)}`, r.pos - 1)
  }
  if (!r.eof()) r.fail('operators remaining after end of function', r.pos)
}
