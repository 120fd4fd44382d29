import test from 'ava'
import fc from 'fast-check'
import { ChainBrokenError, ReplayedUnitError, StreamForkError } from '../src/errors.js'
import { ReceiveStream } from '../src/stream.js'

test('gaps are reported, filled and the expected sequence number advances', (t) => {
  const r = new ReceiveStream()
  r.accept(1, 11, 0)
  r.accept(3, 33, 22)
  t.deepEqual(r.missing(), [2])
  t.is(r.expectFrom, 2)
  r.accept(2, 22, 11)
  t.deepEqual(r.missing(), [])
  t.is(r.expectFrom, 4)
  r.announce(6)
  t.deepEqual(r.missing(), [4, 5, 6])
})

test('duplicates are ReplayedUnitError, a different unit under a used number is StreamForkError', (t) => {
  const r = new ReceiveStream()
  r.accept(1, 11, 0)
  t.throws(() => r.accept(1, 11, 0), { instanceOf: ReplayedUnitError })
  t.throws(() => r.accept(1, 12, 0), { instanceOf: StreamForkError })
})

test('a unit whose prevCrc does not link to its neighbours is ChainBrokenError', (t) => {
  const r = new ReceiveStream()
  t.throws(() => r.accept(1, 11, 5), { instanceOf: ChainBrokenError })
  r.accept(1, 11, 0)
  t.throws(() => r.accept(2, 22, 99), { instanceOf: ChainBrokenError })
  r.accept(4, 44, 33)
  t.throws(() => r.accept(3, 34, 22), { instanceOf: ChainBrokenError }, 'unit 4 says unit 3 had CRC 33')
  r.accept(3, 33, 22)
  t.is(r.expectFrom, 2)
})

test('property: any arrival order of a chained stream is accepted in full, once', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 30 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
          ),
        ([n, order]) => {
          const r = new ReceiveStream()
          const crc = (s: number) => s * 7 + 1
          for (const i of order) r.accept(i + 1, crc(i + 1), i === 0 ? 0 : crc(i))
          for (const i of order) {
            try {
              r.accept(i + 1, crc(i + 1), i === 0 ? 0 : crc(i))
              return false
            } catch (e) {
              if (!(e instanceof ReplayedUnitError)) return false
            }
          }
          return r.expectFrom === n + 1 && r.missing().length === 0
        },
      ),
    ),
  )
})
