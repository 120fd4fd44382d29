import { RLP } from '@ethereumjs/rlp'
import test from 'ava'
import fc from 'fast-check'
import { type RlpInput, rlpEncode, utf8Bytes } from '../src/index.js'

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))

// Byte strings around every RLP length boundary (0, 1, 55, 56, 255, 256, 65 536).
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 3 }),
  fc.uint8Array({ minLength: 54, maxLength: 58 }),
  fc.uint8Array({ minLength: 250, maxLength: 260 }),
  fc.constantFrom(new Uint8Array(65_536), new Uint8Array(65_535).fill(0x80)),
  fc.integer({ min: 0, max: 255 }).map((b) => Uint8Array.of(b)),
)
const { item } = fc.letrec<{ item: RlpInput }>((tie) => ({
  item: fc.oneof({ depthSize: 'small', withCrossShrink: true }, bytes, fc.array(tie('item'), { maxLength: 6 })),
}))

test('rlpEncode gives byte for byte the output of @ethereumjs/rlp on random nested input', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(item, (x) => same(rlpEncode(x), RLP.encode(x as Uint8Array))),
      { numRuns: 500 },
    ),
  )
  // Lists whose payload crosses 55 and 256 bytes.
  for (const n of [0, 1, 54, 55, 56, 57, 255, 256, 300, 70_000]) {
    const list = Array.from({ length: n }, (_, i) => Uint8Array.of(i % 256))
    t.true(same(rlpEncode(list), RLP.encode(list)), `list of ${n}`)
  }
})

test('rlpEncode refuses what is neither bytes nor a list', (t) => {
  t.throws(() => rlpEncode('text' as unknown as Uint8Array), { instanceOf: TypeError })
  t.throws(() => rlpEncode([5 as unknown as Uint8Array]), { instanceOf: TypeError })
})

test('utf8Bytes matches TextEncoder on any string', (t) => {
  const enc = new TextEncoder()
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (s) =>
        same(utf8Bytes(s), enc.encode(s)),
      ),
      { numRuns: 1000 },
    ),
  )
  t.deepEqual(utf8Bytes('a68b06'), enc.encode('a68b06'))
})
