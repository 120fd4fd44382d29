import { readFileSync } from 'node:fs'
import test from 'ava'
import { assemble } from '../src/assembler.js'
import { decode } from '../src/disassembler.js'
import { BY_NAME, INSTRUCTIONS } from '../src/isa.js'
import { wordAt } from '../src/program.js'

const vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/dlxsim-opcodes.json', import.meta.url), 'utf8'),
) as {
  patterns: Record<string, string>
}

/** A zero-operand instance of each instruction, so the word is exactly dlxsim's bit pattern. */
function zeroInstance(name: string): string {
  const info = BY_NAME.get(name)!
  switch (info.kind) {
    case 'nop':
      return 'nop'
    case 'r3':
    case 'md':
      return `${name} r0, r0, r0`
    case 'i3':
      return `${name} r0, r0, #0`
    case 'lhi':
      return `${name} r0, #0`
    case 'load':
      return `${name} r0, 0(r0)`
    case 'store':
      return `${name} 0(r0), r0`
    case 'branch':
      return `${name} r0, next\nnext:`
    case 'jump':
      return `${name} next\nnext:`
    case 'jr':
      return `${name} r0`
    case 'trap':
      return `${name} #0`
  }
}

test('every instruction encodes to dlxsim asm.c bit pattern', (t) => {
  const names = Object.keys(vectors.patterns)
  t.is(names.length, INSTRUCTIONS.length, 'the vector table and the ISA list the same instructions')
  for (const name of names) {
    const p = assemble(zeroInstance(name))
    t.is(`0x${wordAt(p.text, 0).toString(16).padStart(8, '0')}`, vectors.patterns[name]!, name)
  }
})

test('field layout: R rs1 25..21, rs2 20..16, rd 15..11; I rs1 25..21, rd 20..16, imm 15..0; J 26-bit offset', (t) => {
  const p = assemble(
    [
      'add r1, r2, r3',
      'addi r4, r5, #-2',
      'lw r6, -8(r7)',
      'sw 12(r8), r9',
      'back: j back',
      'jal fwd',
      'fwd: jr r31',
      'lhi r10, #0xbeef',
      'trap #3',
      'mult r11, r12, r13',
    ].join('\n'),
  )
  const w = (i: number) => wordAt(p.text, i * 4)
  t.is(w(0), (0 << 26) | (2 << 21) | (3 << 16) | (1 << 11) | 0x20)
  t.is(w(1), ((0x08 << 26) | (5 << 21) | (4 << 16) | 0xfffe) >>> 0)
  t.is(w(2), ((0x23 << 26) | (7 << 21) | (6 << 16) | 0xfff8) >>> 0)
  t.is(w(3), ((0x2b << 26) | (8 << 21) | (9 << 16) | 12) >>> 0)
  t.is(w(4), ((0x02 << 26) | (-4 & 0x3ffffff)) >>> 0, 'j to itself: offset -4 from pc + 4')
  t.is(w(5), ((0x03 << 26) | 0) >>> 0, 'jal to the next instruction: offset 0')
  t.is(w(6), ((0x12 << 26) | (31 << 21)) >>> 0)
  t.is(w(7), ((0x0f << 26) | (10 << 16) | 0xbeef) >>> 0)
  t.is(w(8), ((0x11 << 26) | 3) >>> 0)
  t.is(w(9), ((0x01 << 26) | (12 << 21) | (13 << 16) | (11 << 11) | 0x0e) >>> 0)
})

test('decode rejects reserved opcodes, FP instructions and non-zero unused fields', (t) => {
  t.is(decode(0x18000000), undefined, 'bfpf (opcode 6): no FP unit')
  t.is(decode(0x04000000), undefined, 'addf (FPARITH funct 0)')
  t.is(decode(0x00000030), undefined, 'movi2s')
  t.is(decode(0x00000001), undefined, 'SPECIAL funct 1 is reserved')
  t.is(decode(0x00430860), undefined, 'add with bits 10..6 set')
  t.is(decode(0x48200001), undefined, 'jr with a non-zero immediate')
  t.is(decode(0x58000000)?.info.name, 'srli')
  t.is(decode(0)?.info.name, 'nop')
})
