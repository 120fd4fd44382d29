import test from 'ava'
import { assemble } from '../src/assembler.js'
import {
  ArithmeticOverflowError,
  DivisionByZeroError,
  IllegalInstructionError,
  MachineConfigError,
  MisalignedAccessError,
  MisalignedJumpError,
  OutOfRangeAccessError,
  PcOutOfRangeError,
  UnknownTrapError,
} from '../src/errors.js'
import { createMachine, type MachineOptions } from '../src/machine.js'
import { programSource, SUITE, withDelaySlotNops } from './helpers.js'

const run = (src: string, options: MachineOptions = {}) => {
  const m = createMachine(assemble(src), options)
  const res = m.run(1e6)
  return { m, res }
}

for (const { name, input, output } of SUITE) {
  test(`program suite: ${name}${input ? ` (input ${input})` : ''} prints the expected output`, (t) => {
    const m = createMachine(assemble(programSource(name)), { input })
    const res = m.run(1e8)
    t.is(res.status, 'halted')
    t.is(m.outputText(), output)
    t.true(m.halted)
  })
}

test('R0 stays zero whatever is written to it', (t) => {
  const { m } = run('addi r0, r0, #5\nlhi r0, #1\nadd r1, r0, r0\nlw r0, 0(r0)\ntrap #0')
  t.is(m.regs[0], 0)
  t.is(m.regs[1], 0)
})

test('JAL/JALR link into R31: pc + 4 without delay slots, pc + 8 with them', (t) => {
  const src = 'main: jal f\n nop\n trap #0\nf: jalr r31\n'
  const a = createMachine(assemble(src))
  a.run(1)
  t.is(a.regs[31], 4, 'jal at 0 links to 4')
  t.is(a.pc, 12)
  a.run(1)
  t.is(a.pc, 4, 'jalr reads r31 before writing the link')
  t.is(a.regs[31], 16)
  const b = createMachine(assemble(src), { delaySlots: true })
  b.run(1)
  t.is(b.regs[31], 8, 'with delay slots jal links past its slot')
})

test('branch delay slots: off by default, the slot instruction runs when on', (t) => {
  const src = 'main: j skip\n addi r1, r0, #1\nskip: addi r2, r0, #2\n trap #0'
  t.is(run(src).m.regs[1], 0)
  const on = run(src, { delaySlots: true }).m
  t.is(on.regs[1], 1)
  t.is(on.regs[2], 2)
  const br = 'main: addi r3, r0, #1\n bnez r3, skip\n addi r1, r0, #1\nskip: trap #0'
  t.is(run(br).m.regs[1], 0)
  t.is(run(br, { delaySlots: true }).m.regs[1], 1)
})

test('memory is big-endian: a stored word reads back byte by byte most significant first', (t) => {
  const { m } = run(
    [
      'li r1, 0x11223344',
      'sw 64(r0), r1',
      'lbu r2, 64(r0)',
      'lbu r3, 67(r0)',
      'lh r4, 64(r0)',
      'lhu r5, 66(r0)',
      'li r6, 0x80',
      'sb 68(r0), r6',
      'lb r7, 68(r0)',
      'lw r8, 68(r0)',
      'trap #0',
    ].join('\n'),
  )
  t.is(m.regs[2], 0x11)
  t.is(m.regs[3], 0x44)
  t.is(m.regs[4], 0x1122)
  t.is(m.regs[5], 0x3344)
  t.is(m.regs[7], -128, 'lb sign-extends')
  t.is(m.regs[8]! >>> 0, 0x80000000, 'the byte at the lowest address is the most significant')
  t.deepEqual([...m.readBytes(64, 4)], [0x11, 0x22, 0x33, 0x44])
})

test('arithmetic: signed/unsigned compare, shifts, multiply, divide', (t) => {
  const { m } = run(
    [
      'li r1, -7',
      'li r2, 2',
      'div r3, r1, r2',
      'divu r4, r1, r2',
      'mult r5, r1, r2',
      'slt r6, r1, r2',
      'sltu r7, r1, r2',
      'sra r8, r1, r2',
      'srl r9, r1, r2',
      'slli r10, r2, #4',
      'addu r11, r1, r1',
      'sgeui r12, r1, #65535',
      'xori r13, r1, #0xffff',
      'trap #0',
    ].join('\n'),
  )
  t.is(m.regs[3], -3)
  t.is(m.regs[4], Math.floor((2 ** 32 - 7) / 2) | 0)
  t.is(m.regs[5], -14)
  t.is(m.regs[6], 1)
  t.is(m.regs[7], 0)
  t.is(m.regs[8], -2)
  t.is(m.regs[9], (2 ** 32 - 7) >>> 2)
  t.is(m.regs[10], 32)
  t.is(m.regs[11], -14)
  t.is(m.regs[12], 1)
  t.is(m.regs[13], -7 ^ 0xffff)
})

test('faults are typed and leave the machine before the faulting instruction', (t) => {
  const cases: [string, new (...args: never[]) => Error][] = [
    ['li r1, 0x7fffffff\naddi r1, r1, #1', ArithmeticOverflowError],
    ['lw r1, 2(r0)', MisalignedAccessError],
    ['lh r1, 1(r0)', MisalignedAccessError],
    ['li r1, 0x100000\nlw r2, 0(r1)', OutOfRangeAccessError],
    ['li r1, -4\nsb 0(r1), r0', OutOfRangeAccessError],
    ['.word 0x04000000', IllegalInstructionError],
    ['.word 0xfc000000', IllegalInstructionError],
    ['div r1, r1, r0', DivisionByZeroError],
    ['trap #99', UnknownTrapError],
    ['li r1, 6\njr r1', MisalignedJumpError],
    ['beqz r0, 2', MisalignedJumpError],
  ]
  for (const [src, cls] of cases) {
    const m = createMachine(assemble(src))
    const err = t.throws(() => m.run(100), { instanceOf: cls }, src) as unknown as { pc: number }
    t.is(m.pc, err.pc, `${src}: pc points at the faulting instruction`)
  }
  const m = createMachine(assemble('nop'), { memorySize: 4096 })
  t.throws(() => m.run(2000), { instanceOf: PcOutOfRangeError }, 'running off the end of memory')
  t.is(m.pc, 4096)
  t.throws(() => createMachine(assemble('nop'), { memorySize: 1000 }), { instanceOf: MachineConfigError })
})

test('the step budget stops and resumes exactly', (t) => {
  const src = programSource('sieve')
  const whole = createMachine(assemble(src), { input: '2000' })
  const total = whole.run().steps
  const parts = createMachine(assemble(src), { input: '2000' })
  let status = 'budget'
  let calls = 0
  while (status !== 'halted') {
    status = parts.run(997).status
    calls++
  }
  t.is(parts.steps, total)
  t.is(calls, Math.ceil(total / 997))
  t.is(parts.outputText(), whole.outputText())
  t.deepEqual(parts.regs, whole.regs)
  t.is(parts.run().steps, 0, 'a halted machine does nothing')
})

test('input and output traps', (t) => {
  const { m } = run(
    'trap #4\nadd r14, r1, r0\ntrap #1\ntrap #5\ntrap #5\nadd r14, r1, r0\ntrap #2\ntrap #5\nadd r20, r1, r0\ntrap #0',
    { input: ' -42 x' },
  )
  t.is(m.outputText(), '-42x')
  t.is(m.regs[20], -1, 'end of input reads -1')
})

test('with a nop after every control transfer the suite runs the same with and without delay slots', (t) => {
  for (const { name, input, output } of SUITE) {
    const m = createMachine(assemble(withDelaySlotNops(programSource(name))), { input, delaySlots: true })
    t.is(m.run(1e8).status, 'halted', name)
    t.is(m.outputText(), output, name)
  }
})
