// Public types of the PoP engine: parameters, ports, events, statistics and outcomes.
import type { Clock, Transport } from '@atmosphere/interfaces'
import type { Contract } from './contract.js'
import type { Identity } from './identity.js'
import type { PhaseMachine } from './phase.js'
import type { Random } from './ports.js'
import type { Receipt, ViolationEvidence } from './statements.js'

/** Timing and buffer parameters (defaults in {@link DEFAULT_PARAMS}; docs/pop.md §6). */
export interface PopParams {
  /** Period of the stall check. */
  readonly tickMs: number
  /** Wait before a retransmission request, and between two requests to the same peer. */
  readonly retransmitAfterMs: number
  /** Retransmission requests to a silent party before the recovery request (after its deadline). */
  readonly maxRetransmits: number
  /** Wait after a recovery request before the silence accusation. */
  readonly recoveryTimeoutMs: number
  /** Age after which an unpaired datagram half is dropped. */
  readonly reassemblyTimeoutMs: number
  /** Most unpaired halves kept. */
  readonly maxPendingHalves: number
  /** Wait between receiving a silence accusation and voting, so the accused can defend itself. */
  readonly voteDelayMs: number
}
export const DEFAULT_PARAMS: PopParams = {
  tickMs: 100,
  retransmitAfterMs: 400,
  maxRetransmits: 3,
  recoveryTimeoutMs: 1500,
  reassemblyTimeoutMs: 10_000,
  maxPendingHalves: 4096,
  voteDelayMs: 800,
}

/** Deliberate misbehaviour, for tests and the simulator only. */
export interface Misbehaviour {
  /** Send a different message to each recipient of these jobs (contradictory signed messages). */
  readonly equivocate?: readonly { readonly phase: number; readonly job: number }[]
  /** Never send these jobs. */
  readonly silentJobs?: readonly { readonly phase: number; readonly job: number }[]
  /** Announce an hours table with 100 extra hours for oneself in Close. */
  readonly inflateHours?: boolean
  /** Close these input channels without ever sending the receipt. */
  readonly withholdReceipts?: readonly { readonly phase: number; readonly job: number }[]
  /** Ignore these jobs when they arrive and accuse their actor of silence. */
  readonly falselyAccuse?: readonly { readonly phase: number; readonly job: number }[]
}

/** Ports the engine runs on. */
export interface PopComponents<A> {
  readonly transport: Transport<A>
  readonly clock: Clock
  readonly random: Random
}

/** What a node needs to know. */
export interface PopNodeInit<A> {
  readonly contract: Contract
  readonly identity: Identity
  /** Transport address of each party, by party index. */
  readonly endpoints: readonly A[]
  readonly params?: Partial<PopParams>
  /** Bytes the actor delivers for a job; default: the job's action text. */
  readonly jobData?: (phase: number, job: number) => Uint8Array
  readonly misbehave?: Misbehaviour
  readonly onEvent?: (event: PopEvent) => void
}

/** Everything a node reports, in order (the CLI logs these as JSON lines). */
export type PopEvent =
  | { readonly type: 'signature'; readonly party: number }
  | { readonly type: 'open' }
  | { readonly type: 'phase-open'; readonly phase: number }
  | { readonly type: 'job-sent'; readonly phase: number; readonly job: number; readonly to: readonly number[] }
  | {
      readonly type: 'channel-closed'
      readonly phase: number
      readonly job: number
      readonly recipient: number
      readonly via: 'job' | 'receipt' | 'recovery'
    }
  | { readonly type: 'rejected'; readonly error: string; readonly message: string; readonly from?: number }
  | {
      readonly type: 'retransmit-request'
      readonly to: number
      readonly expectFrom: number
      readonly missing: readonly number[]
    }
  | { readonly type: 'retransmitted'; readonly to: number; readonly seqs: readonly number[] }
  | {
      readonly type: 'recovery-request'
      readonly subject: number
      readonly phase: number
      readonly job: number
      readonly item: number
    }
  | { readonly type: 'recovery-response'; readonly to: number; readonly phase: number; readonly job: number }
  | {
      readonly type: 'accusation'
      readonly id: string
      readonly kind: 'violation' | 'silence'
      readonly subject: number
      readonly by: number
    }
  | { readonly type: 'vote'; readonly id: string; readonly voter: number; readonly guilty: boolean }
  | { readonly type: 'faulty'; readonly party: number; readonly accusation: string }
  | { readonly type: 'acquitted'; readonly party: number; readonly accusation: string }
  | { readonly type: 'close-received'; readonly party: number }
  | {
      readonly type: 'closed'
      readonly hours: readonly number[]
      readonly faulty: readonly number[]
      readonly disagreeing: readonly number[]
    }

/** Counters of a node's traffic; `dropped` is keyed by error name. */
export interface PopStats {
  datagramsSent: number
  datagramsReceived: number
  unitsSent: number
  unitsAccepted: number
  unitsRetransmitted: number
  retransmitRequestsSent: number
  dropped: Record<string, number>
}

/** The state of another party's channels as answered to a status request. */
export interface ChannelStatus {
  readonly party: number
  /** Channel indices the responder knows closed. */
  readonly closed: readonly number[]
  readonly faulty: readonly number[]
  /** The responder's next expected sequence number from us (its acknowledgement). */
  readonly expectFrom: number
}

/** What a closed contract leaves behind: the evidence for the hours ledger. */
export interface ContractOutcome {
  readonly contract: Contract
  readonly signatures: readonly Uint8Array[]
  readonly receipts: readonly Receipt[]
  readonly violations: readonly ViolationEvidence[]
  readonly faulty: readonly number[]
  readonly hours: readonly number[]
  /** Non-faulty parties whose Close announced a different hours table. */
  readonly disagreeing: readonly number[]
}

/** The engine's public handle. */
export interface PopNode {
  readonly me: number
  readonly machine: PhaseMachine
  readonly stats: PopStats
  readonly faulty: ReadonlySet<number>
  /** Resolves when the contract is closed by every non-faulty party. */
  readonly closed: Promise<ContractOutcome>
  readonly isClosed: boolean
  /** True when every peer acknowledged everything this node sent. */
  readonly allAcknowledged: boolean
  /** Signs the contract and starts the exchange. */
  start(): void
  stop(): void
  /** Asks one party for its channel state with one unicast request (paper §6), repeated if lost; rejects with StatusTimeoutError. */
  queryStatus(party: number, options?: { timeoutMs?: number }): Promise<ChannelStatus>
}
