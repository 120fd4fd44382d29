// The three validity levels of paper §8 as evidence checks (docs/pop.md §7).
// Level 1: the structural contract evidence (well-formed, signed by every party).
// Level 2: what a party may do during each phase, and whether it holds the Byzantine-channel privilege.
// Level 3: whether the parties may open the contract inside the associative network (NCN) or outside it.
import { assertContractSignature, type Contract } from './contract.js'
import {
  ByzantineChannelClosedError,
  ContractNotSignedError,
  FaultyPartyError,
  NetworkPolicyError,
  OutOfContractError,
} from './errors.js'
import type { UnitTypeName } from './wire.js'

/** Level 1: throws unless every party's signature over the contract hash is present and valid. */
export function checkLevel1(contract: Contract, signatures: readonly (Uint8Array | undefined)[]): void {
  if (signatures.length !== contract.parties.length) {
    throw new ContractNotSignedError('one signature per party is required', {
      expected: contract.parties.length,
      got: signatures.length,
    })
  }
  signatures.forEach((sig, i) => {
    if (sig === undefined) throw new ContractNotSignedError(`party ${i} has not signed the contract`, i)
    assertContractSignature(contract, i, sig)
  })
}

/** The fields of a unit that Level 2 looks at. */
export interface UnitClaim {
  readonly type: UnitTypeName
  readonly phase?: number
  readonly job?: number
}

/**
 * Level 2, static part (OAOR, paper §2.3): could the contract ever arrange this unit from
 * `sender` to `receiver`? Jobs come only from the job's actor to one of its recipients;
 * receipts only from a recipient of the job. Throws {@link OutOfContractError}.
 */
export function checkLevel2Arranged(contract: Contract, sender: number, receiver: number, claim: UnitClaim): void {
  if (claim.type !== 'Job' && claim.type !== 'Receipt') return
  const job =
    claim.phase === undefined || claim.job === undefined ? undefined : contract.phases[claim.phase]?.jobs[claim.job]
  if (claim.type === 'Job' && (job === undefined || job.actor !== sender || !job.for.includes(receiver))) {
    throw new OutOfContractError('the contract arranges no such job from the sender to this party', {
      sender,
      phase: claim.phase,
      job: claim.job,
    })
  }
  if (claim.type === 'Receipt' && (job === undefined || !job.for.includes(sender))) {
    throw new OutOfContractError('the sender is not a recipient of this job', {
      sender,
      phase: claim.phase,
      job: claim.job,
    })
  }
}

/** What Level 2's Byzantine-channel privilege depends on. */
export interface ByzantineChannelState {
  readonly open: boolean
  readonly closed: boolean
  readonly faulty: ReadonlySet<number>
}

const BYZANTINE: ReadonlySet<UnitTypeName> = new Set(['RecoveryRequest', 'RecoveryResponse', 'Accusation', 'Vote'])

/**
 * Level 2, Byzantine-channel privilege (paper §4.2): the channel is open from contract open to
 * contract close, and a party convicted faulty loses the privilege.
 */
export function checkLevel2Privilege(state: ByzantineChannelState, sender: number, type: UnitTypeName): void {
  if (!BYZANTINE.has(type)) return
  if (!state.open || state.closed)
    throw new ByzantineChannelClosedError('the Byzantine channel is not open', { sender, type })
  if (state.faulty.has(sender))
    throw new FaultyPartyError('a party convicted faulty has no Byzantine-channel privilege', sender)
}

/** Level 3 policy of one associative network (NCN). */
export interface NetworkPolicy {
  /** Party hashes (hex) of the NCN's members. */
  readonly members: ReadonlySet<string>
  /** May members open contracts with parties outside the NCN? */
  readonly allowOutside: boolean
  /** At most this many parties from outside the NCN in one contract (default: unlimited). */
  readonly maxOutsiders?: number
}

/** Level 3: "inside" when every party is a member, "outside" when the policy admits outsiders; else throws. */
export function checkLevel3(contract: Contract, policy: NetworkPolicy): 'inside' | 'outside' {
  const outsiders = contract.partyHexes.filter((h) => !policy.members.has(h))
  if (outsiders.length === 0) return 'inside'
  if (outsiders.length === contract.partyHexes.length)
    throw new NetworkPolicyError('no party of the contract is a member of this network', outsiders)
  if (!policy.allowOutside)
    throw new NetworkPolicyError('this network does not open contracts with outside parties', outsiders)
  if (policy.maxOutsiders !== undefined && outsiders.length > policy.maxOutsiders) {
    throw new NetworkPolicyError(`at most ${policy.maxOutsiders} outside parties are allowed`, outsiders)
  }
  return 'outside'
}
