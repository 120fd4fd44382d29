import test from 'ava'
import fc from 'fast-check'
import { assemble } from '../src/assembler.js'
import { SegmentationError } from '../src/errors.js'
import { createMachine } from '../src/machine.js'
import type { Program } from '../src/program.js'
import { runSegmented, type Segmentation, segmentAsync, segmentFor, segmentSync } from '../src/segmentation.js'
import { dumpState } from '../src/state.js'
import { createVirtualizationUnit } from '../src/units.js'
import { holds, programSource } from './helpers.js'

const CASES = [
  { name: 'factorial', input: '' },
  { name: 'bubble-sort', input: '' },
  { name: 'sieve', input: '500' },
  { name: 'memcpy', input: '' },
]

/** The uninterrupted run, with .text zeroed (segmented runs carry code in segments, not in the state). */
const MEMORY = 1 << 16

function reference(p: Program, input: string) {
  const m = createMachine(p, { input, memorySize: MEMORY })
  m.run()
  m.writeBytes(p.textBase, new Uint8Array(p.text.length))
  return { state: dumpState(m), output: Uint8Array.from(m.output), steps: m.steps }
}

const run = (p: Program, seg: Segmentation, input: string) =>
  runSegmented(p, seg, (s, hop) => createVirtualizationUnit(`vu-${s.index}-${hop}`), {
    input,
    machine: { memorySize: MEMORY },
  })

test('synchronous segmentation: disjoint segments of at most the limit covering .text', (t) => {
  const p = assemble(programSource('sieve'))
  const seg = segmentSync(p, 40)
  t.is(seg.segments.length, Math.ceil(p.text.length / 40))
  t.true(seg.segments.every((s) => s.bytes.length <= 40))
  t.is(
    seg.segments.reduce((a, s) => a + s.bytes.length, 0),
    p.text.length,
  )
  for (let i = 1; i < seg.segments.length; i++) t.is(seg.segments[i]!.start, seg.segments[i - 1]!.end)
})

test('asynchronous segmentation: overlapping segments hold each boundary twice', (t) => {
  const p = assemble(programSource('sieve'))
  const seg = segmentAsync(p, 40, 16)
  for (let i = 1; i < seg.segments.length; i++) {
    t.is(seg.segments[i]!.start, seg.segments[i - 1]!.start + 24)
    t.true(seg.segments[i]!.start < seg.segments[i - 1]!.end)
  }
  t.is(seg.segments.at(-1)!.end, p.textBase + p.text.length)
  const pc = seg.segments[1]!.start
  t.is(
    segmentFor(seg, pc)?.index,
    0,
    'pc sits 24 bytes into segment 0 and at the start of segment 1: the centred copy wins',
  )
  t.throws(() => segmentAsync(p, 40, 40), { instanceOf: SegmentationError })
  t.throws(() => segmentSync(p, 6), { instanceOf: SegmentationError })
  t.throws(() => segmentSync(p, [8, 8]), { instanceOf: SegmentationError })
})

test('property: synchronous and asynchronous segmented execution equal one run', (t) => {
  const programs = new Map(
    CASES.map(({ name, input }) => {
      const p = assemble(programSource(name))
      return [name, { p, want: reference(p, input) }] as const
    }),
  )
  holds(
    t,
    fc.property(
      fc.constantFrom(...CASES),
      fc.integer({ min: 2, max: 40 }),
      fc.integer({ min: 0, max: 39 }),
      fc.boolean(),
      ({ name, input }, limitWords, overlapWords, async) => {
        const { p, want } = programs.get(name)!
        const seg = async
          ? segmentAsync(p, limitWords * 4, Math.min(overlapWords, limitWords - 1) * 4)
          : segmentSync(p, limitWords * 4)
        const got = run(p, seg, input)
        return (
          got.halted &&
          got.steps === want.steps &&
          Buffer.from(got.state).equals(Buffer.from(want.state)) &&
          Buffer.from(got.output).equals(Buffer.from(want.output))
        )
      },
    ),
    60,
  )
})

test('segmented run logs chain: each unit loads the state the previous one dumped', (t) => {
  const p = assemble(programSource('bubble-sort'))
  const sync = run(p, segmentSync(p, 32), '')
  const asyncRun = run(p, segmentAsync(p, 32, 16), '')
  t.true(sync.log.length > 2)
  for (let i = 1; i < sync.log.length; i++) t.is(sync.log[i]!.stateInHash, sync.log[i - 1]!.stateOutHash)
  t.is(sync.log.at(-1)!.status, 'halted')
  t.true(asyncRun.halted)
})

test('redundant overlap keeps the sieve loops inside one unit: far fewer transfers than disjoint segments', (t) => {
  const p = assemble(programSource('sieve'))
  const sync = run(p, segmentSync(p, 96), '300')
  const overlapped = run(p, segmentAsync(p, 96, 48), '300')
  t.deepEqual(overlapped.output, sync.output)
  t.true(sync.log.length > 100, `${sync.log.length} transfers with disjoint segments`)
  t.true(overlapped.log.length <= 3, `${overlapped.log.length} transfers with overlapping segments`)
})

test('self-modifying code is refused under segmentation, in its own segment or another', (t) => {
  const own = assemble('main: la r1, main\n addi r2, r0, #7\n sw 0(r1), r2\n trap #0')
  t.throws(() => run(own, segmentSync(own, 20), ''), { instanceOf: SegmentationError })
  const other = assemble('main: la r1, main\n addi r2, r0, #7\n sw 0(r1), r2\n nop\n trap #0')
  t.throws(() => run(other, segmentSync(other, 8), ''), { instanceOf: SegmentationError })
  const fine = assemble('main: la r1, main\n addi r2, r0, #7\n sw 0(r1), r2\n trap #0')
  const m = createMachine(fine, { memorySize: MEMORY })
  t.is(m.run().status, 'halted', 'the same program runs unsegmented')
})
