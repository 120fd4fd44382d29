// Per-block PoET consensus state (Sawtooth consensus_state.py): aggregate local mean, claim
// counts, per-validator key/claim counters, the local-mean sample and the z-test history.
// Immutable and shared between forks: each block's state points at its parent's, and
// per-validator lookups walk back to the nearest snapshot (decision 0054).
import { localMean as computeLocalMean, type PopulationSample } from './local-mean.js'
import type { PoetSettings } from './settings.js'
import { type ZTestFailure, zStep } from './ztest.js'

/** What consensus state needs from one claimed block. */
export interface Claim {
  /** Block signer (Sawtooth's validator id): hex public key, or any stable string in the simulator. */
  readonly validatorId: string
  /** PoET public key (hex) the certificate was signed with. */
  readonly poetPublicKey: string
  /** Certificate duration, seconds. */
  readonly duration: number
  /** Certificate local mean, seconds. */
  readonly localMean: number
}

/** Sawtooth's ValidatorState, plus the state of the validator's latest win for the z-test walk. */
export interface ValidatorState {
  readonly keyBlockClaimCount: number
  readonly poetPublicKey: string
  readonly totalBlockClaimCount: number
  readonly lastWin: ConsensusState
}

const SNAPSHOT_INTERVAL = 32

/** Consensus state after one block. Create the root with {@link ConsensusState.genesis}. */
export class ConsensusState {
  /** Sum of the local means of all claimed blocks (the fork-choice weight). */
  readonly aggregateLocalMean: number
  /** Number of PoET blocks claimed on this chain. */
  readonly totalBlockClaimCount: number
  /** Σ 1/localMean over the claims; the z-test's expected wins are targetWaitTime times its differences. */
  readonly sumInverseLocalMean: number
  private readonly entry: ValidatorState | undefined
  private readonly previousWin: ConsensusState | undefined
  private readonly snapshot: Map<string, ValidatorState> | undefined
  private cachedMean: { settings: PoetSettings; value: number } | undefined

  private constructor(
    readonly blockId: string,
    readonly height: number,
    readonly parent: ConsensusState | undefined,
    readonly claim: Claim | undefined,
  ) {
    if (parent === undefined || claim === undefined) {
      this.aggregateLocalMean = 0
      this.totalBlockClaimCount = 0
      this.sumInverseLocalMean = 0
      this.entry = undefined
      this.previousWin = undefined
      this.snapshot = new Map()
      return
    }
    this.aggregateLocalMean = parent.aggregateLocalMean + claim.localMean
    this.totalBlockClaimCount = parent.totalBlockClaimCount + 1
    this.sumInverseLocalMean = parent.sumInverseLocalMean + 1 / claim.localMean
    const before = parent.validatorState(claim.validatorId)
    this.previousWin = before?.lastWin
    this.entry = {
      keyBlockClaimCount:
        before !== undefined && before.poetPublicKey === claim.poetPublicKey ? before.keyBlockClaimCount + 1 : 1,
      poetPublicKey: claim.poetPublicKey,
      totalBlockClaimCount: (before?.totalBlockClaimCount ?? 0) + 1,
      lastWin: this,
    }
    this.snapshot = this.totalBlockClaimCount % SNAPSHOT_INTERVAL === 0 ? this.buildSnapshot() : undefined
  }

  /** State of a chain's first block (genesis, or the last non-PoET block). */
  static genesis(blockId: string, height = 0): ConsensusState {
    return new ConsensusState(blockId, height, undefined, undefined)
  }

  /** State after `blockId` (at `height`) claimed by `claim` on top of this state. */
  extend(blockId: string, height: number, claim: Claim): ConsensusState {
    return new ConsensusState(blockId, height, this, claim)
  }

  private buildSnapshot(): Map<string, ValidatorState> {
    const path: ConsensusState[] = []
    let s: ConsensusState | undefined = this
    while (s !== undefined && (s === this || s.snapshot === undefined)) {
      path.push(s)
      s = s.parent
    }
    const map = new Map(s?.snapshot)
    for (let i = path.length - 1; i >= 0; i--) {
      const node = path[i] as ConsensusState
      if (node.claim !== undefined && node.entry !== undefined) map.set(node.claim.validatorId, node.entry)
    }
    return map
  }

  /** The validator's counters on this chain, or undefined if it never claimed a block here. */
  validatorState(validatorId: string): ValidatorState | undefined {
    for (let s: ConsensusState | undefined = this; s !== undefined; s = s.parent) {
      if (s.claim !== undefined && s.claim.validatorId === validatorId) return s.entry
      if (s.snapshot !== undefined) return s.snapshot.get(validatorId)
    }
    return undefined
  }

  /** The newest `count` certificates' (duration, localMean), oldest first. */
  samples(count: number): PopulationSample[] {
    const out: PopulationSample[] = []
    for (let s: ConsensusState | undefined = this; s?.claim !== undefined && out.length < count; s = s.parent) {
      out.push({ duration: s.claim.duration, localMean: s.claim.localMean })
    }
    return out.reverse()
  }

  /** The local mean the next block built on this one must carry (compute_local_mean). */
  localMean(settings: PoetSettings): number {
    if (this.cachedMean?.settings === settings) return this.cachedMean.value
    const n = settings.populationEstimateSampleSize
    const value = computeLocalMean(this.totalBlockClaimCount, this.samples(n), settings)
    this.cachedMean = { settings, value }
    return value
  }

  /**
   * K-test (validator_has_claimed_block_limit): true if `validatorId` already claimed
   * keyBlockClaimLimit blocks with `poetPublicKey` on this chain.
   */
  keyBlockClaimLimitReached(validatorId: string, poetPublicKey: string, settings: PoetSettings): boolean {
    const state = this.validatorState(validatorId)
    return (
      state !== undefined &&
      state.poetPublicKey === poetPublicKey &&
      state.keyBlockClaimCount >= settings.keyBlockClaimLimit
    )
  }

  /**
   * Z-test (validator_is_claiming_too_frequently) for a candidate block on top of this state
   * claimed by `validatorId` with `candidateLocalMean`. Walks only the validator's own wins:
   * the expected wins up to any depth come from prefix sums, so the result equals the spec's
   * full walk (checked against {@link zTest} in the tests).
   */
  zTest(validatorId: string, candidateLocalMean: number, settings: PoetSettings): ZTestFailure | undefined {
    const n = settings.populationEstimateSampleSize
    if (this.totalBlockClaimCount < n) return undefined
    const target = settings.targetWaitTime
    const maxDepth = 1 + (this.totalBlockClaimCount - n)
    const candidateTotal = this.totalBlockClaimCount + 1
    const candidateSum = this.sumInverseLocalMean + 1 / candidateLocalMean
    let observed = 1
    let failure = zStep(
      1,
      target / candidateLocalMean,
      1,
      settings.ztestMaximumWinDeviation,
      settings.ztestMinimumWinCount,
    )
    if (failure !== undefined) return failure
    let win = this.validatorState(validatorId)?.lastWin
    while (win !== undefined && win.claim !== undefined) {
      const depth = candidateTotal - win.totalBlockClaimCount + 1
      if (depth > maxDepth) break
      observed += 1
      const expected = target * (candidateSum - (win.sumInverseLocalMean - 1 / win.claim.localMean))
      failure = zStep(observed, expected, depth, settings.ztestMaximumWinDeviation, settings.ztestMinimumWinCount)
      if (failure !== undefined) return failure
      win = win.previousWin
    }
    return undefined
  }
}
