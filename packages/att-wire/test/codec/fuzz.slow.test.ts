// At least 1,000,000 random and mutated inputs per decoder: each yields a value or one of the
// package's typed errors, never any other exception.

import test from 'ava'
import fc from 'fast-check'
import { AttWireError } from '../../src/errors.js'
import { complete, layoutArb } from '../helpers/arbitrary.js'
import { ALL_CODECS } from '../helpers/codecs.js'

const INPUTS = Number(process.env.ATT_FUZZ_INPUTS ?? 1_000_000)
// Stack traces are the dominant cost of a refused input and say nothing here; the thrown objects
// are the same typed errors with the same field, offset and expectation.
Error.stackTraceLimit = 0

/** xorshift32: seeded, so a failure names the input that caused it. */
function rng(seed: number) {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
}

for (const [index, codec] of ALL_CODECS.entries()) {
  test(`${codec.name}: ${INPUTS} fuzzed inputs give a value or a typed error`, async (t) => {
    t.timeout(900_000)
    const seeds = fc.sample(
      layoutArb(codec.layout).map((v) => codec.encode(complete(codec, v))),
      { numRuns: 64, seed: 42 + index },
    )
    const next = rng(0x9e3779b9 ^ index)
    const scratch = new Uint8Array(512)
    let decoded = 0
    let refused = 0
    for (let i = 0; i < INPUTS; i++) {
      // Yield now and then so the worker stays responsive on a loaded machine.
      if (i % 100_000 === 0) await new Promise((resolve) => setImmediate(resolve))
      const r = next()
      let input: Uint8Array
      if (r & 1) {
        // Mutation of a valid encoding: 1..4 byte edits, then maybe truncation or extension.
        const base = seeds[r % seeds.length]!
        const length = Math.min(scratch.length, base.length + ((r >>> 8) % 3 === 0 ? (r >>> 12) % 5 : 0))
        scratch.set(base.subarray(0, length))
        const edits = 1 + ((r >>> 4) % 4)
        for (let e = 0; e < edits; e++) {
          const v = next()
          if (length > 0) scratch[v % length] = v >>> 24
        }
        const cut = (r >>> 16) % 4 === 0 ? (r >>> 20) % (length + 1) : length
        input = scratch.subarray(0, cut)
      } else {
        const length = (r >>> 1) % 96
        for (let j = 0; j < length; j++) scratch[j] = next() & 0xff
        input = scratch.subarray(0, length)
      }
      try {
        codec.decode(input)
        decoded++
      } catch (e) {
        if (!(e instanceof AttWireError)) {
          t.fail(`input ${i} (${Buffer.from(input).toString('hex')}) threw ${String(e)}`)
          return
        }
        refused++
      }
    }
    t.is(decoded + refused, INPUTS)
    t.log(`${codec.name}: ${decoded} decoded, ${refused} refused with typed errors`)
  })
}
