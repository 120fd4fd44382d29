import test from 'ava'
import fc from 'fast-check'
import { assemble } from '../src/assembler.js'
import { disassemble } from '../src/disassembler.js'
import {
  DuplicateLabelError,
  ImmediateRangeError,
  OperandError,
  UndefinedLabelError,
  UnknownMnemonicError,
} from '../src/errors.js'
import { type Program, sameImage, wordAt } from '../src/program.js'
import { holds, programSource, SUITE } from './helpers.js'

test('directives lay out .data big-endian with alignment', (t) => {
  const p = assemble(
    [
      '.text',
      'main: nop',
      '.data',
      'b: .byte 1, 0xff, -1',
      'h: .half 0x1234',
      'w: .word 0xdeadbeef, b',
      's: .asciiz "hi\\n"',
      '   .align 3',
      'e: .space 2',
      'a: .ascii "x"',
    ].join('\n'),
  )
  t.is(p.textBase, 0)
  t.is(p.dataBase, 16, '.data follows .text aligned to 16 bytes')
  t.deepEqual(p.symbols, { main: 0, b: 16, h: 20, w: 24, s: 32, e: 40, a: 42 })
  t.deepEqual(
    [...p.data],
    [1, 0xff, 0xff, 0, 0x12, 0x34, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 16, 104, 105, 10, 0, 0, 0, 0, 0, 0, 0, 120],
  )
  t.is(p.entry, 0)
})

test('explicit section addresses and entry at main', (t) => {
  const p = assemble('.data 0x2000\nx: .word 7\n.text 0x100\nstart: nop\nmain: lw r1, x\n trap #0')
  t.is(p.textBase, 0x100)
  t.is(p.dataBase, 0x2000)
  t.is(p.entry, 0x104)
  t.is(wordAt(p.text, 4), 0x8c012000, 'lw r1, x uses r0 as base and x as the 16-bit offset')
})

test('pseudo-instructions expand as documented', (t) => {
  const p = assemble(
    [
      'li r1, 5',
      'li r2, 0xffff',
      'li r3, 0x12345678',
      'la r4, tgt',
      'mov r5, r6',
      'neg r7, r8',
      'tgt: b tgt',
      'call tgt',
      'ret',
      'halt',
    ].join('\n'),
  )
  const words = Array.from({ length: p.text.length / 4 }, (_, i) => wordAt(p.text, i * 4))
  t.deepEqual(words, [
    0x20010005, // addi r1, r0, 5
    0x3402ffff, // ori r2, r0, 0xffff
    0x3c031234, // lhi r3, 0x1234
    0x34635678, // ori r3, r3, 0x5678
    0x3c040000, // lhi r4, 0
    0x34840020, // ori r4, r4, 32 (tgt)
    0x00c02821, // addu r5, r6, r0
    0x00083822, // sub r7, r0, r8
    0x0bfffffc, // j tgt (offset -4)
    0x0ffffff8, // jal tgt (offset -8)
    0x4be00000, // jr r31
    0x44000000, // trap 0
  ])
})

test('add with an immediate becomes addi, and MIPS store order is accepted', (t) => {
  const a = assemble('add r1, r2, #3\nsw r4, 8(r5)')
  const b = assemble('addi r1, r2, #3\nsw 8(r5), r4')
  t.true(sameImage(a, b))
})

test('assembler errors are typed and name the line', (t) => {
  t.is(t.throws(() => assemble('nop\nfoo r1'), { instanceOf: UnknownMnemonicError })?.line, 2)
  t.is(t.throws(() => assemble('add r1, r2, r32'), { instanceOf: OperandError })?.operand, 'r32')
  t.is(t.throws(() => assemble('addi r1, r2, #40000'), { instanceOf: ImmediateRangeError })?.value, 40000)
  t.is(t.throws(() => assemble('andi r1, r2, #-1'), { instanceOf: ImmediateRangeError })?.min, 0)
  t.is(t.throws(() => assemble('j nowhere'), { instanceOf: UndefinedLabelError })?.label, 'nowhere')
  t.is(t.throws(() => assemble('x: nop\nx: nop'), { instanceOf: DuplicateLabelError })?.label, 'x')
  t.throws(() => assemble('.word'), { instanceOf: OperandError })
  t.throws(() => assemble('.asciiz "\\q"'), { instanceOf: OperandError })
  t.throws(() => assemble('beqz r1, far\n.space 40000\nfar: nop'), { instanceOf: ImmediateRangeError })
})

test('assemble → disassemble → assemble is the identity on the program suite', (t) => {
  for (const { name } of SUITE) {
    const p = assemble(programSource(name))
    const again = assemble(disassemble(p))
    t.true(sameImage(p, again), name)
  }
})

const wordsProgram = (words: number[], data: number[]): Program => {
  const text = new Uint8Array(words.length * 4)
  words.forEach((w, i) => {
    text[i * 4] = w >>> 24
    text[i * 4 + 1] = (w >>> 16) & 255
    text[i * 4 + 2] = (w >>> 8) & 255
    text[i * 4 + 3] = w & 255
  })
  return {
    textBase: 0,
    text,
    dataBase: Math.ceil((words.length * 4) / 16) * 16 + 64,
    data: Uint8Array.from(data),
    entry: 0,
    symbols: {},
  }
}

test('property: any image of arbitrary words disassembles to source that reassembles to the same bytes', (t) => {
  holds(
    t,
    fc.property(
      fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          // bias toward valid encodings: small opcodes with register fields
          fc
            .record({ op: fc.integer({ min: 0, max: 0x35 }), rest: fc.integer({ min: 0, max: 2 ** 26 - 1 }) })
            .map(({ op, rest }) => ((op << 26) | rest) >>> 0),
        ),
        { minLength: 1, maxLength: 40 },
      ),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
      (words, data) => {
        const p = wordsProgram(words, data)
        const again = assemble(disassemble(p))
        return sameImage(p, again)
      },
    ),
    300,
  )
})
