/**
 * Proof of Participation (PoP): phased, signed business contracts executed over UDP.
 *
 * A contract lists parties (known by the SHA-256 of their ed25519 key), phases and jobs.
 * Once every party has signed its hash, each party runs {@link popNode}: it acts in its
 * phases, accepts only what the contract arranges ("one action, one round"), repairs loss with
 * retransmission requests and uses the Byzantine channel (recovery, violation, voting) against
 * silent or contradictory parties. Closed contracts credit hours to an {@link HoursLedger}.
 * The engine is pure logic over injected ports; `@atmosphere/pop-contracts/adapters/udp`
 * supplies the real socket and {@link simulate} a deterministic in-memory network.
 * Protocol details: docs/pop.md.
 *
 * @example The paper's example on the simulator, credited to a ledger.
 * ```ts
 * import { HoursLedger, identityFromSecret, paperExample, simulate } from '@atmosphere/pop-contracts'
 *
 * const parties = Array.from({ length: 6 }, (_v, i) => identityFromSecret(new Uint8Array(32).fill(i + 1)))
 * const contract = paperExample(parties.map((p) => p.publicKey), new Uint8Array(16))
 * const run = await simulate({ contract, identities: parties, seed: 42, faults: { loss: 0.1 } })
 * const ledger = new HoursLedger()
 * ledger.credit(run.outcomes[0]!) // [8, 5, 4, 3, 6, 0]
 * ```
 *
 * @packageDocumentation
 */
export {
  assertContractSignature,
  type Channel,
  CONTRACT_SIGNATURE_DOMAIN,
  type Contract,
  type ContractJson,
  type ContractSpec,
  contractFromJson,
  contractLayout,
  contractToJson,
  decodeContract,
  type Job,
  LIMITS,
  makeContract,
  type Phase,
  partyIndex,
  signContract,
  verifyContractSignature,
} from './contract.js'
export { crc32 } from './crc32.js'
export * from './errors.js'
export {
  type ByzantineChannelState,
  checkLevel1,
  checkLevel2Arranged,
  checkLevel2Privilege,
  checkLevel3,
  type NetworkPolicy,
  type UnitClaim,
} from './evidence.js'
export { PAPER_EXAMPLE_EXPECTED_HOURS, PAPER_EXAMPLE_HOURS, paperExample } from './example.js'
export {
  type ContractEvidence,
  decodeTransfer,
  earnedHours,
  encodeTransfer,
  HoursLedger,
  Participants,
  type SignedTransfer,
  signTransfer,
  type Transfer,
  transferLayout,
} from './hours.js'
export { generateIdentity, type Identity, identityFromSecret, partyHashOf } from './identity.js'
export {
  type ChannelStatus,
  type ContractOutcome,
  DEFAULT_PARAMS,
  type Misbehaviour,
  type PopComponents,
  type PopEvent,
  type PopNode,
  type PopNodeInit,
  type PopParams,
  type PopStats,
  popNode,
} from './node.js'
export { type ChannelState, type PartyPhaseState, PhaseMachine } from './phase.js'
export { type Random, realClock, seededRandom, systemRandom, virtualClock } from './ports.js'
export {
  type ChannelFaults,
  type NetworkStats,
  type SimNetwork,
  type SimulationOptions,
  type SimulationResult,
  simNetwork,
  simulate,
} from './sim.js'
export {
  checkViolation,
  convictionThreshold,
  hoursDigest,
  normalizeViolation,
  type Receipt,
  signJob,
  signReceipt,
  signVote,
  type ViolationEvidence,
  verifyJob,
  verifyReceipt,
  verifyVote,
} from './statements.js'
export {
  AccusationKind,
  type DecodedHalf,
  decodeHalf,
  decodePayload,
  type EncodedUnit,
  encodePayload,
  encodeUnit,
  FLAG_CONTROL,
  HEADER_SIGNED_SIZE,
  HEADER_SIZE,
  headerLayout,
  Item,
  MAX_PAYLOAD,
  type PayloadOf,
  PREFIX_SIZE,
  payloadDatagramLayout,
  payloadLayouts,
  type UnitFields,
  type UnitHeader,
  UnitType,
  type UnitTypeName,
  unitCrc,
  verifyUnitSignature,
} from './wire.js'
