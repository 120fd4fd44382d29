// The paper's running example (§2.1): six parties, three phases. Phase 1: party 1 acts for
// parties 2 and 4. Phase 2: party 2 for 3 and 5, party 4 for 5. Phase 3 ("the same logic"):
// party 3 for 6 and party 5 for 6 (§3's "transaction from the node 3 to the node 6").
// Indices are 0-based: paper party k is index k-1.
import { type Contract, type ContractSpec, makeContract } from './contract.js'

/** Hours per job in {@link paperExample}, in (phase, job) order. */
export const PAPER_EXAMPLE_HOURS = [[8], [5, 3], [4, 6]] as const

/** The six-party, three-phase contract of the paper's example. */
export function paperExample(parties: readonly Uint8Array[], nonce: Uint8Array, deadlineMs = 2000): Contract {
  if (parties.length !== 6) throw new RangeError('the paper example has six parties')
  const spec: ContractSpec = {
    nonce,
    parties,
    phases: [
      { jobs: [{ actor: 0, for: [1, 3], action: 'deliver parts to parties 2 and 4', hours: 8, deadlineMs }] },
      {
        jobs: [
          { actor: 1, for: [2, 4], action: 'assemble and ship to parties 3 and 5', hours: 5, deadlineMs },
          { actor: 3, for: [4], action: 'certify for party 5', hours: 3, deadlineMs },
        ],
      },
      {
        jobs: [
          { actor: 2, for: [5], action: 'install for party 6', hours: 4, deadlineMs },
          { actor: 4, for: [5], action: 'train party 6', hours: 6, deadlineMs },
        ],
      },
    ],
  }
  return makeContract(spec)
}

/** Hours each party of {@link paperExample} earns when every job executes: [8, 5, 4, 3, 6, 0]. */
export const PAPER_EXAMPLE_EXPECTED_HOURS: readonly number[] = [8, 5, 4, 3, 6, 0]
