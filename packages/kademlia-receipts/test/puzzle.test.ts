import { sha256 } from '@noble/hashes/sha2.js'
import test from 'ava'
import { toHex } from '../src/bytes.js'
import { BadPuzzleError, InvalidParameterError } from '../src/errors.js'
import { leadingZeroBits } from '../src/id.js'
import { generateIdentity } from '../src/identity.js'
import { checkIdentity, dynamicPuzzleHolds, nodeIdOf, staticPuzzleHolds } from '../src/puzzle.js'
import { seededRandom } from '../src/random.js'

const params = { c1: 6, c2: 6 }

test('a generated identity solves both puzzles: id = H(pk), H(id) and H(id ^ X) have leading zeros', (t) => {
  const ident = generateIdentity(params, seededRandom(7))
  t.is(toHex(ident.id), toHex(sha256(ident.publicKey)))
  t.true(leadingZeroBits(sha256(ident.id)) >= 6)
  t.true(dynamicPuzzleHolds(ident.id, ident.x, 6))
  t.is(toHex(checkIdentity(ident.publicKey, ident.x, params)), ident.idHex)
})

test('a wrong nonce fails the dynamic puzzle with a typed error', (t) => {
  const ident = generateIdentity(params, seededRandom(8))
  let x = ident.x + 1n
  while (dynamicPuzzleHolds(ident.id, x, 6)) x++
  const e = t.throws(() => checkIdentity(ident.publicKey, x, params), { instanceOf: BadPuzzleError })
  t.is(e?.puzzle, 'dynamic')
  t.is(e?.nodeId, ident.idHex)
})

test('a key whose id fails the static puzzle is rejected', (t) => {
  const rnd = seededRandom(9)
  let pk = rnd.bytes(32)
  while (staticPuzzleHolds(nodeIdOf(pk), 6)) pk = rnd.bytes(32)
  const e = t.throws(() => checkIdentity(pk, 0n, params), { instanceOf: BadPuzzleError })
  t.is(e?.puzzle, 'static')
})

test('a claimed id that is not H(pk) is rejected', (t) => {
  const ident = generateIdentity(params, seededRandom(10))
  const e = t.throws(() => checkIdentity(ident.publicKey, ident.x, params, new Uint8Array(32)), {
    instanceOf: BadPuzzleError,
  })
  t.is(e?.puzzle, 'id')
})

test('puzzle difficulty out of range is a typed error', (t) => {
  t.throws(() => generateIdentity({ c1: 40, c2: 0 }, seededRandom(1)), { instanceOf: InvalidParameterError })
})
