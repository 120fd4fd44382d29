// The JSON report shared by both simulators (fast statistical model and full engines).
import type { RejectReason } from '../rules.js'
import type { PoetSettings } from '../settings.js'

/** Misbehaviours the simulator can play (see docs/poet.md "Adversaries"). */
export type AdversaryKind =
  | 'early-claim'
  | 'forge'
  | 'replay'
  | 'multi-enclave'
  | 'withhold'
  | 'compromised'
  | 'equivocate'

export const ADVERSARY_KINDS: readonly AdversaryKind[] = [
  'early-claim',
  'forge',
  'replay',
  'multi-enclave',
  'withhold',
  'compromised',
  'equivocate',
]

/** `count` validators playing `kind`. */
export interface AdversarySpec {
  readonly kind: AdversaryKind
  readonly count: number
}

/** What happened to one adversarial validator. */
export interface AdversaryOutcome {
  readonly kind: AdversaryKind
  readonly validatorId: string
  /** Blocks it sent that honest validators evaluated. */
  published: number
  /** Of those, blocks that passed every rule. */
  accepted: number
  /** Blocks of its that ended up in the final chain. */
  inChain: number
  rejected: number
  readonly reasons: Partial<Record<RejectReason, number>>
  /** Chain height when its first block was rejected (null: never). */
  firstRejectedAtHeight: number | null
  /** Chain height when honest validators blacklisted it (null: never). */
  blacklistedAtHeight: number | null
}

/** The simulator's JSON report. */
export interface SimulationReport {
  readonly mode: 'fast' | 'full'
  readonly seed: number
  readonly validators: number
  readonly honestValidators: number
  readonly blocks: number
  readonly delayMs: number
  readonly settings: PoetSettings
  readonly winShares: {
    /** Chain blocks won by honest validators (the chi-square sample). */
    readonly honestBlocks: number
    readonly expectedShare: number
    readonly minShare: number
    readonly maxShare: number
    readonly chiSquare: number
    readonly degreesOfFreedom: number
    readonly chiSquarePValue: number
  }
  readonly forks: {
    /** Valid blocks that lost fork resolution. */
    readonly orphanedBlocks: number
    /** orphaned / (chain blocks + orphaned). */
    readonly forkRate: number
  }
  readonly interval: {
    readonly targetSeconds: number
    /** Mean time between chain blocks after the warm-up blocks. */
    readonly meanSeconds: number
    /** meanSeconds / targetSeconds. */
    readonly ratioToTarget: number
    readonly warmupBlocks: number
    readonly overallMeanSeconds: number
  }
  readonly adversaries: AdversaryOutcome[]
  readonly honest: {
    /** Honest blocks that other validators rejected (false positives of the rules). */
    readonly falseRejections: number
    /** Honest validators blacklisted (false positives of the blacklist). */
    readonly blacklisted: number
    /** Times an honest validator's own checks stopped it from publishing, by reason. */
    readonly selfRefusals: Record<string, number>
    readonly keyRotations: number
  }
  /** True if the run stopped because no validator could publish. */
  readonly stalled: boolean
  readonly wallMs: number
}
