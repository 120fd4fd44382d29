import test from 'ava'
import fc from 'fast-check'
import {
  contractFromJson,
  contractToJson,
  decodeContract,
  makeContract,
  signContract,
  verifyContractSignature,
} from '../src/contract.js'
import { ContractDecodeError, ContractInvalidError } from '../src/errors.js'
import { exampleContract, sixParties } from './helpers.js'

const ids = sixParties()

test('the paper example has 6 parties, 3 phases and 7 channels', (t) => {
  const c = exampleContract(ids)
  t.is(c.parties.length, 6)
  t.is(c.phases.length, 3)
  t.deepEqual(
    c.channels.map((ch) => [ch.phase, ch.job, ch.actor, ch.recipient]),
    [
      [0, 0, 0, 1],
      [0, 0, 0, 3],
      [1, 0, 1, 2],
      [1, 0, 1, 4],
      [1, 1, 3, 4],
      [2, 0, 2, 5],
      [2, 1, 4, 5],
    ],
  )
})

test('encoding round-trips and the hash depends on every field', (t) => {
  const c = exampleContract(ids)
  const back = decodeContract(c.encoding)
  t.deepEqual(back.hash, c.hash)
  t.deepEqual(contractFromJson(JSON.parse(JSON.stringify(contractToJson(c)))).hash, c.hash)
  const changed = exampleContract(ids, 2001)
  t.notDeepEqual(changed.hash, c.hash)
  // The encoding begins with the magic "PoPC" and version 1.
  t.deepEqual([...c.encoding.subarray(0, 5)], [0x50, 0x6f, 0x50, 0x43, 1])
})

test('every party signs the contract hash; a signature of another party does not verify', (t) => {
  const c = exampleContract(ids)
  const sigs = ids.map((id) => signContract(id, c))
  sigs.forEach((s, i) => {
    t.true(verifyContractSignature(c, i, s))
  })
  t.false(verifyContractSignature(c, 1, sigs[0] as Uint8Array))
})

test('structural rules raise ContractInvalidError with the offending value', (t) => {
  const keys = ids.map((i) => i.publicKey)
  const nonce = new Uint8Array(16)
  const job = { actor: 0, for: [1], action: 'x', hours: 1, deadlineMs: 10 }
  const cases: [string, () => unknown][] = [
    ['one party', () => makeContract({ nonce, parties: keys.slice(0, 1), phases: [{ jobs: [job] }] })],
    [
      'duplicate key',
      () => makeContract({ nonce, parties: [keys[0] as Uint8Array, keys[0] as Uint8Array], phases: [{ jobs: [job] }] }),
    ],
    ['no phases', () => makeContract({ nonce, parties: keys, phases: [] })],
    ['acts for itself', () => makeContract({ nonce, parties: keys, phases: [{ jobs: [{ ...job, for: [0] }] }] })],
    ['bad recipient', () => makeContract({ nonce, parties: keys, phases: [{ jobs: [{ ...job, for: [9] }] }] })],
    ['fractional hours', () => makeContract({ nonce, parties: keys, phases: [{ jobs: [{ ...job, hours: 1.5 }] }] })],
    ['zero deadline', () => makeContract({ nonce, parties: keys, phases: [{ jobs: [{ ...job, deadlineMs: 0 }] }] })],
    ['short nonce', () => makeContract({ nonce: new Uint8Array(3), parties: keys, phases: [{ jobs: [job] }] })],
  ]
  for (const [name, f] of cases) {
    const e = t.throws(f, { instanceOf: ContractInvalidError }, name)
    t.is(e?.name, 'ContractInvalidError')
  }
})

test('decoding arbitrary bytes never crashes with anything but ContractDecodeError/ContractInvalidError', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeContract(bytes)
        return true
      } catch (e) {
        return e instanceof ContractDecodeError || e instanceof ContractInvalidError
      }
    }),
  )
  const c = exampleContract(ids)
  t.throws(() => decodeContract(Uint8Array.of(...c.encoding, 0)), { instanceOf: ContractDecodeError })
  t.throws(() => decodeContract(c.encoding.subarray(0, c.encoding.length - 1)), { instanceOf: ContractDecodeError })
})
