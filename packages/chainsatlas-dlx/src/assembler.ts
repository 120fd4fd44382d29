// Two-pass DLX assembler: dlxsim syntax (`;` comments, `#` optional immediate prefix, `sw off(rs), rd`),
// the directives of the issue, and the pseudo-instructions listed in docs/dlx.md.
import {
  AssemblerError,
  DuplicateLabelError,
  ImmediateRangeError,
  OperandError,
  SectionOverlapError,
  UndefinedLabelError,
  UnknownMnemonicError,
} from './errors.js'
import { BY_NAME, encodeI, encodeJ, encodeR, type InstructionInfo, OP, TRAP } from './isa.js'
import type { Program } from './program.js'

type Section = 'text' | 'data'

interface Line {
  readonly no: number
  readonly text: string
}

interface Item {
  readonly line: Line
  readonly section: Section
  readonly offset: number
  readonly size: number
  /** Emits the bytes once all symbols are known; `pc` is the absolute address of the item. */
  readonly emit: (out: Uint8Array, at: number, pc: number, sym: (name: string) => number) => void
}

const REGISTER = /^r([0-9]|[12][0-9]|3[01])$/i
const LABEL_DEF = /^([A-Za-z_.$][\w.$]*)\s*:/

/** Pseudo-instructions: name → words they expand to (for `li`, decided per operand). */
const PSEUDO = new Set(['li', 'la', 'mov', 'neg', 'halt', 'ret', 'b', 'call'])

function stripComment(s: string): string {
  let inStr = false
  let quote = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (inStr) {
      if (c === '\\') i++
      else if (c === quote) inStr = false
    } else if (c === '"' || c === "'") {
      inStr = true
      quote = c
    } else if (c === ';') return s.slice(0, i)
  }
  return s
}

function splitOperands(s: string): string[] {
  const out: string[] = []
  let cur = ''
  let inStr = false
  let quote = ''
  let depth = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (inStr) {
      cur += c
      if (c === '\\' && i + 1 < s.length) cur += s[++i]
      else if (c === quote) inStr = false
    } else if (c === '"' || c === "'") {
      inStr = true
      quote = c
      cur += c
    } else if (c === '(') {
      depth++
      cur += c
    } else if (c === ')') {
      depth--
      cur += c
    } else if (c === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
    } else cur += c
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim())
  return out
}

function parseString(line: Line, lit: string): number[] {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(lit)
  if (!m) throw new OperandError(line.no, line.text, lit, 'a double-quoted string')
  const body = m[1]!
  const bytes: number[] = []
  const enc = new TextEncoder()
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c !== '\\') {
      for (const b of enc.encode(c)) bytes.push(b)
      continue
    }
    const e = body[++i]!
    const map: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, '"': 34, "'": 39 }
    if (e === 'x') {
      const hex = body.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new OperandError(line.no, line.text, lit, 'a \\xHH escape')
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else if (map[e] !== undefined) bytes.push(map[e])
    else throw new OperandError(line.no, line.text, lit, 'a known escape (\\n \\t \\r \\0 \\\\ \\" \\xHH)')
  }
  return bytes
}

/** Parses `expr` = term ((+|-) term)*, term = number | 'c' | label. Labels resolve through `sym`. */
function evaluate(line: Line, expr: string, sym: ((name: string) => number) | undefined): number {
  const s = expr.trim().replace(/^#/, '')
  const bad = (): never => {
    throw new OperandError(line.no, line.text, expr, 'an expression of numbers, characters and labels joined by + or -')
  }
  const term = /\s*([+-]?)\s*('(?:\\.|[^\\'])'|0x[0-9a-fA-F]+|0b[01]+|[0-9]+|[A-Za-z_.$][\w.$]*)\s*/y
  let pos = 0
  let total = 0
  let first = true
  while (pos < s.length || first) {
    term.lastIndex = pos
    const m = term.exec(s)
    if (!m || (!first && m[1] === '')) return bad()
    const sign = m[1] === '-' ? -1 : 1
    const t = m[2]!
    let v: number
    if (t.startsWith("'")) v = parseString(line, `"${t.slice(1, -1)}"`)[0] ?? bad()
    else if (/^0x/i.test(t)) v = Number.parseInt(t.slice(2), 16)
    else if (/^0b/i.test(t)) v = Number.parseInt(t.slice(2), 2)
    else if (/^[0-9]/.test(t)) v = Number.parseInt(t, 10)
    else {
      if (/^r\d+$/i.test(t)) throw new OperandError(line.no, line.text, expr, 'a register r0..r31 or a label')
      if (sym === undefined)
        throw new OperandError(line.no, line.text, expr, 'a constant (labels are not allowed here)')
      v = sym(t)
    }
    total += sign * v
    pos = term.lastIndex
    first = false
  }
  return total
}

function isConstant(expr: string): boolean {
  const s = expr.replace(/^#/, '')
  return !/[A-Za-z_.$]/.test(
    s
      .replace(/0x[0-9a-f]+/gi, '')
      .replace(/0b[01]+/gi, '')
      .replace(/'(\\.|[^\\'])'/g, ''),
  )
}

function reg(line: Line, s: string | undefined): number {
  const m = s === undefined ? null : REGISTER.exec(s.trim())
  if (!m) throw new OperandError(line.no, line.text, s ?? '', 'a register r0..r31')
  return Number(m[1])
}

function checkRange(line: Line, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new ImmediateRangeError(line.no, line.text, v, min, max)
  return v
}

function imm16(line: Line, v: number, signed: boolean): number {
  return signed ? checkRange(line, v, -32768, 32767) : checkRange(line, v, 0, 65535)
}

/** `off(rs)`, `(rs)`, `label(rs)` or a bare expression (base r0). */
function memOperand(line: Line, s: string): { base: number; expr: string } {
  const m = /^(.*)\(\s*(r\d+)\s*\)$/i.exec(s.trim())
  if (m) return { base: reg(line, m[2]), expr: m[1]!.trim() === '' ? '0' : m[1]!.trim() }
  if (REGISTER.test(s.trim())) throw new OperandError(line.no, line.text, s, 'a memory operand off(rN)')
  return { base: 0, expr: s }
}

function expectCount(line: Line, ops: string[], n: number, shape: string): void {
  if (ops.length !== n) throw new OperandError(line.no, line.text, ops.join(', '), shape)
}

type Emit = Item['emit']
const put32 = (out: Uint8Array, at: number, w: number) => {
  out[at] = w >>> 24
  out[at + 1] = (w >>> 16) & 255
  out[at + 2] = (w >>> 8) & 255
  out[at + 3] = w & 255
}

/** Encodes one native instruction; returns the encoder (pass 2) for an item of 4 bytes. */
function native(line: Line, info: InstructionInfo, ops: string[]): Emit {
  const word = (f: (pc: number, sym: (n: string) => number) => number): Emit => {
    return (out, at, pc, sym) => put32(out, at, f(pc, sym))
  }
  switch (info.kind) {
    case 'nop':
      expectCount(line, ops, 0, 'no operands')
      return word(() => 0)
    case 'r3':
    case 'md': {
      expectCount(line, ops, 3, 'rd, rs1, rs2')
      const rd = reg(line, ops[0])
      const rs1 = reg(line, ops[1])
      if (!REGISTER.test(ops[2]!) && info.kind === 'r3') {
        // dlxsim's `add r1, r2, #5` form: the immediate variant of the same operation.
        const alt = BY_NAME.get(`${info.name}i`)
        if (alt === undefined) throw new OperandError(line.no, line.text, ops[2]!, 'a register')
        return native(line, alt, ops)
      }
      const rs2 = reg(line, ops[2])
      return word(() => encodeR(info.op, rs1, rs2, rd, info.funct))
    }
    case 'i3': {
      expectCount(line, ops, 3, 'rd, rs1, imm')
      const rd = reg(line, ops[0])
      const rs1 = reg(line, ops[1])
      const e = ops[2]!
      return word((_pc, sym) => encodeI(info.op, rs1, rd, imm16(line, evaluate(line, e, sym), info.signed)))
    }
    case 'lhi': {
      expectCount(line, ops, 2, 'rd, imm')
      const rd = reg(line, ops[0])
      const e = ops[1]!
      return word((_pc, sym) => encodeI(info.op, 0, rd, imm16(line, evaluate(line, e, sym), false)))
    }
    case 'load': {
      expectCount(line, ops, 2, 'rd, off(rs1)')
      const rd = reg(line, ops[0])
      const m = memOperand(line, ops[1]!)
      return word((_pc, sym) => encodeI(info.op, m.base, rd, imm16(line, evaluate(line, m.expr, sym), true)))
    }
    case 'store': {
      expectCount(line, ops, 2, 'off(rs1), rd')
      // DLX order is `sw off(rs1), rd`; the MIPS order `sw rd, off(rs1)` is accepted too.
      const dlxOrder = !REGISTER.test(ops[0]!.trim())
      const m = memOperand(line, dlxOrder ? ops[0]! : ops[1]!)
      const rd = reg(line, dlxOrder ? ops[1] : ops[0])
      return word((_pc, sym) => encodeI(info.op, m.base, rd, imm16(line, evaluate(line, m.expr, sym), true)))
    }
    case 'branch': {
      expectCount(line, ops, 2, 'rs1, label')
      const rs1 = reg(line, ops[0])
      const e = ops[1]!
      return word((pc, sym) => {
        const off = evaluate(line, e, sym) - (pc + 4)
        return encodeI(info.op, rs1, 0, checkRange(line, off, -32768, 32767))
      })
    }
    case 'jump': {
      expectCount(line, ops, 1, 'label')
      const e = ops[0]!
      return word((pc, sym) => {
        const off = evaluate(line, e, sym) - (pc + 4)
        return encodeJ(info.op, checkRange(line, off, -(2 ** 25), 2 ** 25 - 1))
      })
    }
    case 'jr': {
      expectCount(line, ops, 1, 'rs1')
      const rs1 = reg(line, ops[0])
      return word(() => encodeI(info.op, rs1, 0, 0))
    }
    case 'trap': {
      expectCount(line, ops, 1, 'trap number')
      const e = ops[0]!
      return word((_pc, sym) => encodeJ(info.op, checkRange(line, evaluate(line, e, sym), 0, 2 ** 26 - 1)))
    }
  }
}

interface Pending {
  size: number
  emit: Emit
}

function pseudo(line: Line, name: string, ops: string[]): Pending {
  const n = (x: string) => BY_NAME.get(x)!
  const one = (info: InstructionInfo, o: string[]): Pending => ({ size: 4, emit: native(line, info, o) })
  switch (name) {
    case 'mov':
      expectCount(line, ops, 2, 'rd, rs')
      return one(n('addu'), [ops[0]!, ops[1]!, 'r0'])
    case 'neg':
      expectCount(line, ops, 2, 'rd, rs')
      return one(n('sub'), [ops[0]!, 'r0', ops[1]!])
    case 'halt':
      expectCount(line, ops, 0, 'no operands')
      return one(n('trap'), [String(TRAP.HALT)])
    case 'ret':
      expectCount(line, ops, 0, 'no operands')
      return one(n('jr'), ['r31'])
    case 'b':
      return one(n('j'), ops)
    case 'call':
      return one(n('jal'), ops)
    default: {
      // li / la: rd, value
      expectCount(line, ops, 2, 'rd, value')
      const rd = reg(line, ops[0])
      const e = ops[1]!
      if (name === 'li' && isConstant(e)) {
        const v = evaluate(line, e, undefined)
        checkRange(line, v, -(2 ** 31), 2 ** 32 - 1)
        if (v >= -32768 && v <= 32767) return { size: 4, emit: (out, at) => put32(out, at, encodeI(OP.ADDI, 0, rd, v)) }
        if (v >= 0 && v <= 65535) return { size: 4, emit: (out, at) => put32(out, at, encodeI(OP.ORI, 0, rd, v)) }
      }
      return {
        size: 8,
        emit: (out, at, _pc, sym) => {
          const v = evaluate(line, e, sym) >>> 0
          put32(out, at, encodeI(OP.LHI, 0, rd, v >>> 16))
          put32(out, at + 4, encodeI(OP.ORI, rd, rd, v & 0xffff))
        },
      }
    }
  }
}

export interface AssembleOptions {
  /** Default .text base when the source gives none (0). */
  readonly textBase?: number
}

/**
 * Assembles DLX source into a {@link Program}. Throws a subclass of {@link AssemblerError} naming the line.
 *
 * @example
 * ```ts
 * const p = assemble('main: addi r1, r0, #42\n trap #0')
 * ```
 */
export function assemble(source: string, options: AssembleOptions = {}): Program {
  const items: Item[] = []
  const labels = new Map<string, { section: Section; offset: number; line: Line }>()
  const loc: Record<Section, number> = { text: 0, data: 0 }
  const base: Record<Section, number | undefined> = { text: options.textBase ?? 0, data: undefined }
  const explicitBase: Record<Section, boolean> = { text: false, data: false }
  let section: Section = 'text'
  let maxAlign = 16

  // Labels bind to the next item's (aligned) address, as in MIPS assemblers: `h: .half 1` after a byte
  // names the half-word, not the padding.
  let pending: { name: string; line: Line }[] = []
  const bind = () => {
    for (const { name, line } of pending) labels.set(name, { section, offset: loc[section], line })
    pending = []
  }
  const add = (line: Line, size: number, emit: Emit, align = 1) => {
    const pad = (align - (loc[section] % align)) % align
    if (pad > 0) items.push({ line, section, offset: loc[section], size: pad, emit: () => {} })
    loc[section] += pad
    bind()
    items.push({ line, section, offset: loc[section], size, emit })
    loc[section] += size
  }

  const lines = source.split(/\r?\n/)
  for (let idx = 0; idx < lines.length; idx++) {
    const line: Line = { no: idx + 1, text: lines[idx]! }
    let s = stripComment(line.text).trim()
    for (let m = LABEL_DEF.exec(s); m; m = LABEL_DEF.exec(s)) {
      const name = m[1]!
      if (labels.has(name) || pending.some((p) => p.name === name))
        throw new DuplicateLabelError(line.no, line.text, name)
      if (/^r\d+$/i.test(name)) throw new OperandError(line.no, line.text, name, 'a label that is not a register name')
      pending.push({ name, line })
      s = s.slice(m[0].length).trim()
    }
    if (s === '') continue
    const sp = s.search(/\s/)
    const mnemonic = (sp < 0 ? s : s.slice(0, sp)).toLowerCase()
    const ops = sp < 0 ? [] : splitOperands(s.slice(sp + 1))
    if (mnemonic.startsWith('.')) {
      switch (mnemonic) {
        case '.text':
        case '.data': {
          bind()
          section = mnemonic.slice(1) as Section
          if (ops.length > 0) {
            if (loc[section] !== 0 || explicitBase[section])
              throw new OperandError(line.no, line.text, ops[0]!, `an address only before the first ${mnemonic} item`)
            const addr = checkRange(line, evaluate(line, ops[0]!, undefined), 0, 2 ** 32 - 1)
            if (addr % 16 !== 0) throw new OperandError(line.no, line.text, ops[0]!, 'a 16-byte aligned address')
            base[section] = addr
            explicitBase[section] = true
          }
          break
        }
        case '.globl':
        case '.global':
          break
        case '.word':
        case '.half':
        case '.byte': {
          const size = mnemonic === '.word' ? 4 : mnemonic === '.half' ? 2 : 1
          const min = size === 4 ? -(2 ** 31) : size === 2 ? -32768 : -128
          const max = size === 4 ? 2 ** 32 - 1 : size === 2 ? 65535 : 255
          if (ops.length === 0) throw new OperandError(line.no, line.text, '', 'at least one value')
          for (const e of ops) {
            add(
              line,
              size,
              (out, at, _pc, sym) => {
                const v = checkRange(line, evaluate(line, e, sym), min, max)
                for (let k = 0; k < size; k++) out[at + k] = (v >>> (8 * (size - 1 - k))) & 255
              },
              size,
            )
          }
          break
        }
        case '.ascii':
        case '.asciiz': {
          if (ops.length === 0) throw new OperandError(line.no, line.text, '', 'a string')
          for (const lit of ops) {
            const bytes = parseString(line, lit)
            if (mnemonic === '.asciiz') bytes.push(0)
            add(line, bytes.length, (out, at) => out.set(bytes, at))
          }
          break
        }
        case '.space': {
          expectCount(line, ops, 1, 'a byte count')
          const n = checkRange(line, evaluate(line, ops[0]!, undefined), 0, 2 ** 24)
          add(line, n, () => {})
          break
        }
        case '.align': {
          expectCount(line, ops, 1, 'a power of two exponent')
          const n = checkRange(line, evaluate(line, ops[0]!, undefined), 0, 12)
          maxAlign = Math.max(maxAlign, 2 ** n)
          add(line, 0, () => {}, 2 ** n)
          break
        }
        default:
          throw new UnknownMnemonicError(line.no, line.text, mnemonic)
      }
      continue
    }
    const info = BY_NAME.get(mnemonic)
    if (info !== undefined) add(line, 4, native(line, info, ops), 4)
    else if (PSEUDO.has(mnemonic)) {
      const p = pseudo(line, mnemonic, ops)
      add(line, p.size, p.emit, 4)
    } else throw new UnknownMnemonicError(line.no, line.text, mnemonic)
  }

  bind()
  const textBase = base.text!
  const textEnd = textBase + loc.text
  const dataBase = base.data ?? Math.ceil(textEnd / maxAlign) * maxAlign
  const dataEnd = dataBase + loc.data
  if (loc.data > 0 && loc.text > 0 && dataBase < textEnd && textBase < dataEnd)
    throw new SectionOverlapError([textBase, textEnd], [dataBase, dataEnd])
  if (dataEnd > 2 ** 32 || textEnd > 2 ** 32) throw new SectionOverlapError([textBase, textEnd], [dataBase, dataEnd])
  const sectionBase: Record<Section, number> = { text: textBase, data: dataBase }
  const symbols: Record<string, number> = {}
  for (const [name, l] of labels) symbols[name] = sectionBase[l.section] + l.offset

  const out: Record<Section, Uint8Array> = { text: new Uint8Array(loc.text), data: new Uint8Array(loc.data) }
  for (const item of items) {
    const sym = (name: string) => {
      const v = symbols[name]
      if (v === undefined) throw new UndefinedLabelError(item.line.no, item.line.text, name)
      return v
    }
    item.emit(out[item.section], item.offset, sectionBase[item.section] + item.offset, sym)
  }
  const entry = symbols['main'] ?? symbols['_start'] ?? textBase
  return { textBase, text: out.text, dataBase, data: out.data, entry, symbols }
}

export { AssemblerError }
