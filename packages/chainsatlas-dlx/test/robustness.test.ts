import test from 'ava'
import fc from 'fast-check'
import { assemble } from '../src/assembler.js'
import { reassembleChunks } from '../src/chained.js'
import { AssemblerError, DlxError, MachineFault } from '../src/errors.js'
import { createMachine } from '../src/machine.js'
import { decodeProgram } from '../src/program-codec.js'
import { holds } from './helpers.js'

const image = (words: number[]) => {
  const text = new Uint8Array(words.length * 4)
  const dv = new DataView(text.buffer)
  for (const [i, w] of words.entries()) dv.setUint32(i * 4, w)
  return { textBase: 0, text, dataBase: 4096, data: new Uint8Array(0), entry: 0, symbols: {} }
}

test('property: the simulator runs arbitrary words to a status or a typed MachineFault, never anything else', (t) => {
  holds(
    t,
    fc.property(
      fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          fc
            .record({ op: fc.integer({ min: 0, max: 0x35 }), rest: fc.integer({ min: 0, max: 2 ** 26 - 1 }) })
            .map(({ op, rest }) => ((op << 26) | rest) >>> 0),
        ),
        { minLength: 1, maxLength: 64 },
      ),
      fc.boolean(),
      (words, delaySlots) => {
        const m = createMachine(image(words), { memorySize: 8192, delaySlots, input: '12 x' })
        try {
          const res = m.run(5000)
          return m.regs[0] === 0 && res.steps <= 5000
        } catch (e) {
          return e instanceof MachineFault && m.regs[0] === 0
        }
      },
    ),
    500,
  )
})

test('property: the assembler accepts or rejects arbitrary text with an AssemblerError, never anything else', (t) => {
  const token = fc.constantFrom(
    'add',
    'addi',
    'lw',
    'sw',
    'j',
    'beqz',
    '.word',
    '.data',
    'x:',
    'r1',
    'r40',
    ',',
    '#',
    '(',
    ')',
    '"',
    "'",
    '-',
    '0x',
    '12',
    'li',
    '.align',
    '.space',
    ';',
    '\n',
    ' ',
  )
  holds(
    t,
    fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 30 }), (parts) => {
      try {
        assemble(parts.join(' '))
        return true
      } catch (e) {
        return e instanceof AssemblerError || (e instanceof DlxError && e.name === 'SectionOverlapError')
      }
    }),
    500,
  )
})

test('property: arbitrary chunk lists and program images fail with typed errors', (t) => {
  holds(
    t,
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }),
      fc.integer({ min: 50, max: 300 }),
      (chunks, limit) => {
        let ok = true
        try {
          reassembleChunks(chunks, limit)
          ok = false
        } catch (e) {
          ok = e instanceof DlxError
        }
        try {
          decodeProgram(chunks[0] ?? new Uint8Array(0))
          return ok && false
        } catch (e) {
          return ok && e instanceof DlxError
        }
      },
    ),
    300,
  )
})
