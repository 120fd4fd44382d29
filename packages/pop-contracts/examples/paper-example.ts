// The paper's six-party, three-phase contract, run on the deterministic simulator with 10%
// loss and reordering, then credited to an hours ledger and one transfer made.
// Run: node dist/examples/paper-example.js
import { HoursLedger, identityFromSecret, paperExample, signTransfer, simulate } from '@atmosphere/pop-contracts'

const parties = Array.from({ length: 6 }, (_v, i) => identityFromSecret(new Uint8Array(32).fill(i + 1)))
const contract = paperExample(
  parties.map((p) => p.publicKey),
  new Uint8Array(16),
)

const run = await simulate({ contract, identities: parties, seed: 42, faults: { loss: 0.1, reorder: 0.3 } })
const outcome = run.outcomes[0]
if (outcome === undefined) throw new Error('the contract did not close')
console.log('hours per party:', outcome.hours.join(', '))

const ledger = new HoursLedger()
ledger.credit(outcome)
const [first, second] = parties as [(typeof parties)[0], (typeof parties)[0]]
ledger.transfer(signTransfer(first, second.partyHash, 3n, 0n))
console.log(
  'party 1 now holds',
  ledger.balance(first.partyHash),
  'hours; party 2 holds',
  ledger.balance(second.partyHash),
)
