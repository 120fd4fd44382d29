// The hooks a chain driver calls on a consensus engine. The engine never touches the store
// or the network; it answers questions about blocks (after Sawtooth's consensus API).
import type { BlockHeader, HexId } from './block.js'
import type { Clock } from './clock.js'
import type { Signer } from './crypto.js'

/** A block header together with its id, as the engine sees chain blocks. */
export interface ChainBlock {
  readonly id: HexId
  readonly header: BlockHeader
  /** Signature over the header, used by some engines to break ties. */
  readonly headerSignature: Uint8Array
}

/** Read-only access to the chain, for engines that look back (PoET's local mean, say). */
export interface ChainReader {
  /** The block with this id, if known. */
  getBlock(id: HexId): Promise<ChainBlock | undefined>
  /** On-chain settings in force at a block, e.g. `sawtooth.poet.target_wait_time`. */
  getSetting(key: string, at: HexId): Promise<string | undefined>
}

/** What an engine receives once, before any other hook. */
export interface ConsensusContext {
  readonly chainHead: ChainBlock
  readonly chain: ChainReader
  readonly clock: Clock
  /** The local validator's key. */
  readonly signer: Signer
}

/** A block being built on `parent`; everything but the consensus bytes is fixed. */
export interface BlockCandidate {
  readonly parent: ChainBlock
  /** Hash of the candidate header without its consensus field; engines bind to it. */
  readonly digest: Uint8Array
}

/** Answer to {@link ConsensusEngine.shouldPublish}. */
export type PublishDecision =
  | { readonly publish: true; readonly consensus: Uint8Array }
  | {
      readonly publish: false
      /** When to ask again, in milliseconds from now; absent means "after the next chain head". */
      readonly retryAfterMs?: number
    }

/** Answer to {@link ConsensusEngine.blockReceived}. */
export type BlockVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: string }

/** Answer to {@link ConsensusEngine.compareForks}. */
export type ForkChoice = 'keep' | 'switch'

/**
 * A pluggable consensus engine (PoET, a development engine, ...). All hooks are called
 * by one chain driver, one at a time.
 */
export interface ConsensusEngine {
  /** Engine name recorded in the on-chain consensus setting, e.g. `"poet"`. */
  readonly name: string
  readonly version: string
  /** Called once before any other hook. */
  initialize(context: ConsensusContext): Promise<void>
  /** The committed chain head moved (a block was committed, or a fork switched). */
  chainHeadUpdated(head: ChainBlock): Promise<void>
  /** A block arrived from a peer; check its consensus bytes before it is applied. */
  blockReceived(block: ChainBlock): Promise<BlockVerdict>
  /** May the local validator publish this candidate now? If so, with which consensus bytes. */
  shouldPublish(candidate: BlockCandidate): Promise<PublishDecision>
  /** Given the current head and a valid competing head, keep the current one or switch. */
  compareForks(current: ChainBlock, candidate: ChainBlock): Promise<ForkChoice>
}
