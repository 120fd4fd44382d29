import test from 'ava'
import fc from 'fast-check'
import { commonPrefixLength, compareDistance, leadingZeroBits, randomIdInBucket, xor } from '../src/id.js'

const id = fc.uint8Array({ minLength: 32, maxLength: 32 })

test('leadingZeroBits counts bits, not bytes', (t) => {
  t.is(leadingZeroBits(new Uint8Array([0, 0x10, 0xff])), 11)
  t.is(leadingZeroBits(new Uint8Array([0x80])), 0)
  t.is(leadingZeroBits(new Uint8Array(32)), 256)
})

test('compareDistance orders like the XOR value read as a big-endian integer', (t) => {
  fc.assert(
    fc.property(id, id, id, (target, a, b) => {
      const da = BigInt(`0x${Buffer.from(xor(a, target)).toString('hex')}`)
      const db = BigInt(`0x${Buffer.from(xor(b, target)).toString('hex')}`)
      const c = compareDistance(target, a, b)
      return Math.sign(c) === (da < db ? -1 : da > db ? 1 : 0)
    }),
  )
  t.is(compareDistance(new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)), 0)
})

test('randomIdInBucket lands in the requested bucket', (t) => {
  fc.assert(
    fc.property(
      id,
      id,
      fc.integer({ min: 0, max: 255 }),
      (self, rnd, prefix) => commonPrefixLength(self, randomIdInBucket(self, prefix, rnd)) === prefix,
    ),
  )
  const self = new Uint8Array(32)
  t.is(commonPrefixLength(self, self), 256)
})
