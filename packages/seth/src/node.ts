// A Seth node over a ledger: wraps raw Ethereum transactions into ledger batches, mines
// (automatically, on an interval, or on demand), and answers the queries JSON-RPC needs.
import type { Block, Clock, Signer, Transaction } from '@atmosphere/interfaces'
import {
  type CommitEvent,
  type Ledger,
  LedgerError,
  type ReceiptRecord,
  type RejectedBatch,
  signBatch,
} from '@atmosphere/ledger'
import { Address } from '@ethereumjs/util'
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { SecpOperations } from './crypto-port.js'
import { InvalidTransactionError, TransactionRejectedError } from './errors.js'
import type { DecodedTransaction, SethFamily, SethMessage } from './family.js'
import { accountKey, codeKey, decodeAccount, hex, SETH_NAMESPACE, storageKey } from './layout.js'
import { decodeSethReceipt, type EvmLog, type SethReceipt } from './receipt.js'

/** How blocks are produced in single-node mode. */
export type MiningMode =
  | {
      readonly mode: 'auto'
      /**
       * Answer eth_sendRawTransaction only once the transaction is in a committed block, as
       * Hardhat's automine does (true by default). Clients that check for a receipt once and
       * then wait for the next block (ethers) rely on it.
       */
      readonly waitForInclusion?: boolean
    }
  | { readonly mode: 'interval'; readonly intervalMs: number }
  | { readonly mode: 'manual' }

/** Components of {@link createSethNode}. */
export interface SethNodeInit {
  readonly ledger: Ledger
  readonly family: SethFamily
  /** Signs the batch that wraps each transaction. */
  readonly batcher: Signer
  readonly clock: Clock
  /** Where sender recovery runs; on this thread (synchronously) when absent. */
  readonly secp?: SecpOperations
  /** Single-node block production; omit when a consensus driver (the reference node) builds blocks. */
  readonly mining?: MiningMode
}

/** A committed transaction with everything JSON-RPC reports about it. */
export interface TransactionInfo {
  readonly decoded: DecodedTransaction
  readonly block: Block
  readonly index: number
  readonly receipt: SethReceipt
  readonly cumulativeGasUsed: bigint
  /** Index of the transaction's first log within the block. */
  readonly firstLogIndex: number
}

/** Per-block data derived from receipts. */
export interface BlockInfo {
  readonly block: Block
  readonly transactions: readonly TransactionInfo[]
  readonly gasUsed: bigint
  readonly logsBloom: Uint8Array
}

/** One log with its position, as eth_getLogs returns it. */
export interface PositionedLog {
  readonly log: EvmLog
  readonly block: Block
  readonly transaction: TransactionInfo
  readonly logIndex: number
}

function bloomAdd(bloom: Uint8Array, value: Uint8Array): void {
  const h = keccak_256(value)
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047
    bloom[255 - (bit >> 3)]! |= 1 << (bit & 7)
  }
}

interface Queued {
  readonly tx: Transaction
  readonly resolve: () => void
  readonly reject: (e: Error) => void
}

/** Most transactions wrapped into one batch. */
const MAX_GROUP = 256

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** The JSON-RPC error for a ledger refusal (geth's wording where clients parse it). */
function rejection(e: unknown, txId: string): Error {
  if (e instanceof LedgerError) {
    let message = e.message
    if (e.name === 'NonceTooLowError') message = `nonce too low: ${e.message}`
    else if (e.name === 'DuplicateTransactionError') message = `already known: ${e.message}`
    return new TransactionRejectedError(message, `0x${txId}`, e)
  }
  return e instanceof Error ? e : new Error(String(e))
}

function ledgerTransactions(block: Block): Transaction[] {
  return block.batches.flatMap((b) => b.transactions)
}

/** The Seth node: submission, mining and chain queries in Ethereum terms. */
export class SethNode {
  readonly ledger: Ledger
  readonly family: SethFamily
  private readonly blockInfos = new Map<string, BlockInfo>()
  /** Public keys of senders seen here, by address, for pending-nonce lookups in the pool. */
  private readonly publicKeys = new Map<string, Uint8Array>()
  private readonly listeners = new Set<(info: BlockInfo, reverted: readonly BlockInfo[]) => void>()
  private timer: { cancel(): void } | undefined
  private queue: Queued[] = []
  private readonly waiters = new Map<string, (error?: Error) => void>()
  private flushScheduled = false
  private mining = false
  private again = false
  private closed = false
  private readonly unsubscribe: () => void

  constructor(private readonly init: SethNodeInit) {
    this.ledger = init.ledger
    this.family = init.family
    const offCommit = this.ledger.onCommit((e) => this.committed(e))
    const offRejected = this.ledger.onRejected((r) => this.rejected(r))
    this.unsubscribe = () => {
      offCommit()
      offRejected()
    }
    if (init.mining?.mode === 'interval') this.scheduleInterval(init.mining.intervalMs)
  }

  /** Resolves when the transaction is committed or dropped (or after 30 s, leaving it pending). */
  private inclusion(txId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(), 30_000)
      const settle = (error?: Error) => {
        clearTimeout(timer)
        this.waiters.delete(txId)
        if (error === undefined) resolve()
        else reject(error)
      }
      this.waiters.set(txId, settle)
    })
  }

  private committed(e: CommitEvent): void {
    for (const r of e.receipts) this.waiters.get(r.transactionId)?.()
    // The abandoned blocks' data, for removed-log notifications: from the cache, or rebuilt from
    // the receipts the ledger hands over (its store no longer has them).
    const reverted = e.reverted.map((b) => {
      const cached = this.blockInfos.get(b.id)
      this.blockInfos.delete(b.id)
      return (
        cached ??
        this.buildInfo(
          b,
          e.revertedReceipts.filter((r) => r.blockId === b.id),
          false,
        )
      )
    })
    const info = this.buildInfo(e.block, e.receipts)
    for (const t of info.transactions) this.family.forget(t.decoded.hashHex)
    for (const l of this.listeners) l(info, reverted)
  }

  /**
   * Calls `handler` with each committed block's data. When the commit switched forks,
   * `reverted` holds the abandoned blocks' data (as they were while canonical), newest first;
   * a switch to a branch of several blocks reports them with the branch's first block.
   */
  onBlock(handler: (info: BlockInfo, reverted: readonly BlockInfo[]) => void): () => void {
    this.listeners.add(handler)
    return () => {
      this.listeners.delete(handler)
    }
  }

  private scheduleInterval(ms: number): void {
    this.timer = this.init.clock.setTimeout(() => {
      if (this.closed) return
      this.mine()
        .catch(() => undefined)
        .finally(() => {
          if (!this.closed) this.scheduleInterval(ms)
        })
    }, ms)
  }

  /** Builds blocks until the pool is drained of what can be included now (auto mode coalesces arrivals). */
  private autoMine(): void {
    if (this.mining) {
      this.again = true
      return
    }
    this.mining = true
    setImmediate(async () => {
      try {
        for (;;) {
          this.again = false
          const built = await this.ledger.buildBlock()
          // Stop when nothing could be built (what is left waits for a missing nonce) unless
          // new transactions arrived meanwhile.
          if (this.closed || (built === undefined && !this.again)) break
          if (!this.again && this.ledger.pool.size === 0) break
        }
      } catch {
        // A failed build leaves the pool as it was; the next submission retries.
      } finally {
        this.mining = false
      }
    })
  }

  /** Builds one block now from the pool (evm_mine); empty if `allowEmpty`. */
  async mine(allowEmpty = false): Promise<Block | undefined> {
    const built = await this.ledger.buildBlock({ allowEmpty })
    return built?.block
  }

  /** Validates raw Ethereum transaction bytes and puts them in the pool; returns the hash. */
  async sendRawTransaction(raw: Uint8Array): Promise<string> {
    let d: DecodedTransaction
    try {
      d = this.init.secp === undefined ? this.family.decode(raw) : await this.family.decodeWith(raw, this.init.secp)
    } catch (e) {
      throw new InvalidTransactionError(`invalid transaction: ${(e as Error).message}`, hex(raw.subarray(0, 64)), e)
    }
    const tx: Transaction = {
      header: {
        familyName: 'seth',
        familyVersion: '1.0',
        signerPublicKey: d.publicKey,
        batcherPublicKey: this.init.batcher.publicKey,
        nonce: d.nonce,
        inputs: [SETH_NAMESPACE],
        outputs: [SETH_NAMESPACE],
        dependencies: [],
        payloadHash: d.hash,
      },
      headerSignature: d.signature,
      payload: raw,
      id: d.hashHex,
    }
    const from = hex(d.sender.bytes)
    if (!this.publicKeys.has(from)) {
      if (this.publicKeys.size > 100_000) this.publicKeys.clear()
      this.publicKeys.set(from, d.publicKey)
    }
    const mining = this.init.mining
    // Listen for inclusion before the transaction can reach a block (a build already running
    // may take it as soon as it is pooled).
    const included =
      mining?.mode === 'auto' && mining.waitForInclusion !== false && !this.waiters.has(d.hashHex)
        ? this.inclusion(d.hashHex)
        : undefined
    try {
      await new Promise<void>((resolve, reject) => {
        this.queue.push({ tx, resolve, reject })
        if (!this.flushScheduled) {
          this.flushScheduled = true
          setImmediate(() => void this.flush())
        }
      })
    } catch (e) {
      if (included !== undefined) {
        this.waiters.get(d.hashHex)?.()
        await included
      }
      throw e
    }
    if (mining?.mode === 'auto') {
      this.autoMine()
      await included
    }
    return `0x${d.hashHex}`
  }

  /**
   * Wraps the transactions that arrived in one tick into one signed batch (one signature
   * instead of one each). If the ledger refuses the group, each transaction is retried in a
   * batch of its own so that only the faulty ones get an error.
   */
  private async flush(): Promise<void> {
    this.flushScheduled = false
    const group = this.queue.splice(0, MAX_GROUP)
    if (this.queue.length > 0) {
      this.flushScheduled = true
      setImmediate(() => void this.flush())
    }
    const seen = new Set<string>()
    const unique: Queued[] = []
    for (const q of group) {
      if (seen.has(q.tx.id)) q.reject(new TransactionRejectedError(`already known: ${q.tx.id}`, `0x${q.tx.id}`))
      else {
        seen.add(q.tx.id)
        unique.push(q)
      }
    }
    if (unique.length > 1) {
      try {
        await this.ledger.submit(
          await signBatch(
            this.init.batcher,
            unique.map((q) => q.tx),
          ),
          { signedHere: true },
        )
        for (const q of unique) q.resolve()
        return
      } catch {
        // Fall through: find out which transactions are at fault, one batch each.
      }
    }
    for (const q of unique) {
      try {
        await this.ledger.submit(await signBatch(this.init.batcher, [q.tx]), { signedHere: true })
        q.resolve()
      } catch (e) {
        q.reject(rejection(e, q.tx.id))
      }
    }
  }

  /** Re-batches the innocent transactions of our own batches that a block build dropped. */
  private rejected(rejected: readonly RejectedBatch[]): void {
    for (const r of rejected) {
      const faulty = r.transactionId ?? (r.batch.transactions.length === 1 ? r.batch.transactions[0]!.id : undefined)
      if (faulty !== undefined)
        this.waiters.get(faulty)?.(new TransactionRejectedError(`dropped from the pool: ${r.reason}`, `0x${faulty}`))
      if (r.transactionId === undefined || r.batch.transactions.length < 2) continue
      if (!equal(r.batch.header.signerPublicKey, this.init.batcher.publicKey)) continue
      for (const tx of r.batch.transactions) {
        if (tx.id === r.transactionId) continue
        this.queue.push({ tx, resolve: () => {}, reject: () => {} })
      }
      if (!this.flushScheduled) {
        this.flushScheduled = true
        setImmediate(() => void this.flush())
      }
    }
  }

  // --- queries -------------------------------------------------------------------------

  /** Latest block height. */
  get height(): bigint {
    return this.ledger.head.header.height
  }

  async account(address: string): Promise<{ nonce: bigint; balance: bigint }> {
    const raw = await this.ledger.state.get(accountKey(address))
    if (raw === undefined) return { nonce: 0n, balance: 0n }
    const a = decodeAccount(raw)
    return { nonce: a.nonce, balance: a.balance }
  }

  /** The next nonce including pending transactions of `address` (pool order). */
  async pendingNonce(address: string): Promise<bigint> {
    const { nonce } = await this.account(address)
    const pub = this.publicKeys.get(address)
    return pub === undefined ? nonce : this.ledger.pool.nextNonce(pub, nonce)
  }

  async code(address: string): Promise<Uint8Array> {
    return (await this.ledger.state.get(codeKey(address))) ?? new Uint8Array(0)
  }

  async storage(address: string, slot: string): Promise<Uint8Array> {
    return (await this.ledger.state.get(storageKey(address, slot))) ?? new Uint8Array(0)
  }

  /** Runs a message on the head state without committing anything. */
  call(msg: SethMessage): Promise<SethReceipt> {
    const state = this.ledger.state
    const scratch = new Map<string, Uint8Array | null>()
    const head = this.ledger.head
    return this.family.run(
      {
        get: async (a) => {
          const v = scratch.get(a)
          if (v !== undefined) return v ?? undefined
          return state.get(a)
        },
        set: async (a, v) => void scratch.set(a, v),
        delete: async (a) => void scratch.set(a, null),
      },
      msg,
      {
        height: head.header.height + 1n,
        timestamp: Math.max(this.init.clock.now(), head.header.timestamp),
        publisherPublicKey: this.init.batcher.publicKey,
      },
      true,
    )
  }

  async blockByHeight(height: bigint): Promise<BlockInfo | undefined> {
    const b = await this.ledger.getBlockByHeight(height)
    return b === undefined ? undefined : this.info(b)
  }

  async blockByHash(hash: string): Promise<BlockInfo | undefined> {
    const b = await this.ledger.getBlock(hash)
    if (b === undefined) return undefined
    const canonical = await this.ledger.getBlockByHeight(b.header.height)
    if (canonical?.id !== b.id) return undefined
    return this.info(b)
  }

  async info(block: Block): Promise<BlockInfo> {
    const cached = this.blockInfos.get(block.id)
    if (cached !== undefined) return cached
    const receipts: ReceiptRecord[] = []
    const transactions = ledgerTransactions(block)
    for (const t of transactions) {
      const r = await this.ledger.getReceipt(t.id)
      // A fork switch meanwhile may have removed the receipt or moved it to another block.
      if (r !== undefined && r.blockId === block.id) receipts.push(r)
    }
    return this.buildInfo(block, receipts, receipts.length === transactions.length)
  }

  private buildInfo(block: Block, receipts: readonly ReceiptRecord[], cache = true): BlockInfo {
    const byId = new Map(receipts.map((r) => [r.transactionId, r]))
    const transactions: TransactionInfo[] = []
    let cumulative = 0n
    let logIndex = 0
    const bloom = new Uint8Array(256)
    for (const [index, t] of ledgerTransactions(block).entries()) {
      const r = byId.get(t.id)
      const receipt =
        r === undefined
          ? { status: 0 as const, gasUsed: 0n, logs: [], output: new Uint8Array(0) }
          : decodeSethReceipt(r.receipt)
      cumulative += receipt.gasUsed
      transactions.push({
        decoded: this.family.decode(t.payload),
        block,
        index,
        receipt,
        cumulativeGasUsed: cumulative,
        firstLogIndex: logIndex,
      })
      logIndex += receipt.logs.length
      for (const [a, topics] of receipt.logs) {
        bloomAdd(bloom, a)
        for (const topic of topics) bloomAdd(bloom, topic)
      }
    }
    const info: BlockInfo = { block, transactions, gasUsed: cumulative, logsBloom: bloom }
    if (!cache) return info
    if (this.blockInfos.size >= 512) {
      const first = this.blockInfos.keys().next().value
      if (first !== undefined) this.blockInfos.delete(first)
    }
    this.blockInfos.set(block.id, info)
    return info
  }

  /** A committed transaction by hash (no 0x), or undefined. */
  async transaction(hash: string): Promise<TransactionInfo | undefined> {
    // Still pending: no need to ask the store.
    if (this.ledger.pool.hasTransaction(hash)) return undefined
    const r = await this.ledger.getReceipt(hash)
    if (r === undefined) return undefined
    const block = await this.ledger.getBlock(r.blockId)
    if (block === undefined) return undefined
    const info = await this.info(block)
    return info.transactions[r.index]
  }

  /** A transaction still in the pool. */
  pendingTransaction(hash: string): DecodedTransaction | undefined {
    const batch = this.ledger.pool.getTransactionBatch(hash)
    const t = batch?.transactions.find((x) => x.id === hash)
    return t === undefined ? undefined : this.family.decode(t.payload)
  }

  /** Logs of canonical blocks in [from, to] matching the filter. */
  async logs(
    from: bigint,
    to: bigint,
    addresses: readonly string[] | undefined,
    topics: readonly (readonly string[] | null)[],
  ): Promise<PositionedLog[]> {
    const out: PositionedLog[] = []
    for (let h = from; h <= to; h++) {
      const info = await this.blockByHeight(h)
      if (info === undefined) break
      out.push(...filterLogs(info, addresses, topics))
    }
    return out
  }

  async close(): Promise<void> {
    this.closed = true
    this.timer?.cancel()
    this.unsubscribe()
    // Callers waiting for inclusion get their hash back; the transaction stays in the pool.
    for (const settle of [...this.waiters.values()]) settle()
    while (this.mining) await new Promise((r) => setTimeout(r, 5))
  }
}

/** The logs of one block that match an address list and topic filter (null = any). */
export function filterLogs(
  info: BlockInfo,
  addresses: readonly string[] | undefined,
  topics: readonly (readonly string[] | null)[],
): PositionedLog[] {
  const out: PositionedLog[] = []
  for (const t of info.transactions) {
    for (const [i, log] of t.receipt.logs.entries()) {
      const [a, ts] = log
      if (addresses !== undefined && addresses.length > 0 && !addresses.includes(hex(a))) continue
      let ok = true
      for (const [j, want] of topics.entries()) {
        if (want === null || want.length === 0) continue
        const have = ts[j]
        if (have === undefined || !want.includes(hex(have))) {
          ok = false
          break
        }
      }
      if (ok) out.push({ log, block: info.block, transaction: t, logIndex: t.firstLogIndex + i })
    }
  }
  return out
}

/** Creates a Seth node over a ledger opened with the same family. */
export function createSethNode(init: SethNodeInit): SethNode {
  return new SethNode(init)
}

export { Address }
