// WebAssembly 1.0 (MVP) binary decoder: sections, types, imports, exports, segments and
// function bodies (kept as byte ranges; instructions are decoded by the validator).
// Follows the WebAssembly Core Specification 1.0, chapter 5 (Binary Format).
import { MalformedModuleError } from './errors.js'

export const I32 = 0x7f
export const I64 = 0x7e
export const F32 = 0x7d
export const F64 = 0x7c
export type ValType = 0x7f | 0x7e | 0x7d | 0x7c

export interface FuncType {
  readonly params: readonly ValType[]
  readonly results: readonly ValType[]
}
export interface Limits {
  readonly min: number
  readonly max: number | undefined
}
export type ConstExpr =
  | { readonly kind: 'const'; readonly type: ValType; readonly lo: number; readonly hi: number }
  | { readonly kind: 'global'; readonly index: number }
export type ImportDesc =
  | { readonly kind: 'func'; readonly typeIndex: number }
  | { readonly kind: 'table'; readonly limits: Limits }
  | { readonly kind: 'memory'; readonly limits: Limits }
  | { readonly kind: 'global'; readonly type: ValType; readonly mutable: boolean }
export interface Import {
  readonly module: string
  readonly name: string
  readonly desc: ImportDesc
}
export interface GlobalDef {
  readonly type: ValType
  readonly mutable: boolean
  readonly init: ConstExpr
}
export interface Export {
  readonly name: string
  readonly kind: 'func' | 'table' | 'memory' | 'global'
  readonly index: number
}
export interface ElemSegment {
  readonly offset: ConstExpr
  readonly funcs: readonly number[]
}
export interface DataSegment {
  readonly offset: ConstExpr
  readonly bytes: Uint8Array
}
export interface FuncBody {
  /** Declared locals (excluding parameters), expanded. */
  readonly locals: readonly ValType[]
  /** Absolute offset in the module of the first instruction of the body. */
  readonly codeStart: number
  /** Absolute offset one past the final `end`. */
  readonly codeEnd: number
}
export interface WasmModule {
  readonly bytes: Uint8Array
  readonly types: readonly FuncType[]
  readonly imports: readonly Import[]
  /** Type index of each module-defined function. */
  readonly funcs: readonly number[]
  readonly tables: readonly Limits[]
  readonly memories: readonly Limits[]
  readonly globals: readonly GlobalDef[]
  readonly exports: readonly Export[]
  readonly start: number | undefined
  readonly elems: readonly ElemSegment[]
  readonly datas: readonly DataSegment[]
  readonly bodies: readonly FuncBody[]
  /** Absolute offset of the code section's id byte, its payload start and end (for instrumentation). */
  readonly sections: readonly { id: number; start: number; payloadStart: number; end: number }[]
}

/** A cursor over module bytes; every read is bounds-checked and reports a typed error. */
export class Reader {
  pos: number
  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    public end = bytes.length,
  ) {
    this.pos = pos
  }
  fail(reason: string, at = this.pos): never {
    throw new MalformedModuleError(reason, at)
  }
  eof(): boolean {
    return this.pos >= this.end
  }
  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end')
    return this.bytes[this.pos++] as number
  }
  /** Unsigned LEB128 of at most `bits` bits. */
  uleb(bits = 32): number {
    let result = 0
    let shift = 0
    const maxBytes = Math.ceil(bits / 7)
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail('integer representation too long')
      const b = this.u8()
      if (i === maxBytes - 1) {
        const usedBits = bits - 7 * i
        if (b & 0x80) this.fail('integer representation too long')
        if (b >> usedBits !== 0) this.fail('integer too large')
      }
      result += (b & 0x7f) * 2 ** shift
      shift += 7
      if ((b & 0x80) === 0) return result
    }
  }
  /** Signed LEB128 returned as a bigint of `bits` bits. */
  sleb(bits: number): bigint {
    let result = 0n
    let shift = 0n
    const maxBytes = Math.ceil(bits / 7)
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail('integer representation too long')
      const b = this.u8()
      if (i === maxBytes - 1) {
        if (b & 0x80) this.fail('integer representation too long')
        // Unused bits of the last byte must all equal the sign bit.
        const usedBits = bits - 7 * i
        const rest = b >> (usedBits - 1)
        const allOnes = (0x7f >> (usedBits - 1)) & 0x7f
        if (rest !== 0 && rest !== allOnes) this.fail('integer too large')
      }
      result |= BigInt(b & 0x7f) << shift
      shift += 7n
      if ((b & 0x80) === 0) {
        if (shift < BigInt(bits) + 7n && b & 0x40) result -= 1n << shift
        return BigInt.asIntN(bits, result)
      }
    }
  }
  s32(): number {
    return Number(this.sleb(32))
  }
  bytesN(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail('unexpected end of section or function / length out of bounds')
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
  name(): string {
    const n = this.uleb()
    const raw = this.bytesN(n)
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw)
    } catch {
      return this.fail('malformed UTF-8 encoding', this.pos - n)
    }
  }
  valtype(): ValType {
    const b = this.u8()
    if (b === I32 || b === I64 || b === F32 || b === F64) return b
    return this.fail(`malformed value type 0x${b.toString(16)}`, this.pos - 1)
  }
  limits(): Limits {
    const flag = this.u8()
    if (flag === 0) return { min: this.uleb(), max: undefined }
    if (flag === 1) {
      const min = this.uleb()
      return { min, max: this.uleb() }
    }
    return this.fail(`malformed limits flag ${flag}`, this.pos - 1)
  }
}

function constExpr(r: Reader): ConstExpr {
  const op = r.u8()
  let e: ConstExpr
  if (op === 0x41) {
    e = { kind: 'const', type: I32, lo: r.s32(), hi: 0 }
  } else if (op === 0x42) {
    const v = BigInt.asUintN(64, r.sleb(64))
    e = { kind: 'const', type: I64, lo: Number(v & 0xffffffffn) | 0, hi: Number(v >> 32n) | 0 }
  } else if (op === 0x43) {
    const b = r.bytesN(4)
    e = { kind: 'const', type: F32, lo: new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true), hi: 0 }
  } else if (op === 0x44) {
    const b = r.bytesN(8)
    const dv = new DataView(b.buffer, b.byteOffset, 8)
    e = { kind: 'const', type: F64, lo: dv.getInt32(0, true), hi: dv.getInt32(4, true) }
  } else if (op === 0x23) {
    e = { kind: 'global', index: r.uleb() }
  } else {
    // Any other instruction in a constant expression is a validation error, not malformedness,
    // but the MVP binary grammar only allows these; report it as invalid via a marker.
    throw new ConstExprError(op, r.pos - 1)
  }
  if (r.u8() !== 0x0b) throw new ConstExprError(-1, r.pos - 1)
  return e
}

/** Raised for a constant expression with a non-constant instruction (the validator maps it to InvalidModuleError). */
export class ConstExprError extends Error {
  override name = 'ConstExprError'
  constructor(
    readonly op: number,
    readonly offset: number,
  ) {
    super(`constant expression required (opcode ${op} at ${offset})`)
  }
}

/** Decodes a binary module. Throws MalformedModuleError on any binary-format violation. */
export function decodeModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes)
  if (bytes.length < 4) r.fail('unexpected end')
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    r.fail('magic header not detected', 0)
  r.pos = 4
  if (bytes.length < 8) r.fail('unexpected end')
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) r.fail('unknown binary version', 4)
  r.pos = 8
  const types: FuncType[] = []
  const imports: Import[] = []
  let funcs: number[] = []
  const tables: Limits[] = []
  const memories: Limits[] = []
  const globals: GlobalDef[] = []
  const exports: Export[] = []
  let start: number | undefined
  const elems: ElemSegment[] = []
  const datas: DataSegment[] = []
  const bodies: FuncBody[] = []
  const sections: { id: number; start: number; payloadStart: number; end: number }[] = []
  let lastId = 0
  let sawFunc = false
  let sawCode = false
  while (!r.eof()) {
    const secStart = r.pos
    const id = r.u8()
    const size = r.uleb()
    const payloadStart = r.pos
    if (size > bytes.length - r.pos) r.fail('section size out of bounds / unexpected end', payloadStart)
    const end = r.pos + size
    sections.push({ id, start: secStart, payloadStart, end })
    if (id > 11) r.fail(`malformed section id ${id}`, secStart)
    if (id !== 0) {
      if (id <= lastId) r.fail('junk after last section / out-of-order section', secStart)
      lastId = id
    }
    const s = new Reader(bytes, payloadStart, end)
    switch (id) {
      case 0: {
        s.name()
        s.pos = end
        break
      }
      case 1: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          if (s.u8() !== 0x60) s.fail('malformed function type form', s.pos - 1)
          const np = s.uleb()
          const params: ValType[] = []
          for (let j = 0; j < np; j++) params.push(s.valtype())
          const nr = s.uleb()
          const results: ValType[] = []
          for (let j = 0; j < nr; j++) results.push(s.valtype())
          types.push({ params, results })
        }
        break
      }
      case 2: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          const module = s.name()
          const name = s.name()
          const kind = s.u8()
          let desc: ImportDesc
          if (kind === 0) desc = { kind: 'func', typeIndex: s.uleb() }
          else if (kind === 1) {
            if (s.u8() !== 0x70) s.fail('malformed element type', s.pos - 1)
            desc = { kind: 'table', limits: s.limits() }
          } else if (kind === 2) desc = { kind: 'memory', limits: s.limits() }
          else if (kind === 3) {
            const type = s.valtype()
            const m = s.u8()
            if (m > 1) s.fail('malformed mutability', s.pos - 1)
            desc = { kind: 'global', type, mutable: m === 1 }
          } else desc = s.fail(`malformed import kind ${kind}`, s.pos - 1)
          imports.push({ module, name, desc })
        }
        break
      }
      case 3: {
        sawFunc = true
        const n = s.uleb()
        funcs = []
        for (let i = 0; i < n; i++) funcs.push(s.uleb())
        break
      }
      case 4: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          if (s.u8() !== 0x70) s.fail('malformed element type', s.pos - 1)
          tables.push(s.limits())
        }
        break
      }
      case 5: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) memories.push(s.limits())
        break
      }
      case 6: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          const type = s.valtype()
          const m = s.u8()
          if (m > 1) s.fail('malformed mutability', s.pos - 1)
          globals.push({ type, mutable: m === 1, init: constExpr(s) })
        }
        break
      }
      case 7: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          const name = s.name()
          const k = s.u8()
          if (k > 3) s.fail(`malformed export kind ${k}`, s.pos - 1)
          const kind = (['func', 'table', 'memory', 'global'] as const)[k] as Export['kind']
          exports.push({ name, kind, index: s.uleb() })
        }
        break
      }
      case 8: {
        start = s.uleb()
        break
      }
      case 9: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          const t = s.uleb()
          if (t !== 0) s.fail('malformed table index (MVP allows only 0)', s.pos - 1)
          const offset = constExpr(s)
          const k = s.uleb()
          const fs: number[] = []
          for (let j = 0; j < k; j++) fs.push(s.uleb())
          elems.push({ offset, funcs: fs })
        }
        break
      }
      case 10: {
        sawCode = true
        const n = s.uleb()
        if (n !== funcs.length) s.fail('function and code section have inconsistent lengths')
        for (let i = 0; i < n; i++) {
          const size = s.uleb()
          const bodyEnd = s.pos + size
          if (size > s.end - s.pos) s.fail('unexpected end of section or function')
          const b = new Reader(bytes, s.pos, bodyEnd)
          const groups = b.uleb()
          const locals: ValType[] = []
          let total = 0
          for (let g = 0; g < groups; g++) {
            const c = b.uleb()
            total += c
            if (total > 50000) {
              if (total > 0xffffffff) b.fail('too many locals')
              // Determinism limit: frames are bounded by the stack limit anyway.
              throw new TooManyLocalsError(total, b.pos)
            }
            const t = b.valtype()
            for (let j = 0; j < c; j++) locals.push(t)
          }
          if (bodyEnd === b.pos || bytes[bodyEnd - 1] !== 0x0b) b.fail('END opcode expected', bodyEnd - 1)
          bodies.push({ locals, codeStart: b.pos, codeEnd: bodyEnd })
          s.pos = bodyEnd
        }
        break
      }
      case 11: {
        const n = s.uleb()
        for (let i = 0; i < n; i++) {
          const m = s.uleb()
          if (m !== 0) s.fail('malformed memory index (MVP allows only 0)', s.pos - 1)
          const offset = constExpr(s)
          const len = s.uleb()
          datas.push({ offset, bytes: s.bytesN(len) })
        }
        break
      }
    }
    if (s.pos !== end) s.fail('section size mismatch', s.pos)
    r.pos = end
  }
  if (sawFunc && !sawCode && funcs.length > 0) r.fail('function and code section have inconsistent lengths')
  if (!sawCode && funcs.length !== 0) r.fail('function and code section have inconsistent lengths')
  return { bytes, types, imports, funcs, tables, memories, globals, exports, start, elems, datas, bodies, sections }
}

/** A body declaring more locals than the deterministic limit allows (50,000). */
export class TooManyLocalsError extends MalformedModuleError {
  constructor(count: number, offset: number) {
    super(`too many locals (${count}; the deterministic limit is 50000)`, offset)
  }
}
