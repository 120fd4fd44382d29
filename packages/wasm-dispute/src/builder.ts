// A small binary-module builder (WebAssembly 1.0 binary format) for examples, tests and
// benchmarks: functions with raw body bytes, one memory, globals, a table, data and exports.
import type { ValType } from './decode.js'

export function uleb(n: number | bigint): number[] {
  let v = BigInt(n)
  const out: number[] = []
  do {
    let b = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) b |= 0x80
    out.push(b)
  } while (v !== 0n)
  return out
}

export function sleb(n: number | bigint): number[] {
  let v = BigInt(n)
  const out: number[] = []
  for (;;) {
    const b = Number(v & 0x7fn)
    v >>= 7n
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b)
      return out
    }
    out.push(b | 0x80)
  }
}

export interface FuncSpec {
  readonly params?: readonly ValType[]
  readonly results?: readonly ValType[]
  readonly locals?: readonly ValType[]
  /** Instruction bytes, without the final `end` (added by the builder). */
  readonly body: readonly number[]
  readonly export?: string
}

export interface ModuleSpec {
  readonly funcs: readonly FuncSpec[]
  readonly memory?: { readonly min: number; readonly max?: number; readonly export?: string }
  readonly globals?: readonly { readonly type: ValType; readonly mutable: boolean; readonly init: number | bigint }[]
  /** Function indexes placed in the table from slot 0. */
  readonly table?: readonly number[]
  readonly data?: readonly { readonly offset: number; readonly bytes: readonly number[] }[]
  readonly start?: number
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload]
}
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()]
}
function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)]
  return [...uleb(b.length), ...b]
}
function constInit(type: ValType, v: number | bigint): number[] {
  if (type === 0x7f) return [0x41, ...sleb(v), 0x0b]
  if (type === 0x7e) return [0x42, ...sleb(v), 0x0b]
  const dv = new DataView(new ArrayBuffer(8))
  if (type === 0x7d) {
    dv.setFloat32(0, Number(v), true)
    return [0x43, ...new Uint8Array(dv.buffer, 0, 4), 0x0b]
  }
  dv.setFloat64(0, Number(v), true)
  return [0x44, ...new Uint8Array(dv.buffer), 0x0b]
}

/** Encodes a module. Each function gets its own type entry (duplicates are harmless). */
export function buildModule(spec: ModuleSpec): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  out.push(
    ...section(
      1,
      vec(
        spec.funcs.map((f) => [
          0x60,
          ...vec((f.params ?? []).map((t) => [t])),
          ...vec((f.results ?? []).map((t) => [t])),
        ]),
      ),
    ),
  )
  out.push(...section(3, vec(spec.funcs.map((_, i) => uleb(i)))))
  if (spec.table) out.push(...section(4, vec([[0x70, 0x00, ...uleb(spec.table.length)]])))
  if (spec.memory) {
    const m = spec.memory
    out.push(
      ...section(5, vec([m.max === undefined ? [0x00, ...uleb(m.min)] : [0x01, ...uleb(m.min), ...uleb(m.max)]])),
    )
  }
  if (spec.globals?.length)
    out.push(...section(6, vec(spec.globals.map((g) => [g.type, g.mutable ? 1 : 0, ...constInit(g.type, g.init)]))))
  const exports: number[][] = []
  spec.funcs.forEach((f, i) => {
    if (f.export) exports.push([...name(f.export), 0x00, ...uleb(i)])
  })
  if (spec.memory?.export) exports.push([...name(spec.memory.export), 0x02, 0x00])
  out.push(...section(7, vec(exports)))
  if (spec.start !== undefined) out.push(...section(8, uleb(spec.start)))
  if (spec.table?.length)
    out.push(...section(9, vec([[0x00, 0x41, 0x00, 0x0b, ...vec(spec.table.map((i) => uleb(i)))]])))
  out.push(
    ...section(
      10,
      vec(
        spec.funcs.map((f) => {
          const locals = (f.locals ?? []).map((t) => [1, t])
          const body = [...vec(locals), ...f.body, 0x0b]
          return [...uleb(body.length), ...body]
        }),
      ),
    ),
  )
  if (spec.data?.length)
    out.push(
      ...section(11, vec(spec.data.map((d) => [0x00, 0x41, ...sleb(d.offset), 0x0b, ...vec(d.bytes.map((b) => [b]))]))),
    )
  return new Uint8Array(out)
}

/** Opcodes by name, for readable bodies in examples and tests. */
export const op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  i32_load: 0x28,
  i64_load: 0x29,
  i32_load8_u: 0x2d,
  i32_store: 0x36,
  i64_store: 0x37,
  i32_store8: 0x3a,
  memory_size: 0x3f,
  memory_grow: 0x40,
  i32_const: 0x41,
  i64_const: 0x42,
  f64_const: 0x44,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_u: 0x76,
  i32_rotl: 0x77,
  i64_add: 0x7c,
  i64_mul: 0x7e,
  i64_xor: 0x85,
  f64_add: 0xa0,
  f64_mul: 0xa2,
  f64_div: 0xa3,
  f64_sqrt: 0x9f,
  i32_wrap_i64: 0xa7,
  i32_trunc_f64_s: 0xaa,
  i64_extend_i32_u: 0xad,
  f64_convert_i32_s: 0xb7,
  i64_reinterpret_f64: 0xbd,
} as const
