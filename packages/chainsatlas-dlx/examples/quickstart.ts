// Assemble, run, transfer mid-run, segment under a size limit, and plan: the package in one page.
import { readFileSync } from 'node:fs'
import {
  assemble,
  createMachine,
  createVirtualizationUnit,
  dumpState,
  loadState,
  runSegmented,
  segmentAsync,
  segmentSync,
  strategize,
} from '../src/index.js'

const source = readFileSync(new URL('../../examples/programs/sieve.s', import.meta.url), 'utf8')
const program = assemble(source)

// One uninterrupted run.
const whole = createMachine(program, { input: '10000' })
whole.run()
console.log('primes <= 10000:', whole.outputText().trim()) // 1229

// The same run in two pieces, the state moving through bytes in between.
const first = createMachine(program, { input: '10000' })
first.run(50_000)
const second = loadState(dumpState(first), { input: '10000' })
second.run()
console.log(
  'after transfer:',
  [...first.output, ...second.output]
    .map((b) => String.fromCharCode(b))
    .join('')
    .trim(),
)

// Segmented under a 96-byte transaction size limit: each hop is a virtualization unit.
const seg = segmentSync(program, 96)
const small = { memorySize: 1 << 16 } // 64 KiB is plenty for N = 2000 and keeps each transfer cheap
const res = runSegmented(program, seg, (s, hop) => createVirtualizationUnit(`vu-${s.index}-${hop}`), {
  input: '2000',
  machine: small,
})
console.log(
  `segmented: ${seg.segments.length} segments, ${res.log.length} unit runs, output ${new TextDecoder().decode(res.output).trim()}`,
)

// Overlapping (asynchronous) segments keep loops that straddle a boundary inside one unit.
const overlapped = runSegmented(
  program,
  segmentAsync(program, 96, 48),
  (s, hop) => createVirtualizationUnit(`vu-${s.index}-${hop}`),
  { input: '2000', machine: small },
)
console.log(
  `asynchronous: ${overlapped.log.length} unit runs, output ${new TextDecoder().decode(overlapped.output).trim()}`,
)

// An execution plan over two chains.
const plan = strategize(
  program.text.length,
  [
    {
      id: 'fast',
      txSizeLimit: 128,
      validators: 21,
      blockTime: 1,
      tps: 500,
      avgFee: 0.3,
      decentralization: 0.3,
      privacy: 0.2,
    },
    {
      id: 'private',
      txSizeLimit: 256,
      validators: 60,
      blockTime: 6,
      tps: 50,
      avgFee: 0.05,
      decentralization: 0.5,
      privacy: 0.9,
    },
  ],
  { maxCost: 5, minPrivacy: 0.5 },
)
console.log('plan:', plan.segments.map((s) => `${s.size}B@${s.chain}`).join(' → '), `cost ${plan.cost}`)
