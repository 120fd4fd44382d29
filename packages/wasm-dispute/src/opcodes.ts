// Static opcode tables of the MVP: numeric signatures (0x45..0xbf) and memory accesses.
import { F32, F64, I32, I64, type ValType } from './decode.js'

// Numeric opcode signatures: [operand types..., result] for 0x45..0xbf.
export const SIG = new Map<number, [ValType[], ValType | 0]>()
function sig(from: number, to: number, ins: ValType[], out: ValType): void {
  for (let o = from; o <= to; o++) SIG.set(o, [ins, out])
}
sig(0x45, 0x45, [I32], I32)
sig(0x46, 0x4f, [I32, I32], I32)
sig(0x50, 0x50, [I64], I32)
sig(0x51, 0x5a, [I64, I64], I32)
sig(0x5b, 0x60, [F32, F32], I32)
sig(0x61, 0x66, [F64, F64], I32)
sig(0x67, 0x69, [I32], I32)
sig(0x6a, 0x78, [I32, I32], I32)
sig(0x79, 0x7b, [I64], I64)
sig(0x7c, 0x8a, [I64, I64], I64)
sig(0x8b, 0x91, [F32], F32)
sig(0x92, 0x98, [F32, F32], F32)
sig(0x99, 0x9f, [F64], F64)
sig(0xa0, 0xa6, [F64, F64], F64)
sig(0xa7, 0xa7, [I64], I32)
sig(0xa8, 0xa9, [F32], I32)
sig(0xaa, 0xab, [F64], I32)
sig(0xac, 0xad, [I32], I64)
sig(0xae, 0xaf, [F32], I64)
sig(0xb0, 0xb1, [F64], I64)
sig(0xb2, 0xb3, [I32], F32)
sig(0xb4, 0xb5, [I64], F32)
sig(0xb6, 0xb6, [F64], F32)
sig(0xb7, 0xb8, [I32], F64)
sig(0xb9, 0xba, [I64], F64)
sig(0xbb, 0xbb, [F32], F64)
sig(0xbc, 0xbc, [F32], I32)
sig(0xbd, 0xbd, [F64], I64)
sig(0xbe, 0xbe, [I32], F32)
sig(0xbf, 0xbf, [I64], F64)

/** Loads 0x28..0x35 and stores 0x36..0x3e: [value type, access bytes]. */
export const MEMOP: Record<number, [ValType, number]> = {
  40: [I32, 4],
  41: [I64, 8],
  42: [F32, 4],
  43: [F64, 8],
  44: [I32, 1],
  45: [I32, 1],
  46: [I32, 2],
  47: [I32, 2],
  48: [I64, 1],
  49: [I64, 1],
  50: [I64, 2],
  51: [I64, 2],
  52: [I64, 4],
  53: [I64, 4],
  54: [I32, 4],
  55: [I64, 8],
  56: [F32, 4],
  57: [F64, 8],
  58: [I32, 1],
  59: [I32, 2],
  60: [I64, 1],
  61: [I64, 2],
  62: [I64, 4],
}
