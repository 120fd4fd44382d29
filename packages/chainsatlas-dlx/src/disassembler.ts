// DLX disassembler. Its output reassembles to the same bytes: words that no instruction encodes
// canonically (reserved opcodes, non-zero unused fields, FP instructions) come out as `.word`.
import {
  BY_FP_FUNCT,
  BY_FUNCT,
  BY_OP,
  encodeI,
  encodeJ,
  encodeR,
  type InstructionInfo,
  imm16Of,
  off26Of,
  rdOf,
  rs1Of,
  rs2Of,
  uimm16Of,
} from './isa.js'
import { type Program, wordAt } from './program.js'

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`

/** The decoded instruction, or undefined when the word is not a canonical encoding. */
export interface Decoded {
  readonly info: InstructionInfo
  readonly rd: number
  readonly rs1: number
  readonly rs2: number
  /** Immediate (sign- or zero-extended as the instruction defines), branch/jump offset or trap number. */
  readonly imm: number
}

export function decode(word: number): Decoded | undefined {
  const w = word >>> 0
  if (w === 0) return { info: BY_FUNCT[0] ?? nopInfo, rd: 0, rs1: 0, rs2: 0, imm: 0 }
  const op = w >>> 26
  let info: InstructionInfo | undefined
  let d: Decoded
  if (op === 0 || op === 1) {
    info = op === 0 ? BY_FUNCT[w & 63] : BY_FP_FUNCT[w & 63]
    if (info === undefined) return undefined
    d = { info, rd: rdOf(w), rs1: rs1Of(w), rs2: rs2Of(w), imm: 0 }
  } else {
    info = BY_OP[op]
    if (info === undefined) return undefined
    const imm =
      info.kind === 'jump' ? off26Of(w) : info.kind === 'trap' ? w & 0x3ffffff : info.signed ? imm16Of(w) : uimm16Of(w)
    d = { info, rd: rs2Of(w), rs1: rs1Of(w), rs2: 0, imm }
  }
  return encode(d) === w ? d : undefined
}

const nopInfo: InstructionInfo = { name: 'nop', kind: 'nop', op: 0, funct: 0, signed: false }

/** Re-encodes a decoded instruction (the canonical form). */
export function encode(d: Decoded): number {
  const { info } = d
  switch (info.kind) {
    case 'nop':
      return 0
    case 'r3':
    case 'md':
      return encodeR(info.op, d.rs1, d.rs2, d.rd, info.funct)
    case 'jump':
    case 'trap':
      return encodeJ(info.op, d.imm)
    case 'lhi':
      return encodeI(info.op, 0, d.rd, d.imm)
    case 'jr':
      return encodeI(info.op, d.rs1, 0, 0)
    case 'branch':
      return encodeI(info.op, d.rs1, 0, d.imm)
    default:
      return encodeI(info.op, d.rs1, d.rd, d.imm)
  }
}

/** One instruction as text; `target` renders a branch/jump destination address. */
export function formatInstruction(d: Decoded, pc: number, target: (addr: number) => string = hex): string {
  const { info } = d
  const r = (n: number) => `r${n}`
  switch (info.kind) {
    case 'nop':
      return 'nop'
    case 'r3':
    case 'md':
      return `${info.name} ${r(d.rd)}, ${r(d.rs1)}, ${r(d.rs2)}`
    case 'i3':
      return `${info.name} ${r(d.rd)}, ${r(d.rs1)}, #${d.imm}`
    case 'lhi':
      return `${info.name} ${r(d.rd)}, #${hex(d.imm)}`
    case 'load':
      return `${info.name} ${r(d.rd)}, ${d.imm}(${r(d.rs1)})`
    case 'store':
      return `${info.name} ${d.imm}(${r(d.rs1)}), ${r(d.rd)}`
    case 'branch':
      return `${info.name} ${r(d.rs1)}, ${target(pc + 4 + d.imm)}`
    case 'jump':
      return `${info.name} ${target(pc + 4 + d.imm)}`
    case 'jr':
      return `${info.name} ${r(d.rs1)}`
    case 'trap':
      return `${info.name} #${d.imm}`
  }
}

function bytesLines(bytes: Uint8Array, from: number, to: number): string[] {
  const out: string[] = []
  for (let i = from; i < to; i += 16) {
    out.push(`        .byte ${Array.from(bytes.subarray(i, Math.min(to, i + 16)), (b) => String(b)).join(', ')}`)
  }
  return out
}

/**
 * Disassembles a program image into source that {@link assemble} turns back into the same image.
 *
 * @example
 * ```ts
 * const again = assemble(disassemble(assemble(src)))  // same bytes, same addresses, same entry
 * ```
 */
export function disassemble(program: Program): string {
  const { text, textBase } = program
  const words = Math.floor(text.length / 4)
  const decoded: (Decoded | undefined)[] = []
  const targets = new Set<number>()
  for (let k = 0; k < words; k++) {
    const d = decode(wordAt(text, k * 4))
    decoded.push(d)
    if (d && (d.info.kind === 'branch' || d.info.kind === 'jump')) targets.add(textBase + k * 4 + 4 + d.imm)
  }
  const textEnd = textBase + words * 4
  const labelAt = (a: number) => a >= textBase && a < textEnd && (a - textBase) % 4 === 0
  const name = (a: number) => (labelAt(a) ? `L${(a >>> 0).toString(16)}` : String(a))
  const lines: string[] = [`; disassembled DLX image`, `        .text ${hex(textBase)}`]
  for (let k = 0; k < words; k++) {
    const pc = textBase + k * 4
    if (pc === program.entry) lines.push('main:')
    if (targets.has(pc) && labelAt(pc)) lines.push(`${name(pc)}:`)
    const d = decoded[k]
    lines.push(
      `        ${d ? formatInstruction(d, pc, name) : `.word ${hex(wordAt(text, k * 4))}`}`.padEnd(40) + `; ${hex(pc)}`,
    )
  }
  lines.push(...bytesLines(text, words * 4, text.length))
  // An entry at the end of .text still gets its label; one elsewhere (inside .data) is not representable.
  if (program.entry === textEnd) lines.push('main:')
  lines.push(`        .data ${hex(program.dataBase)}`)
  lines.push(...bytesLines(program.data, 0, program.data.length))
  return `${lines.join('\n')}\n`
}
