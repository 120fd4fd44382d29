// The chain driver, after Sawtooth's journal: validates and pools batches, builds blocks,
// applies blocks from peers, switches forks by reverting to the fork point, and commits
// block + state + receipts in one atomic store batch.
import type {
  Batch,
  Block,
  BlockContext,
  BlockHeader,
  ChainBlock,
  Clock,
  ConsensusEngine,
  HexId,
  KeyValueStore,
  MaybePromise,
  Signer,
  StoreOperation,
  Transaction,
  TransactionFamily,
  Unsubscribe,
  Verifier,
} from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  ChainStore,
  encodeReceipt,
  encodeUndo,
  heightKey,
  KEY_GENESIS,
  KEY_HEAD,
  type ReceiptRecord,
  receiptKey,
  stateKey,
  undoKey,
} from './chain-store.js'
import { idFromSignature, secp256k1Verifier } from './crypto.js'
import { bytesToHex, encodeBatchHeader, encodeBlockHeader, encodeTransactionHeader } from './encoding.js'
import {
  CatchUpError,
  DuplicateTransactionError,
  GenesisMismatchError,
  InvalidBlockError,
  InvalidSignatureError,
  LedgerClosedError,
  MalformedError,
  NonceGapError,
  NonceTooLowError,
  StateAccessError,
  TransactionRejectedError,
  UnknownFamilyError,
  UnknownParentError,
} from './errors.js'
import { TransactionPool } from './pool.js'
import { chainedStateRoot, Overlay, type StateReader, transactionView } from './state.js'

/**
 * A {@link TransactionFamily} with optional hooks the ledger uses when present. Not in
 * `@atmosphere/interfaces` (yet): see docs/decisions/0060.
 */
export interface LedgerFamily extends TransactionFamily {
  /** Replaces the default header-signature check, for families that carry their own signature (Seth). */
  authenticate?(tx: Transaction): MaybePromise<boolean>
  /** The next nonce a signer must use, read from committed state; enables gap and replay checks. */
  nextNonce?(signerPublicKey: Uint8Array, state: StateReader): Promise<bigint>
  /** Extra checks on entry to the pool (permissions, limits); returns a reason to refuse. */
  check?(tx: Transaction, state: StateReader): Promise<string | undefined>
}

/** Initial state of a chain; every node of a network must use the same. */
export interface GenesisConfig {
  readonly state?: Iterable<readonly [address: string, value: Uint8Array]>
  /** Genesis timestamp in milliseconds; 0 by default. */
  readonly timestamp?: number
}

/** Components and options of {@link createLedger}. */
export interface LedgerInit {
  readonly store: KeyValueStore
  readonly families: readonly LedgerFamily[]
  readonly consensus: ConsensusEngine
  /** The local validator's key; signs blocks this node publishes. */
  readonly signer: Signer
  readonly clock: Clock
  /** Checks transaction, batch and block signatures; secp256k1 over SHA-256 by default. */
  readonly verifier?: Verifier
  readonly genesis?: GenesisConfig
  /**
   * The digest a consensus engine binds its bytes to (`BlockCandidate.digest`), given the
   * header with empty consensus bytes. SHA-256 of {@link encodeBlockHeader} by default; an
   * engine with its own digest (PoET's `defaultHeaderDigest`) must be given it here.
   */
  readonly headerDigest?: (header: BlockHeader) => Uint8Array
  /** Most batches in one block; 2000 by default. */
  readonly maxBatchesPerBlock?: number
  /** Most batches waiting in the pool; 100 000 by default. */
  readonly maxPoolBatches?: number
}

/** One committed block as subscribers see it. */
export interface CommitEvent {
  readonly block: Block
  readonly receipts: readonly ReceiptRecord[]
  /** Blocks of the abandoned branch, newest first, when this commit switched forks. */
  readonly reverted: readonly Block[]
  /**
   * Receipts the reverted blocks had (their store entries are gone once this event fires), in
   * the order of `reverted` (newest block first), each block's in transaction order; empty
   * unless this commit switched forks. Lets subscribers report what was undone (e.g. removed logs).
   */
  readonly revertedReceipts: readonly ReceiptRecord[]
}

/** What became of a block handed to {@link Ledger.receiveBlock}. */
export type ReceiveOutcome = 'committed' | 'switched' | 'stored' | 'duplicate'

/** A batch dropped while building a block, and why. */
export interface RejectedBatch {
  readonly batchId: HexId
  readonly batch: Batch
  readonly reason: string
  /** The transaction that made the batch invalid, when one did. */
  readonly transactionId?: HexId
}

/** Options of {@link Ledger.buildBlock}. */
export interface BuildOptions {
  /** Consensus bytes to publish with; when absent the engine's `shouldPublish` decides. */
  readonly consensus?: Uint8Array
  /** Publish a block even when the pool is empty. */
  readonly allowEmpty?: boolean
}

/** The source a lagging node fetches missed blocks from (the node wires it to the network). */
export interface CatchUpPort {
  head(): Promise<{ readonly id: HexId; readonly height: bigint }>
  /** Canonical blocks from `fromHeight` upward, at most `limit`. */
  blocks(fromHeight: bigint, limit: number): Promise<readonly Block[]>
}

const ZERO_ID = '0'.repeat(64)
const ZERO_ROOT = new Uint8Array(32)

interface Executed {
  readonly overlay: Overlay
  readonly receipts: ReceiptRecord[]
}

function chainBlock(b: Block): ChainBlock {
  return { id: b.id, header: b.header, headerSignature: b.headerSignature }
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The genesis block a configuration yields; its id is SHA-256 of its header (it is unsigned). */
export function genesisBlock(config: GenesisConfig = {}): { block: Block; writes: Map<string, Uint8Array | null> } {
  const writes = new Map<string, Uint8Array | null>()
  for (const [a, v] of config.state ?? []) writes.set(a, v)
  const header: BlockHeader = {
    height: 0n,
    parentId: ZERO_ID,
    stateRoot: chainedStateRoot(ZERO_ROOT, writes),
    batchIds: [],
    consensus: new Uint8Array(0),
    signerPublicKey: new Uint8Array(0),
    timestamp: config.timestamp ?? 0,
  }
  const id = bytesToHex(sha256(encodeBlockHeader(header)))
  return { block: { header, headerSignature: new Uint8Array(0), batches: [], id }, writes }
}

/** The ledger: a chain in a store, a pool, and the hooks a node drives. */
export class Ledger {
  readonly chain: ChainStore
  readonly pool: TransactionPool
  private readonly families = new Map<string, LedgerFamily>()
  private readonly verifier: Verifier
  private readonly listeners = new Set<(e: CommitEvent) => void>()
  private readonly rejectListeners = new Set<(rejected: readonly RejectedBatch[]) => void>()
  private readonly maxBatches: number
  private queue: Promise<unknown> = Promise.resolve()
  private submitQueue: Promise<unknown> = Promise.resolve()
  private headBlock!: Block
  private closed = false
  /** Batches this process verified itself (submitted here), so building skips re-verifying them. */
  private readonly verified = new WeakSet<Batch>()

  private constructor(private readonly init: LedgerInit) {
    this.chain = new ChainStore(init.store)
    this.pool = new TransactionPool(init.maxPoolBatches ?? 100_000)
    this.verifier = init.verifier ?? secp256k1Verifier
    this.maxBatches = init.maxBatchesPerBlock ?? 2000
    for (const f of init.families) for (const v of f.versions) this.families.set(`${f.name}@${v}`, f)
  }

  /** Opens (or initialises) the chain in `init.store` and starts the consensus engine. */
  static async open(init: LedgerInit): Promise<Ledger> {
    const ledger = new Ledger(init)
    await ledger.load()
    await init.consensus.initialize({
      chainHead: chainBlock(ledger.headBlock),
      chain: {
        getBlock: async (id) => {
          const b = await ledger.chain.getBlock(id)
          return b === undefined ? undefined : chainBlock(b)
        },
        getSetting: async () => undefined,
      },
      clock: init.clock,
      signer: init.signer,
    })
    return ledger
  }

  private async load(): Promise<void> {
    const { block: genesis, writes } = genesisBlock(this.init.genesis)
    const stored = await this.chain.genesisId()
    if (stored === undefined) {
      const ops: StoreOperation[] = [ChainStore.blockOps(genesis), ChainStore.textOp(heightKey(0n), genesis.id)]
      for (const [a, v] of writes) if (v !== null) ops.push({ type: 'put', key: stateKey(a), value: v })
      ops.push(ChainStore.textOp(KEY_GENESIS, genesis.id), ChainStore.textOp(KEY_HEAD, genesis.id))
      await this.chain.commit(ops, writes, [genesis])
      this.headBlock = genesis
      return
    }
    if (stored !== genesis.id) throw new GenesisMismatchError(stored, genesis.id)
    const headId = await this.chain.headId()
    const head = headId === undefined ? undefined : await this.chain.getBlock(headId)
    if (head === undefined) throw new MalformedError(`store has no head block ${headId}`, headId)
    this.headBlock = head
  }

  /** The committed chain head. */
  get head(): Block {
    return this.headBlock
  }

  /** Committed state at the head. */
  get state(): StateReader {
    return this.chain
  }

  /** Runs `fn` after every earlier mutation, one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LedgerClosedError())
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  // --- validation ----------------------------------------------------------------------

  private family(tx: Transaction): LedgerFamily {
    const f = this.families.get(`${tx.header.familyName}@${tx.header.familyVersion}`)
    if (f === undefined) throw new UnknownFamilyError(tx.header.familyName, tx.header.familyVersion)
    return f
  }

  /**
   * Checks a batch's signatures, ids and families; throws a typed error on the first fault.
   * With `signedHere`, the batch signature is taken as good (this process just made it).
   */
  async verifyBatch(batch: Batch, signedHere = false): Promise<void> {
    const ids = batch.header.transactionIds
    if (batch.transactions.length === 0) throw new MalformedError(`batch ${batch.id} is empty`, batch.id)
    if (ids.length !== batch.transactions.length || ids.some((id, i) => batch.transactions[i]!.id !== id)) {
      throw new MalformedError(`batch ${batch.id} header lists other transactions than it holds`, batch.id)
    }
    if (batch.id !== idFromSignature(batch.headerSignature))
      throw new MalformedError(`batch id ${batch.id} does not match its signature`, batch.id)
    if (
      !signedHere &&
      !(await this.verifier.verify(
        batch.headerSignature,
        encodeBatchHeader(batch.header),
        batch.header.signerPublicKey,
      ))
    ) {
      throw new InvalidSignatureError('batch', batch.id)
    }
    for (const tx of batch.transactions) {
      const f = this.family(tx)
      if (!eq(tx.header.batcherPublicKey, batch.header.signerPublicKey)) {
        throw new MalformedError(`transaction ${tx.id} names another batcher`, tx.id)
      }
      if (f.authenticate !== undefined) {
        if (!(await f.authenticate(tx))) throw new InvalidSignatureError('transaction', tx.id)
      } else {
        if (tx.id !== idFromSignature(tx.headerSignature))
          throw new MalformedError(`transaction id ${tx.id} does not match its signature`, tx.id)
        if (!eq(tx.header.payloadHash, sha256(tx.payload)))
          throw new MalformedError(`transaction ${tx.id} payload hash mismatch`, tx.id)
        if (
          !(await this.verifier.verify(
            tx.headerSignature,
            encodeTransactionHeader(tx.header),
            tx.header.signerPublicKey,
          ))
        ) {
          throw new InvalidSignatureError('transaction', tx.id)
        }
      }
    }
  }

  /**
   * Validates a batch and adds it to the pool: signatures, known family, not a duplicate,
   * each signer's nonce exactly the next one (no gap, no replay), and the family's own checks.
   * `signedHere` skips re-verifying the batch signature of a batch this node's own signer just
   * made (its transactions are still authenticated); blocks from peers are always verified.
   */
  async submit(batch: Batch, options: { readonly signedHere?: boolean } = {}): Promise<void> {
    if (this.closed) throw new LedgerClosedError()
    if (this.pool.hasBatch(batch.id)) throw new DuplicateTransactionError(batch.id, 'pending')
    await this.verifyBatch(
      batch,
      options.signedHere === true && eq(batch.header.signerPublicKey, this.init.signer.publicKey),
    )
    // Signatures verify concurrently; nonce checks and the pool insert run one submit at a time.
    const run = this.submitQueue.then(() => this.admit(batch))
    this.submitQueue = run.catch(() => undefined)
    return run
  }

  private async admit(batch: Batch): Promise<void> {
    const nextBySigner = new Map<string, bigint>()
    for (const tx of batch.transactions) {
      if (this.pool.hasTransaction(tx.id)) throw new DuplicateTransactionError(tx.id, 'pending')
      const f = this.family(tx)
      // With nonces, a committed transaction can only come back below the next nonce, so the
      // receipt store is consulted on that path alone (it is a disk read).
      const tooLow = async (expected: bigint): Promise<never> => {
        if ((await this.chain.getReceipt(tx.id)) !== undefined) throw new DuplicateTransactionError(tx.id, 'committed')
        throw new NonceTooLowError(tx.header.nonce, expected)
      }
      if (f.nextNonce === undefined && (await this.chain.getReceipt(tx.id)) !== undefined) {
        throw new DuplicateTransactionError(tx.id, 'committed')
      }
      if (f.nextNonce !== undefined) {
        const key = bytesToHex(tx.header.signerPublicKey)
        let expected = nextBySigner.get(key)
        if (expected === undefined) {
          const committed = await f.nextNonce(tx.header.signerPublicKey, this.chain)
          if (tx.header.nonce < committed) await tooLow(committed)
          if (this.pool.hasNonce(tx.header.signerPublicKey, tx.header.nonce)) {
            throw new NonceTooLowError(tx.header.nonce, this.pool.nextNonce(tx.header.signerPublicKey, committed))
          }
          expected = this.pool.nextNonce(tx.header.signerPublicKey, committed)
        }
        if (tx.header.nonce < expected) throw new NonceTooLowError(tx.header.nonce, expected)
        if (tx.header.nonce > expected) throw new NonceGapError(tx.header.nonce, expected)
        nextBySigner.set(key, expected + 1n)
      }
      if (f.check !== undefined) {
        const reason = await f.check(tx, this.chain)
        if (reason !== undefined) throw new TransactionRejectedError(tx.id, reason)
      }
    }
    if (this.pool.hasBatch(batch.id)) throw new DuplicateTransactionError(batch.id, 'pending')
    for (const tx of batch.transactions)
      if (this.pool.hasTransaction(tx.id)) throw new DuplicateTransactionError(tx.id, 'pending')
    this.verified.add(batch)
    this.pool.add(batch, this.init.clock.now())
  }

  // --- execution -----------------------------------------------------------------------

  /** Applies one batch atomically into `parent`; returns its receipts or why it is invalid. */
  private async executeBatch(
    parent: Overlay,
    batch: Batch,
    ctx: BlockContext,
    blockId: HexId,
    batchIndex: number,
    firstIndex: number,
  ): Promise<{ valid: true; receipts: ReceiptRecord[] } | { valid: false; reason: string; transactionId?: HexId }> {
    const overlay = new Overlay(parent)
    const receipts: ReceiptRecord[] = []
    let index = firstIndex
    for (const tx of batch.transactions) {
      const f = this.families.get(`${tx.header.familyName}@${tx.header.familyVersion}`)
      if (f === undefined)
        return { valid: false, reason: `unknown family ${tx.header.familyName}`, transactionId: tx.id }
      const view = transactionView(overlay, tx.header.inputs, tx.header.outputs)
      let result: Awaited<ReturnType<TransactionFamily['apply']>>
      try {
        result = await f.apply(tx, view, ctx)
      } catch (e) {
        if (e instanceof StateAccessError) return { valid: false, reason: e.message, transactionId: tx.id }
        throw e
      }
      if (!result.valid) return { valid: false, reason: `transaction ${tx.id}: ${result.reason}`, transactionId: tx.id }
      receipts.push({
        transactionId: tx.id,
        blockId,
        height: ctx.height,
        batchIndex,
        index: index++,
        receipt: result.receipt ?? new Uint8Array(0),
        events: result.events ?? [],
      })
    }
    overlay.mergeInto(parent)
    return { valid: true, receipts }
  }

  /** Applies every batch of a block on `base`; throws InvalidBlockError unless all are valid and the root matches. */
  private async executeBlock(base: Overlay | ChainStore, block: Block, parentRoot: Uint8Array): Promise<Executed> {
    const overlay = new Overlay(base)
    const receipts: ReceiptRecord[] = []
    const ctx: BlockContext = {
      height: block.header.height,
      timestamp: block.header.timestamp,
      publisherPublicKey: block.header.signerPublicKey,
    }
    for (let i = 0; i < block.batches.length; i++) {
      const r = await this.executeBatch(overlay, block.batches[i]!, ctx, block.id, i, receipts.length)
      if (!r.valid) throw new InvalidBlockError(block.id, r.reason)
      receipts.push(...r.receipts)
    }
    const root = chainedStateRoot(parentRoot, overlay.writes)
    if (!eq(root, block.header.stateRoot)) throw new InvalidBlockError(block.id, 'state root mismatch')
    return { overlay, receipts }
  }

  /** Structural and signature checks of a block from a peer. */
  private async verifyBlock(block: Block): Promise<void> {
    if (block.id !== idFromSignature(block.headerSignature))
      throw new MalformedError(`block id ${block.id} does not match its signature`, block.id)
    if (
      !(await this.verifier.verify(
        block.headerSignature,
        encodeBlockHeader(block.header),
        block.header.signerPublicKey,
      ))
    ) {
      throw new InvalidSignatureError('block', block.id)
    }
    const ids = block.header.batchIds
    if (ids.length !== block.batches.length || ids.some((id, i) => block.batches[i]!.id !== id)) {
      throw new InvalidBlockError(block.id, 'header lists other batches than the block holds')
    }
    const seen = new Set<string>()
    for (const b of block.batches) {
      try {
        await this.verifyBatch(b)
      } catch (e) {
        throw new InvalidBlockError(block.id, (e as Error).message)
      }
      for (const tx of b.transactions) {
        if (seen.has(tx.id)) throw new InvalidBlockError(block.id, `transaction ${tx.id} appears twice`)
        seen.add(tx.id)
      }
    }
  }

  // --- building ------------------------------------------------------------------------

  /**
   * Builds a block on the head from pooled batches, asks consensus (unless `consensus`
   * bytes are given), signs and commits it. Resolves undefined when nothing was published.
   */
  buildBlock(options: BuildOptions = {}): Promise<{ block: Block; rejected: RejectedBatch[] } | undefined> {
    return this.serial(async () => {
      const parent = this.headBlock
      const timestamp = Math.max(this.init.clock.now(), parent.header.timestamp)
      const height = parent.header.height + 1n
      const ctx: BlockContext = { height, timestamp, publisherPublicKey: this.init.signer.publicKey }
      const overlay = new Overlay(this.chain)
      const included: Batch[] = []
      const receipts: ReceiptRecord[] = []
      const rejected: RejectedBatch[] = []
      const expected = new Map<string, bigint>()
      // The block id is only known after signing; receipts get it patched in below.
      for (const entry of this.pool.entries()) {
        if (included.length >= this.maxBatches) break
        const batch = entry.batch
        if (!this.verified.has(batch)) {
          try {
            await this.verifyBatch(batch)
            this.verified.add(batch)
          } catch (e) {
            rejected.push({ batchId: batch.id, batch, reason: (e as Error).message })
            this.pool.remove(batch.id)
            continue
          }
        }
        let inOrder = true
        const batchExpected = new Map<string, bigint>()
        for (const tx of batch.transactions) {
          const f = this.families.get(`${tx.header.familyName}@${tx.header.familyVersion}`)
          if (f?.nextNonce === undefined) continue
          const key = bytesToHex(tx.header.signerPublicKey)
          let next = batchExpected.get(key) ?? expected.get(key)
          if (next === undefined) next = await f.nextNonce(tx.header.signerPublicKey, overlay)
          if (tx.header.nonce < next) {
            inOrder = false
            rejected.push({
              batchId: batch.id,
              batch,
              reason: `nonce ${tx.header.nonce} already used`,
              transactionId: tx.id,
            })
            this.pool.remove(batch.id)
            break
          }
          if (tx.header.nonce > next) {
            inOrder = false
            break
          }
          batchExpected.set(key, next + 1n)
        }
        if (!inOrder) continue
        const r = await this.executeBatch(overlay, batch, ctx, '', included.length, receipts.length)
        if (!r.valid) {
          rejected.push({
            batchId: batch.id,
            batch,
            reason: r.reason,
            ...(r.transactionId === undefined ? {} : { transactionId: r.transactionId }),
          })
          this.pool.remove(batch.id)
          continue
        }
        for (const [k, v] of batchExpected) expected.set(k, v)
        included.push(batch)
        receipts.push(...r.receipts)
      }
      this.emitRejected(rejected)
      if (included.length === 0 && options.allowEmpty !== true) return undefined
      const unsigned: BlockHeader = {
        height,
        parentId: parent.id,
        stateRoot: chainedStateRoot(parent.header.stateRoot, overlay.writes),
        batchIds: included.map((b) => b.id),
        consensus: new Uint8Array(0),
        signerPublicKey: this.init.signer.publicKey,
        timestamp,
      }
      let consensus = options.consensus
      if (consensus === undefined) {
        const decision = await this.init.consensus.shouldPublish({
          parent: chainBlock(parent),
          digest: this.init.headerDigest?.(unsigned) ?? sha256(encodeBlockHeader(unsigned)),
        })
        if (!decision.publish) return undefined
        consensus = decision.consensus
      }
      const header: BlockHeader = { ...unsigned, consensus }
      const headerSignature = await this.init.signer.sign(encodeBlockHeader(header))
      const block: Block = { header, headerSignature, batches: included, id: idFromSignature(headerSignature) }
      const fixed = receipts.map((r) => ({ ...r, blockId: block.id }))
      await this.commitExtension(block, { overlay, receipts: fixed })
      return { block, rejected }
    })
  }

  /** Commits a block that extends the head: one atomic store batch. */
  private async commitExtension(block: Block, executed: Executed): Promise<void> {
    const ops: StoreOperation[] = [
      ChainStore.blockOps(block),
      ChainStore.textOp(heightKey(block.header.height), block.id),
    ]
    const undo: [string, Uint8Array | null][] = []
    for (const [a, v] of executed.overlay.writes) {
      undo.push([a, (await this.chain.get(a)) ?? null])
      ops.push(v === null ? { type: 'del', key: stateKey(a) } : { type: 'put', key: stateKey(a), value: v })
    }
    ops.push({ type: 'put', key: undoKey(block.id), value: encodeUndo(undo) })
    for (const r of executed.receipts)
      ops.push({ type: 'put', key: receiptKey(r.transactionId), value: encodeReceipt(r) })
    ops.push(ChainStore.textOp(KEY_HEAD, block.id))
    await this.chain.commit(ops, executed.overlay.writes, [block])
    this.chain.cacheReceipts(executed.receipts)
    this.headBlock = block
    for (const b of block.batches) this.pool.remove(b.id)
    this.pool.removeTransactions(executed.receipts.map((r) => r.transactionId))
    await this.init.consensus.chainHeadUpdated(chainBlock(block))
    this.emit({ block, receipts: executed.receipts, reverted: [], revertedReceipts: [] })
  }

  private emitRejected(rejected: readonly RejectedBatch[]): void {
    if (rejected.length === 0) return
    for (const l of this.rejectListeners) {
      try {
        l(rejected)
      } catch {
        // A subscriber's fault must not stop block building.
      }
    }
  }

  /**
   * Calls `handler` with the batches dropped from the pool while building a block (invalid
   * on the current state). A batcher can re-batch the other transactions of such a batch.
   */
  onRejected(handler: (rejected: readonly RejectedBatch[]) => void): Unsubscribe {
    this.rejectListeners.add(handler)
    return () => {
      this.rejectListeners.delete(handler)
    }
  }

  private emit(e: CommitEvent): void {
    for (const l of this.listeners) {
      try {
        l(e)
      } catch {
        // A subscriber's fault must not undo a commit.
      }
    }
  }

  // --- receiving -----------------------------------------------------------------------

  /**
   * Takes a block from a peer: verifies it, asks consensus, then commits it (parent is the
   * head), keeps it (a side branch consensus does not prefer) or switches to its branch.
   */
  receiveBlock(block: Block): Promise<ReceiveOutcome> {
    return this.serial(async () => {
      if (await this.chain.hasBlock(block.id)) return 'duplicate'
      const parent = await this.chain.getBlock(block.header.parentId)
      if (parent === undefined) throw new UnknownParentError(block.id, block.header.parentId)
      if (block.header.height !== parent.header.height + 1n)
        throw new InvalidBlockError(block.id, 'height is not parent height + 1')
      await this.verifyBlock(block)
      const verdict = await this.init.consensus.blockReceived(chainBlock(block))
      if (!verdict.valid) throw new InvalidBlockError(block.id, `consensus: ${verdict.reason}`)
      if (parent.id === this.headBlock.id) {
        const executed = await this.executeBlock(this.chain, block, parent.header.stateRoot)
        await this.commitExtension(block, executed)
        return 'committed'
      }
      await this.chain.commit([ChainStore.blockOps(block)], new Map(), [block])
      const choice = await this.init.consensus.compareForks(chainBlock(this.headBlock), chainBlock(block))
      if (choice === 'keep') return 'stored'
      await this.switchTo(block)
      return 'switched'
    })
  }

  /** Reverts to the fork point, applies the branch ending at `tip`, commits both atomically. */
  private async switchTo(tip: Block): Promise<void> {
    const branch: Block[] = []
    let b: Block | undefined = tip
    while ((await this.chain.canonicalId(b.header.height)) !== b.id) {
      branch.unshift(b)
      b = await this.chain.getBlock(b.header.parentId)
      if (b === undefined) throw new UnknownParentError(tip.id, branch[0]!.header.parentId)
    }
    const forkPoint = b
    const abandoned: Block[] = []
    for (let h = this.headBlock.header.height; h > forkPoint.header.height; h--) {
      const id = await this.chain.canonicalId(h)
      const blk = id === undefined ? undefined : await this.chain.getBlock(id)
      if (blk === undefined) throw new MalformedError(`canonical block at height ${h} missing`, h)
      abandoned.push(blk)
    }
    const overlay = new Overlay(this.chain)
    const ops: StoreOperation[] = []
    const revertedReceipts: ReceiptRecord[] = []
    for (const blk of abandoned) {
      const undo = await this.chain.getUndo(blk.id)
      if (undo === undefined) throw new MalformedError(`undo record of ${blk.id} missing`, blk.id)
      for (const [a, prev] of undo) prev === null ? overlay.delete(a) : overlay.set(a, prev)
      ops.push({ type: 'del', key: undoKey(blk.id) })
      for (const batch of blk.batches)
        for (const tx of batch.transactions) {
          const r = await this.chain.getReceipt(tx.id)
          if (r !== undefined && r.blockId === blk.id) revertedReceipts.push(r)
          ops.push({ type: 'del', key: receiptKey(tx.id) })
        }
      if (blk.header.height > tip.header.height) ops.push({ type: 'del', key: heightKey(blk.header.height) })
    }
    const events: CommitEvent[] = []
    let parentRoot = forkPoint.header.stateRoot
    for (const blk of branch) {
      let executed: Executed
      try {
        executed = await this.executeBlock(overlay, blk, parentRoot)
      } catch (e) {
        // The branch is invalid from here on: forget its blocks so it is not tried again.
        await this.chain.kv.batch(
          branch.slice(branch.indexOf(blk)).map((x) => ({ type: 'del' as const, key: ChainStore.blockOps(x).key })),
        )
        throw e
      }
      const undo: [string, Uint8Array | null][] = []
      for (const a of executed.overlay.writes.keys()) undo.push([a, (await overlay.get(a)) ?? null])
      executed.overlay.mergeInto(overlay)
      ops.push(
        { type: 'put', key: undoKey(blk.id), value: encodeUndo(undo) },
        ChainStore.textOp(heightKey(blk.header.height), blk.id),
      )
      for (const r of executed.receipts)
        ops.push({ type: 'put', key: receiptKey(r.transactionId), value: encodeReceipt(r) })
      const first = events.length === 0
      events.push({
        block: blk,
        receipts: executed.receipts,
        reverted: first ? abandoned : [],
        revertedReceipts: first ? revertedReceipts : [],
      })
      parentRoot = blk.header.stateRoot
    }
    for (const [a, v] of overlay.writes)
      ops.push(v === null ? { type: 'del', key: stateKey(a) } : { type: 'put', key: stateKey(a), value: v })
    ops.push(ChainStore.textOp(KEY_HEAD, tip.id))
    await this.chain.commit(ops, overlay.writes, branch)
    this.chain.forgetReceipts(abandoned.flatMap((b) => b.batches.flatMap((x) => x.transactions.map((t) => t.id))))
    for (const e of events) this.chain.cacheReceipts(e.receipts)
    this.headBlock = tip
    const applied = new Set<string>()
    for (const blk of branch) {
      for (const batch of blk.batches) {
        this.pool.remove(batch.id)
        for (const tx of batch.transactions) applied.add(tx.id)
      }
    }
    this.pool.removeTransactions(applied)
    // Abandoned transactions go back to the pool, oldest first, ahead of newer arrivals.
    const returned: Batch[] = []
    for (const blk of [...abandoned].reverse()) {
      for (const batch of blk.batches) {
        if (batch.transactions.some((t) => applied.has(t.id)) || this.pool.hasBatch(batch.id)) continue
        returned.push(batch)
      }
    }
    for (const batch of returned.reverse()) this.pool.add(batch, this.init.clock.now(), true)
    await this.init.consensus.chainHeadUpdated(chainBlock(tip))
    for (const e of events) this.emit(e)
  }

  // --- reading, catch-up, subscriptions ------------------------------------------------

  getBlock(id: HexId): Promise<Block | undefined> {
    return this.chain.getBlock(id)
  }

  async getBlockByHeight(height: bigint): Promise<Block | undefined> {
    const id = await this.chain.canonicalId(height)
    return id === undefined ? undefined : this.chain.getBlock(id)
  }

  /** Canonical blocks from `fromHeight`, at most `limit`: what a catch-up peer serves. */
  async getBlocks(fromHeight: bigint, limit: number): Promise<Block[]> {
    const out: Block[] = []
    for (let h = fromHeight; out.length < limit && h <= this.headBlock.header.height; h++) {
      const b = await this.getBlockByHeight(h)
      if (b === undefined) break
      out.push(b)
    }
    return out
  }

  /** Where a committed transaction is, with its receipt. */
  getReceipt(txId: HexId): Promise<ReceiptRecord | undefined> {
    return this.chain.getReceipt(txId)
  }

  /**
   * Fetches, validates and applies the blocks this node missed from a peer, stepping back
   * to find the fork point when the peer is on another branch. Returns blocks applied.
   */
  async catchUp(port: CatchUpPort, pageSize = 64): Promise<number> {
    let applied = 0
    for (;;) {
      const remote = await port.head()
      if (await this.chain.hasBlock(remote.id)) return applied
      let from = this.headBlock.header.height + 1n
      let step = 1n
      let blocks = await port.blocks(from, pageSize)
      while (blocks.length > 0 && !(await this.chain.hasBlock(blocks[0]!.header.parentId))) {
        if (from <= 1n) throw new CatchUpError(`peer chain shares no block with ours`, remote.id)
        from = from - step > 1n ? from - step : 1n
        step *= 2n
        blocks = await port.blocks(from, pageSize)
      }
      if (blocks.length === 0) return applied
      let progressed = false
      for (const b of blocks) {
        if ((await this.receiveBlock(b)) !== 'duplicate') {
          applied++
          progressed = true
        }
      }
      if (!progressed) throw new CatchUpError(`peer served no new block below its head ${remote.id}`, remote.id)
    }
  }

  /** Calls `handler` after each committed block (in order; a fork switch reports its reverted blocks). */
  onCommit(handler: (event: CommitEvent) => void): Unsubscribe {
    this.listeners.add(handler)
    return () => {
      this.listeners.delete(handler)
    }
  }

  /** Waits for pending work, then closes the store. */
  async close(): Promise<void> {
    if (this.closed) return
    await this.queue
    this.closed = true
    this.listeners.clear()
    await this.init.store.close()
  }
}

/** Opens a ledger over the given components (the js-libp2p factory shape). */
export function createLedger(init: LedgerInit): Promise<Ledger> {
  return Ledger.open(init)
}
