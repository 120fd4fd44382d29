import test from 'ava'
import { signContract } from '../src/contract.js'
import {
  AlreadyCreditedError,
  ContractNotSignedError,
  DoubleSpendError,
  DuplicateTransferError,
  InsufficientHoursError,
  NonceGapError,
  TransferInvalidError,
  TransferSignatureInvalidError,
} from '../src/errors.js'
import { PAPER_EXAMPLE_EXPECTED_HOURS } from '../src/example.js'
import { earnedHours, HoursLedger, Participants, signTransfer } from '../src/hours.js'
import type { Identity } from '../src/identity.js'
import { simulate } from '../src/sim.js'
import { exampleContract, sixParties, testIdentity } from './helpers.js'

const ids = sixParties()
const contract = exampleContract(ids)
const [p0, p1, p2] = ids as [Identity, Identity, Identity]
const outsider = testIdentity(30)

let outcome: Awaited<ReturnType<typeof simulate>>['outcomes'][number]
let equivocated: Awaited<ReturnType<typeof simulate>>['outcomes'][number]
test.before(async () => {
  outcome = (await simulate({ contract, identities: ids, seed: 31 })).outcomes[2]
  equivocated = (
    await simulate({ contract, identities: ids, seed: 32, misbehave: { 0: { equivocate: [{ phase: 0, job: 0 }] } } })
  ).outcomes[5]
})

test('hours are computed from the evidence alone: signatures and receipts', (t) => {
  if (outcome === undefined) return t.fail('simulation did not close')
  t.deepEqual(earnedHours(outcome), PAPER_EXAMPLE_EXPECTED_HOURS)
  // Without the receipts of one recipient, the job earns nothing.
  const partial = { ...outcome, receipts: outcome.receipts.filter((r) => !(r.phase === 0 && r.recipient === 3)) }
  t.deepEqual(earnedHours(partial), [0, 5, 4, 3, 6, 0])
  // A forged receipt is ignored.
  const forged = {
    ...outcome,
    receipts: outcome.receipts.map((r) =>
      r.phase === 2 && r.job === 1 ? { ...r, receiptSig: new Uint8Array(64) } : r,
    ),
  }
  t.deepEqual(earnedHours(forged), [8, 5, 4, 3, 0, 0])
  // Level 1: every signature must be there.
  t.throws(() => earnedHours({ ...outcome!, signatures: outcome!.signatures.slice(0, 5) }), {
    instanceOf: ContractNotSignedError,
  })
})

test('violation evidence takes the contradicted job out of the hours', (t) => {
  if (equivocated === undefined) return t.fail('simulation did not close')
  t.deepEqual(earnedHours(equivocated), [0, 5, 4, 3, 6, 0])
})

test('ledger: credit once, transfer to any participant, reject double spending and bad transfers', (t) => {
  if (outcome === undefined) return t.fail('simulation did not close')
  const ledger = new HoursLedger()
  ledger.credit(outcome)
  t.is(ledger.balance(p0.partyHash), 8n)
  t.is(ledger.balance(p1.partyHash), 5n)
  t.throws(() => ledger.credit(outcome!), { instanceOf: AlreadyCreditedError })

  const t0 = signTransfer(p0, outsider.partyHash, 3n, 0n)
  ledger.transfer(t0)
  t.is(ledger.balance(p0.partyHash), 5n)
  t.is(ledger.balance(outsider.partyHash), 3n, 'a participant outside the contract can receive hours')
  t.throws(() => ledger.transfer(t0), { instanceOf: DuplicateTransferError })
  // Same nonce, different recipient: the double spend.
  const e = t.throws(() => ledger.transfer(signTransfer(p0, p2.partyHash, 5n, 0n)), { instanceOf: DoubleSpendError })
  t.is(e?.name, 'DoubleSpendError')
  t.throws(() => ledger.transfer(signTransfer(p0, p2.partyHash, 1n, 5n)), { instanceOf: NonceGapError })
  t.throws(() => ledger.transfer(signTransfer(p0, p2.partyHash, 6n, 1n)), { instanceOf: InsufficientHoursError })
  t.throws(() => ledger.transfer({ ...signTransfer(p0, p2.partyHash, 1n, 1n), amount: 2n }), {
    instanceOf: TransferSignatureInvalidError,
  })
  t.throws(() => ledger.transfer(signTransfer(p0, p2.partyHash, 0n, 1n)), { instanceOf: TransferInvalidError })
  t.throws(() => ledger.transfer(signTransfer(p0, p0.partyHash, 1n, 1n)), { instanceOf: TransferInvalidError })
  // Failed transfers changed nothing.
  t.is(ledger.balance(p0.partyHash), 5n)
  t.is(ledger.balance(p2.partyHash), 4n)
  ledger.transfer(signTransfer(p0, p2.partyHash, 5n, 1n))
  t.is(ledger.balance(p0.partyHash), 0n)
  t.is(ledger.balance(p2.partyHash), 9n)
})

test('participants are active while in an open contract and passive otherwise', (t) => {
  const parts = new Participants()
  t.is(parts.state(p0.partyHash), 'passive')
  parts.opened(contract)
  t.is(parts.state(p0.partyHash), 'active')
  t.deepEqual(parts.counts(), { active: 6, passive: 0 })
  parts.closed(contract)
  t.is(parts.state(p0.partyHash), 'passive')
  t.deepEqual(parts.counts(), { active: 0, passive: 6 })
  t.truthy(signContract(p0, contract))
})
