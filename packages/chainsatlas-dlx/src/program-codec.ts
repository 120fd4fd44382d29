// The program image as bytes (the "bytecode" a client submits), layout `programLayout` in layouts.ts.
import { deserialize, serialize } from 'binary-layout'
import { StateDecodeError } from './errors.js'
import { programLayout } from './layouts.js'
import type { Program } from './program.js'

export const PROGRAM_MAGIC = 0x444c5850 // "DLXP"

/** magic u32 | textBase u32 | dataBase u32 | entry u32 | textLength u32 | text | dataLength u32 | data (big-endian). */
export function encodeProgram(p: Program): Uint8Array {
  return serialize(programLayout, {
    magic: PROGRAM_MAGIC,
    textBase: p.textBase,
    dataBase: p.dataBase,
    entry: p.entry,
    text: p.text,
    data: p.data,
  })
}

/** Decodes a program image; bad bytes throw {@link StateDecodeError}, never a half-built program. */
export function decodeProgram(bytes: Uint8Array): Program {
  if (bytes.length < 24) throw new StateDecodeError('program.length', 0, '>= 24 bytes', bytes.length)
  const magic = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  if (magic !== PROGRAM_MAGIC) throw new StateDecodeError('program.magic', 0, '0x444c5850', `0x${magic.toString(16)}`)
  let image: ReturnType<typeof deserialize<typeof programLayout>>
  try {
    image = deserialize(programLayout, bytes)
  } catch (cause) {
    throw new StateDecodeError(
      'program.sections',
      16,
      'length-prefixed .text and .data filling the image',
      String(cause),
    )
  }
  return {
    textBase: image.textBase,
    text: image.text.slice(),
    dataBase: image.dataBase,
    data: image.data.slice(),
    entry: image.entry,
    symbols: {},
  }
}
