// For every layout: values generated from the declaration round-trip on both paths, and the compiled
// fast path agrees with binary-layout's own deserialize on valid, mutated and random bytes.

import test from 'ava'
import { deserialize } from 'binary-layout'
import fc from 'fast-check'
import { DecodeError } from '../../src/errors.js'
import { complete, layoutArb } from '../helpers/arbitrary.js'
import { ALL_CODECS } from '../helpers/codecs.js'

const RUNS = 300

for (const codec of ALL_CODECS) {
  const values = layoutArb(codec.layout).map((v) => complete(codec, v))

  test(`${codec.name}: fast path and binary-layout encode identically and both decode back`, (t) => {
    fc.assert(
      fc.property(values, (value) => {
        const bytes = codec.encode(value)
        t.deepEqual(Buffer.from(codec.encodeReference(value)), Buffer.from(bytes))
        t.deepEqual(codec.decode(bytes), value)
        t.deepEqual(codec.decodeReference(bytes), value)
        t.deepEqual(Buffer.from(codec.encode(codec.decode(bytes))), Buffer.from(bytes))
      }),
      { numRuns: RUNS },
    )
  })

  const mutated = fc
    .tuple(values, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat(8))
    .map(([value, edits, cut]) => {
      const bytes = codec.encode(value).slice()
      for (const [at, b] of edits) if (bytes.length > 0) bytes[at % bytes.length] = b
      return cut === 0 ? bytes.subarray(0, Math.max(0, bytes.length - 1 - (edits.length % 3))) : bytes
    })
  const inputs = fc.oneof(mutated, fc.uint8Array({ maxLength: 80 }))

  test(`${codec.name}: fast path decodes exactly what binary-layout deserializes`, (t) => {
    fc.assert(
      fc.property(inputs, (bytes) => {
        let reference: unknown
        let referenceOk = true
        try {
          reference = deserialize(codec.layout, bytes)
        } catch {
          referenceOk = false
        }
        let fast: unknown
        try {
          fast = codec.compiled.decode(bytes)
        } catch (e) {
          t.true(e instanceof DecodeError, `fast path threw ${String(e)}`)
          t.false(referenceOk, 'fast path refused bytes binary-layout accepts')
          return
        }
        t.true(referenceOk, 'fast path accepted bytes binary-layout refuses')
        t.deepEqual(fast, reference)
      }),
      { numRuns: RUNS },
    )
  })
}
