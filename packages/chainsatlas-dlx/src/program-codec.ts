// The program image as bytes (the "bytecode" a client submits): a fixed header, then .text and .data.
import { StateDecodeError } from './errors.js'
import type { Program } from './program.js'

export const PROGRAM_MAGIC = 0x444c5850 // "DLXP"
const HEADER = 4 + 4 * 5

/** magic u32 | textBase u32 | textLength u32 | dataBase u32 | dataLength u32 | entry u32 | text | data (big-endian). */
export function encodeProgram(p: Program): Uint8Array {
  const out = new Uint8Array(HEADER + p.text.length + p.data.length)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, PROGRAM_MAGIC)
  dv.setUint32(4, p.textBase)
  dv.setUint32(8, p.text.length)
  dv.setUint32(12, p.dataBase)
  dv.setUint32(16, p.data.length)
  dv.setUint32(20, p.entry)
  out.set(p.text, HEADER)
  out.set(p.data, HEADER + p.text.length)
  return out
}

export function decodeProgram(bytes: Uint8Array): Program {
  if (bytes.length < HEADER) throw new StateDecodeError('program.length', 0, `>= ${HEADER} bytes`, bytes.length)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = dv.getUint32(0)
  if (magic !== PROGRAM_MAGIC) throw new StateDecodeError('program.magic', 0, '0x444c5850', `0x${magic.toString(16)}`)
  const textLength = dv.getUint32(8)
  const dataLength = dv.getUint32(16)
  if (HEADER + textLength + dataLength !== bytes.length)
    throw new StateDecodeError('program.length', 8, `${HEADER + textLength + dataLength} bytes`, bytes.length)
  return {
    textBase: dv.getUint32(4),
    text: bytes.slice(HEADER, HEADER + textLength),
    dataBase: dv.getUint32(12),
    data: bytes.slice(HEADER + textLength),
    entry: dv.getUint32(20),
    symbols: {},
  }
}
