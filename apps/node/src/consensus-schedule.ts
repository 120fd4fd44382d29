// Consensus chosen by height: a ConsensusEngine that hands each hook to the engine in force
// at the block's height (the on-chain `atmosphere.consensus.*` settings), so a running chain
// can switch from one engine to another at a configured height.
import type {
  BlockCandidate,
  BlockVerdict,
  ChainBlock,
  ConsensusContext,
  ConsensusEngine,
  ForkChoice,
  PublishDecision,
} from '@atmosphere/interfaces'

/** One phase: `engine` decides blocks from `fromHeight` on (until the next phase). */
export interface ConsensusPhase {
  readonly fromHeight: bigint
  readonly engine: ConsensusEngine
}

/** The scheduled engine plus what the block producer needs to know. */
export interface ScheduledConsensus extends ConsensusEngine {
  /** The engine in force for a block at `height`. */
  engineAt(height: bigint): ConsensusEngine
  /** The last answer of shouldPublish (the producer reads `retryAfterMs` from it). */
  readonly lastDecision: PublishDecision | undefined
}

/** Builds the scheduled engine; phases must start at height 1 and rise strictly. */
export function scheduledConsensus(phases: readonly ConsensusPhase[]): ScheduledConsensus {
  if (phases.length === 0 || phases[0]?.fromHeight !== 1n)
    throw new RangeError('the first phase must start at height 1')
  for (let i = 1; i < phases.length; i++)
    if ((phases[i] as ConsensusPhase).fromHeight <= (phases[i - 1] as ConsensusPhase).fromHeight)
      throw new RangeError('phase heights must rise strictly')
  const engines = [...new Set(phases.map((p) => p.engine))]
  let lastDecision: PublishDecision | undefined
  const engineAt = (height: bigint): ConsensusEngine => {
    let e = (phases[0] as ConsensusPhase).engine
    for (const p of phases) if (p.fromHeight <= height) e = p.engine
    return e
  }
  return {
    name: phases.map((p) => `${p.engine.name}@${p.fromHeight}`).join(','),
    version: '1.0',
    engineAt,
    get lastDecision() {
      return lastDecision
    },
    async initialize(context: ConsensusContext) {
      for (const e of engines) await e.initialize(context)
    },
    async chainHeadUpdated(head: ChainBlock) {
      for (const e of engines) await e.chainHeadUpdated(head)
    },
    blockReceived(block: ChainBlock): Promise<BlockVerdict> {
      return engineAt(block.header.height).blockReceived(block)
    },
    async shouldPublish(candidate: BlockCandidate): Promise<PublishDecision> {
      lastDecision = await engineAt(candidate.parent.header.height + 1n).shouldPublish(candidate)
      return lastDecision
    },
    compareForks(current: ChainBlock, candidate: ChainBlock): Promise<ForkChoice> {
      const a = engineAt(current.header.height)
      const b = engineAt(candidate.header.height)
      if (a === b) return a.compareForks(current, candidate)
      // Tips under different engines: the branch that went further wins (ties: lower id).
      if (candidate.header.height !== current.header.height)
        return Promise.resolve(candidate.header.height > current.header.height ? 'switch' : 'keep')
      return Promise.resolve(candidate.id < current.id ? 'switch' : 'keep')
    },
  }
}

/** Options of {@link turnTaking}. */
export interface TurnTakingInit {
  /** Validator public keys (hex) in registry order. */
  readonly validators: readonly string[]
  /** This validator's public key (hex). */
  readonly self: string
  /** How long others wait for the validator whose turn it is before publishing themselves, ms. */
  readonly graceMs: number
  readonly now: () => number
}

/**
 * Wraps a development engine for several nodes: the validator at index height mod n
 * publishes at once; the others only once the parent is `graceMs` old (so a dead validator
 * does not stop the chain). Without it every node would publish every height and fork.
 */
export function turnTaking(inner: ConsensusEngine, init: TurnTakingInit): ConsensusEngine {
  const index = init.validators.indexOf(init.self)
  const n = BigInt(Math.max(1, init.validators.length))
  return {
    name: inner.name,
    version: inner.version,
    initialize: (c) => inner.initialize(c),
    chainHeadUpdated: (h) => inner.chainHeadUpdated(h),
    blockReceived: (b) => inner.blockReceived(b),
    compareForks: (a, b) => inner.compareForks(a, b),
    async shouldPublish(candidate) {
      const height = candidate.parent.header.height + 1n
      const mine = index >= 0 && BigInt(index) === height % n
      const waited = init.now() - candidate.parent.header.timestamp
      if (!mine && waited < init.graceMs) return { publish: false, retryAfterMs: init.graceMs - waited }
      return inner.shouldPublish(candidate)
    },
  }
}
