// Normal mode and dispute mode must agree exactly: status, results, instruction count, gas and
// the final state hash — on random programs with random gas limits and on targeted traps.
import test from 'ava'
import fc from 'fast-check'
import { workModule } from '../examples/programs.js'
import { buildModule } from '../src/builder.js'
import { compileModule } from '../src/compile.js'
import { ArgumentError } from '../src/errors.js'
import { NormalInstance, NormalModule } from '../src/normal.js'
import { Status } from '../src/numeric.js'
import { value } from '../src/values.js'
import { dispute, normal } from './helpers/both.js'
import { randomProgram } from './helpers/random-program.js'

test('work(n) agrees in both modes, including out of gas', (t) => {
  const c = compileModule(workModule())
  for (const [n, gas] of [
    [10, 100_000n],
    [1000, 1_000_000n],
    [1000, 5000n],
    [3, 50n],
  ] as const) {
    const d = dispute(c, 'work', [value('i32', n)], gas)
    t.deepEqual(normal(c, 'work', [value('i32', n)], gas), d)
    if (gas < 10_000n) t.is(d.status, Status.OutOfGas)
  }
})

test('random programs and gas limits: the two modes agree exactly', (t) => {
  let statuses = new Set<number>()
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 20, max: 5000 }), (seed, gas) => {
      const p = randomProgram(seed)
      const c = compileModule(p.bytes)
      const d = dispute(c, 'main', [value('i32', p.arg)], BigInt(gas))
      statuses.add(d.status)
      t.deepEqual(normal(c, 'main', [value('i32', p.arg)], BigInt(gas)), d)
    }),
    { numRuns: 150 },
  )
  // The generator must actually reach returns, traps and out-of-gas.
  t.true(statuses.has(Status.Returned) && statuses.has(Status.OutOfGas) && statuses.size >= 4, [...statuses].join(','))
  statuses = new Set()
})

const I32 = 0x7f
test('traps mid-segment are counted exactly in normal mode', (t) => {
  const bytes = buildModule({
    memory: { min: 1, max: 1 },
    table: [1],
    funcs: [
      {
        export: 'f',
        params: [I32],
        results: [I32],
        body: [
          // a few instructions, then a trapping op chosen by the argument, then more instructions
          0x41,
          1,
          0x41,
          2,
          0x6a,
          0x1a,
          0x20,
          0,
          0x41,
          0,
          0x46,
          0x04,
          0x40,
          0x41,
          1,
          0x41,
          0,
          0x6d,
          0x1a,
          0x0b, // div by zero
          0x20,
          0,
          0x41,
          1,
          0x46,
          0x04,
          0x40,
          0x41,
          ...[0xff, 0xff, 0x03],
          0x41,
          7,
          0x36,
          2,
          0,
          0x0b, // OOB store
          0x20,
          0,
          0x41,
          2,
          0x46,
          0x04,
          0x40,
          0x41,
          5,
          0x11,
          1,
          0,
          0x0b, // undefined element
          0x20,
          0,
          0x41,
          3,
          0x46,
          0x04,
          0x40,
          0x41,
          9,
          0x41,
          0,
          0x11,
          2,
          0,
          0x1a,
          0x0b, // type mismatch
          0x20,
          0,
          0x41,
          4,
          0x46,
          0x04,
          0x40,
          0x44,
          0,
          0,
          0,
          0,
          0,
          0,
          0xf8,
          0x7f,
          0xaa,
          0x1a,
          0x0b, // NaN trunc
          0x20,
          0,
          0x41,
          5,
          0x46,
          0x04,
          0x40,
          0x20,
          0,
          0x10,
          2,
          0x1a,
          0x0b, // runaway recursion
          0x41,
          9,
        ],
      },
      { params: [], results: [], body: [] },
      { params: [I32], results: [I32], body: [0x20, 0, 0x10, 2] },
    ],
  })
  const c = compileModule(bytes)
  const want = [
    Status.DivByZero,
    Status.OutOfBounds,
    Status.UndefinedElement,
    Status.IndirectCallTypeMismatch,
    Status.InvalidConversion,
    Status.Exhausted,
    Status.Returned,
  ]
  want.forEach((status, arg) => {
    const d = dispute(c, 'f', [value('i32', arg)], 10_000_000n)
    t.is(d.status, status, `arg ${arg}`)
    t.deepEqual(normal(c, 'f', [value('i32', arg)], 10_000_000n), d, `arg ${arg}`)
  })
})

test('normal mode rejects gas limits above 2^31 - 1 and zero-cost schedules (packed counters)', (t) => {
  const c = compileModule(workModule())
  const ni = new NormalInstance(new NormalModule(c))
  const e = t.throws(() => ni.invoke('work', [value('i32', 1)], 2n ** 31n), { instanceOf: ArgumentError })
  t.is(e?.value, 2n ** 31n)
  const free = new Uint32Array(256).fill(1)
  free[0x01] = 0
  t.throws(() => new NormalModule(c, { gasSchedule: free }), { instanceOf: ArgumentError })
  t.is(ni.invoke('work', [value('i32', 1)], 2n ** 31n - 1n).status, Status.Returned)
})
