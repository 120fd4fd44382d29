import { sha256 } from '@noble/hashes/sha2.js'
import test from 'ava'
import { signContract } from '../src/contract.js'
import {
  ByzantineChannelClosedError,
  ContractNotSignedError,
  ContractSignatureInvalidError,
  FaultyPartyError,
  InvalidEvidenceError,
  NetworkPolicyError,
  OutOfContractError,
} from '../src/errors.js'
import { checkLevel1, checkLevel2Arranged, checkLevel2Privilege, checkLevel3 } from '../src/evidence.js'
import { checkViolation, convictionThreshold, signJob } from '../src/statements.js'
import { exampleContract, sixParties, testIdentity } from './helpers.js'

const ids = sixParties()
const contract = exampleContract(ids)

test('Level 1: all six signatures, each by its own party', (t) => {
  const sigs = ids.map((id) => signContract(id, contract))
  t.notThrows(() => checkLevel1(contract, sigs))
  t.throws(() => checkLevel1(contract, [...sigs.slice(0, 5), undefined]), { instanceOf: ContractNotSignedError })
  t.throws(() => checkLevel1(contract, [sigs[1], ...sigs.slice(1)]), { instanceOf: ContractSignatureInvalidError })
})

test('Level 2: OAOR arrangement and the Byzantine-channel privilege', (t) => {
  t.notThrows(() => checkLevel2Arranged(contract, 0, 1, { type: 'Job', phase: 0, job: 0 }))
  t.throws(() => checkLevel2Arranged(contract, 0, 2, { type: 'Job', phase: 0, job: 0 }), {
    instanceOf: OutOfContractError,
  })
  t.throws(() => checkLevel2Arranged(contract, 3, 1, { type: 'Job', phase: 0, job: 0 }), {
    instanceOf: OutOfContractError,
  })
  t.throws(() => checkLevel2Arranged(contract, 0, 1, { type: 'Job', phase: 7, job: 0 }), {
    instanceOf: OutOfContractError,
  })
  t.notThrows(() => checkLevel2Arranged(contract, 3, 0, { type: 'Receipt', phase: 0, job: 0 }))
  t.throws(() => checkLevel2Arranged(contract, 5, 0, { type: 'Receipt', phase: 0, job: 0 }), {
    instanceOf: OutOfContractError,
  })
  const open = { open: true, closed: false, faulty: new Set<number>() }
  t.notThrows(() => checkLevel2Privilege(open, 2, 'Vote'))
  t.throws(() => checkLevel2Privilege({ ...open, open: false }, 2, 'Accusation'), {
    instanceOf: ByzantineChannelClosedError,
  })
  t.throws(() => checkLevel2Privilege({ ...open, closed: true }, 2, 'RecoveryRequest'), {
    instanceOf: ByzantineChannelClosedError,
  })
  t.throws(() => checkLevel2Privilege({ ...open, faulty: new Set([2]) }, 2, 'Vote'), { instanceOf: FaultyPartyError })
  t.notThrows(
    () => checkLevel2Privilege({ ...open, open: false }, 2, 'Signature'),
    'signatures are not Byzantine-channel units',
  )
})

test('Level 3: inside the network, outside when allowed, refused otherwise', (t) => {
  const members = new Set(contract.partyHexes)
  t.is(checkLevel3(contract, { members, allowOutside: false }), 'inside')
  const five = new Set(contract.partyHexes.slice(0, 5))
  t.is(checkLevel3(contract, { members: five, allowOutside: true }), 'outside')
  t.throws(() => checkLevel3(contract, { members: five, allowOutside: false }), { instanceOf: NetworkPolicyError })
  t.throws(
    () =>
      checkLevel3(contract, { members: new Set(contract.partyHexes.slice(0, 3)), allowOutside: true, maxOutsiders: 2 }),
    { instanceOf: NetworkPolicyError },
  )
  t.throws(() => checkLevel3(contract, { members: new Set(), allowOutside: true }), { instanceOf: NetworkPolicyError })
})

test('violation evidence: two actor-signed digests for one job convict; anything less does not', (t) => {
  const actor = ids[0]!
  const dA = sha256(new Uint8Array([1]))
  const dB = sha256(new Uint8Array([2]))
  const e = {
    subject: 0,
    phase: 0,
    job: 0,
    digestA: dA,
    sigA: signJob(actor.secretKey, contract, 0, 0, dA),
    digestB: dB,
    sigB: signJob(actor.secretKey, contract, 0, 0, dB),
  }
  t.notThrows(() => checkViolation(contract, e))
  t.throws(() => checkViolation(contract, { ...e, digestB: dA, sigB: e.sigA }), { instanceOf: InvalidEvidenceError })
  t.throws(() => checkViolation(contract, { ...e, subject: 1 }), { instanceOf: InvalidEvidenceError })
  t.throws(() => checkViolation(contract, { ...e, sigB: signJob(testIdentity(9).secretKey, contract, 0, 0, dB) }), {
    instanceOf: InvalidEvidenceError,
  })
  t.throws(() => checkViolation(contract, { ...e, phase: 1 }), { instanceOf: InvalidEvidenceError })
  t.is(convictionThreshold(6), 4)
  t.is(convictionThreshold(2), 1)
  t.is(convictionThreshold(4), 3)
})
