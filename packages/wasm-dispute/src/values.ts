// WebAssembly values as exact bit patterns, and conversion to/from the raw 8-byte slots.
import { F32, F64, I32, I64, type ValType } from './decode.js'
import { ArgumentError } from './errors.js'
import type { Slots } from './numeric.js'

export type ValueTypeName = 'i32' | 'i64' | 'f32' | 'f64'

/** A WebAssembly value by its bit pattern (unsigned): i32/f32 in 32 bits, i64/f64 in 64 bits. */
export interface WasmValue {
  readonly type: ValueTypeName
  readonly bits: bigint
}

export const TYPE_NAME: Record<ValType, ValueTypeName> = { [I32]: 'i32', [I64]: 'i64', [F32]: 'f32', [F64]: 'f64' }
export const TYPE_CODE: Record<ValueTypeName, ValType> = { i32: I32, i64: I64, f32: F32, f64: F64 }

export function writeSlot(S: Slots, k: number, v: WasmValue): void {
  S.u64[k] = v.type === 'i32' || v.type === 'f32' ? BigInt.asUintN(32, v.bits) : BigInt.asUintN(64, v.bits)
}

export function readSlot(S: Slots, k: number, type: ValType): WasmValue {
  const raw = S.u64[k] as bigint
  const name = TYPE_NAME[type]
  return { type: name, bits: type === I32 || type === F32 ? raw & 0xffffffffn : raw }
}

/** Builds a value from a JS number (i32/f32/f64) or bigint (i64). */
export function value(type: ValueTypeName, v: number | bigint): WasmValue {
  const dv = new DataView(new ArrayBuffer(8))
  switch (type) {
    case 'i32':
      return { type, bits: BigInt.asUintN(32, BigInt(v)) }
    case 'i64':
      return { type, bits: BigInt.asUintN(64, BigInt(v)) }
    case 'f32':
      dv.setFloat32(0, Number(v), true)
      return { type, bits: BigInt(dv.getUint32(0, true)) }
    case 'f64':
      dv.setFloat64(0, Number(v), true)
      return { type, bits: dv.getBigUint64(0, true) }
  }
}

/** Parses `TYPE:VALUE` as used by the CLI (i32:5, i64:-1, f64:1.5). */
export function parseValue(text: string, expected: ValType): WasmValue {
  const m = /^(?:(i32|i64|f32|f64):)?(.+)$/.exec(text)
  const type = (m?.[1] as ValueTypeName | undefined) ?? TYPE_NAME[expected]
  if (!m || TYPE_CODE[type] !== expected) throw new ArgumentError(`expected a ${TYPE_NAME[expected]}`, text)
  const body = m[2] as string
  try {
    if (type === 'i32' || type === 'i64') return value(type, BigInt(body))
  } catch (_e) {
    throw new ArgumentError(`not an integer: ${body}`, text)
  }
  const n = Number(body)
  if (Number.isNaN(n) && body !== 'nan') throw new ArgumentError(`not a number: ${body}`, text)
  return value(type, n)
}

/** JS view of a value for display: i32 signed number, i64 signed bigint string, floats as numbers. */
export function display(v: WasmValue): string {
  const dv = new DataView(new ArrayBuffer(8))
  switch (v.type) {
    case 'i32':
      return String(BigInt.asIntN(32, v.bits))
    case 'i64':
      return String(BigInt.asIntN(64, v.bits))
    case 'f32':
      dv.setUint32(0, Number(v.bits), true)
      return String(dv.getFloat32(0, true))
    case 'f64':
      dv.setBigUint64(0, v.bits, true)
      return String(dv.getFloat64(0, true))
  }
}
