import test from 'ava'
import fc from 'fast-check'
import { assemble } from '../src/assembler.js'
import { StateDecodeError } from '../src/errors.js'
import { createMachine } from '../src/machine.js'
import { dumpState, loadState } from '../src/state.js'
import { holds, programSource, withDelaySlotNops } from './helpers.js'

const MEMORY = 1 << 16

const CASES = [
  { name: 'factorial', input: '' },
  { name: 'bubble-sort', input: '' },
  { name: 'sieve', input: '300' },
  { name: 'string-reverse', input: '' },
]

/** Runs to the end in pieces of the given sizes, moving the state through bytes between pieces. */
function runInPieces(name: string, input: string, cuts: number[], delaySlots: boolean) {
  let m = createMachine(assemble(withDelaySlotNops(programSource(name))), { input, delaySlots, memorySize: MEMORY })
  const out: number[] = []
  let i = 0
  let transfers = 0
  for (; i < 1e5; ) {
    const res = m.run(cuts[i % cuts.length]!)
    out.push(...m.output)
    if (res.status === 'halted') break
    m = loadState(dumpState(m), { input })
    transfers++
    i++
  }
  return { state: dumpState(m), output: out, transfers }
}

test('property: execution transferred at random cut points equals one uninterrupted run', (t) => {
  const reference = new Map(
    CASES.flatMap(({ name, input }) =>
      [false, true].map((delaySlots) => {
        const m = createMachine(assemble(withDelaySlotNops(programSource(name))), {
          input,
          delaySlots,
          memorySize: MEMORY,
        })
        if (m.run(1e7).status !== 'halted') throw new Error(`${name} did not halt`)
        return [`${name}/${delaySlots}`, { state: dumpState(m), output: m.output, steps: m.steps }] as const
      }),
    ),
  )
  holds(
    t,
    fc.property(
      fc.constantFrom(...CASES),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
      ({ name, input }, delaySlots, cuts) => {
        const got = runInPieces(name, input, cuts, delaySlots)
        const want = reference.get(`${name}/${delaySlots}`)!
        return (
          got.transfers >= Math.floor(want.steps / (Math.max(...cuts) + 1)) &&
          Buffer.from(got.state).equals(Buffer.from(want.state)) &&
          Buffer.from(got.output).equals(Buffer.from(want.output))
        )
      },
    ),
    60,
  )
})

test('a dump taken between a branch and its delay slot resumes inside the slot', (t) => {
  const src = 'main: j skip\n addi r1, r0, #1\nskip: addi r2, r0, #2\n trap #0'
  const m = createMachine(assemble(src), { delaySlots: true })
  m.run(1)
  t.is(m.pc, 4)
  t.is(m.npc, 8, 'npc holds the branch target')
  const again = loadState(dumpState(m))
  again.run()
  t.is(again.regs[1], 1)
  t.is(again.regs[2], 2)
  t.is(again.steps, 4)
})

test('the state dump holds registers, pc, memory and counters', (t) => {
  const m = createMachine(assemble(programSource('fibonacci')))
  m.run(50)
  const copy = loadState(dumpState(m))
  t.deepEqual(copy.regs, m.regs)
  t.is(copy.pc, m.pc)
  t.is(copy.npc, m.npc)
  t.is(copy.steps, 50)
  t.is(copy.outputCount, m.outputCount)
  t.deepEqual(copy.readBytes(0, 256), m.readBytes(0, 256))
  t.is(copy.memorySize, m.memorySize)
})

test('corrupted or arbitrary bytes never load: a typed StateDecodeError names the field', (t) => {
  const good = dumpState(createMachine(assemble(programSource('fibonacci'))))
  const bad = good.slice()
  bad[20] = (bad[20] ?? 0) ^ 1
  t.is(t.throws(() => loadState(bad), { instanceOf: StateDecodeError })?.field, 'sha256')
  t.is(t.throws(() => loadState(good.subarray(0, 10)), { instanceOf: StateDecodeError })?.field, 'length')
  holds(
    t,
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      try {
        loadState(bytes)
        return false
      } catch (e) {
        return e instanceof StateDecodeError
      }
    }),
    200,
  )
})
