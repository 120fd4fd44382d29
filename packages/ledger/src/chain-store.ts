// The chain's layout in a KeyValueStore: blocks by id, the canonical height index, undo
// records for fork switches, receipts by transaction id, and state; with a read cache.
import type { Block, HexId, KeyValueStore, StoreOperation, TransactionEvent } from '@atmosphere/interfaces'
import { RLP } from '@ethereumjs/rlp'
import { bigintToBytes, bytesToBigint, decodeBlock, encodeBlock } from './encoding.js'
import { rlpEncode, utf8Bytes } from './rlp.js'
import type { StateReader } from './state.js'

const utf8d = new TextDecoder()
const k = (prefix: string, rest: string): Uint8Array => utf8Bytes(prefix + rest)

export const KEY_HEAD = utf8Bytes('m:head')
export const KEY_GENESIS = utf8Bytes('m:genesis')
export const blockKey = (id: HexId): Uint8Array => k('b:', id)
export const heightKey = (height: bigint): Uint8Array => k('h:', height.toString(16).padStart(16, '0'))
export const undoKey = (id: HexId): Uint8Array => k('u:', id)
export const receiptKey = (txId: HexId): Uint8Array => k('r:', txId)
export const stateKey = (address: string): Uint8Array => k('s:', address)

/** Where and how a committed transaction ended up. */
export interface ReceiptRecord {
  readonly transactionId: HexId
  readonly blockId: HexId
  readonly height: bigint
  readonly batchIndex: number
  /** Position of the transaction among all transactions of the block. */
  readonly index: number
  /** Family-specific receipt bytes (empty if the family returned none). */
  readonly receipt: Uint8Array
  readonly events: readonly TransactionEvent[]
}

export function encodeReceipt(r: ReceiptRecord): Uint8Array {
  return rlpEncode([
    utf8Bytes(r.transactionId),
    utf8Bytes(r.blockId),
    bigintToBytes(r.height),
    bigintToBytes(BigInt(r.batchIndex)),
    bigintToBytes(BigInt(r.index)),
    r.receipt,
    r.events.map((e) => [utf8Bytes(e.type), e.attributes.map(([a, b]) => [utf8Bytes(a), utf8Bytes(b)]), e.data]),
  ])
}

export function decodeReceipt(data: Uint8Array): ReceiptRecord {
  const f = RLP.decode(data) as unknown as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    [Uint8Array, [Uint8Array, Uint8Array][], Uint8Array][],
  ]
  return {
    transactionId: utf8d.decode(f[0]),
    blockId: utf8d.decode(f[1]),
    height: bytesToBigint(f[2]),
    batchIndex: Number(bytesToBigint(f[3])),
    index: Number(bytesToBigint(f[4])),
    receipt: f[5],
    events: f[6].map(([t, attrs, d]) => ({
      type: utf8d.decode(t),
      attributes: attrs.map(([a, b]) => [utf8d.decode(a), utf8d.decode(b)] as const),
      data: d,
    })),
  }
}

/** Previous values of the addresses a block wrote; `null` means the address was unset. */
export type UndoRecord = ReadonlyArray<readonly [address: string, previous: Uint8Array | null]>

export function encodeUndo(u: UndoRecord): Uint8Array {
  return rlpEncode(
    u.map(([a, p]) => [utf8Bytes(a), p ?? new Uint8Array(0), p === null ? Uint8Array.of(1) : new Uint8Array(0)]),
  )
}

export function decodeUndo(data: Uint8Array): UndoRecord {
  const f = RLP.decode(data) as unknown as [Uint8Array, Uint8Array, Uint8Array][]
  return f.map(([a, p, d]) => [utf8d.decode(a), d.length > 0 ? null : p] as const)
}

const STATE_CACHE_LIMIT = 500_000
const BLOCK_CACHE_LIMIT = 256
const RECEIPT_CACHE_LIMIT = 100_000

/** Typed access to the chain layout, with caches of committed state and recent blocks. */
export class ChainStore implements StateReader {
  private readonly stateCache = new Map<string, Uint8Array | null>()
  private readonly blockCache = new Map<HexId, Block>()
  private readonly receiptCache = new Map<HexId, ReceiptRecord>()
  /** Bumped around every commit, so a read that overlaps one does not cache a stale value. */
  private generation = 0

  constructor(readonly kv: KeyValueStore) {}

  async get(address: string): Promise<Uint8Array | undefined> {
    const c = this.stateCache.get(address)
    if (c !== undefined) return c === null ? undefined : c
    const generation = this.generation
    const v = await this.kv.get(stateKey(address))
    if (generation !== this.generation) {
      // A commit landed while we read: our value may predate it, so never cache it, and
      // prefer what the commit wrote.
      const after = this.stateCache.get(address)
      if (after !== undefined) return after === null ? undefined : after
      return v
    }
    if (this.stateCache.size >= STATE_CACHE_LIMIT) this.stateCache.clear()
    this.stateCache.set(address, v ?? null)
    return v
  }

  async getBlock(id: HexId): Promise<Block | undefined> {
    const c = this.blockCache.get(id)
    if (c !== undefined) return c
    const raw = await this.kv.get(blockKey(id))
    if (raw === undefined) return undefined
    const b = decodeBlock(raw)
    this.cacheBlock(b)
    return b
  }

  cacheBlock(b: Block): void {
    if (this.blockCache.size >= BLOCK_CACHE_LIMIT) {
      const first = this.blockCache.keys().next().value
      if (first !== undefined) this.blockCache.delete(first)
    }
    this.blockCache.set(b.id, b)
  }

  async hasBlock(id: HexId): Promise<boolean> {
    return this.blockCache.has(id) || (await this.kv.get(blockKey(id))) !== undefined
  }

  async canonicalId(height: bigint): Promise<HexId | undefined> {
    const v = await this.kv.get(heightKey(height))
    return v === undefined ? undefined : utf8d.decode(v)
  }

  async headId(): Promise<HexId | undefined> {
    const v = await this.kv.get(KEY_HEAD)
    return v === undefined ? undefined : utf8d.decode(v)
  }

  async genesisId(): Promise<HexId | undefined> {
    const v = await this.kv.get(KEY_GENESIS)
    return v === undefined ? undefined : utf8d.decode(v)
  }

  async getUndo(id: HexId): Promise<UndoRecord | undefined> {
    const v = await this.kv.get(undoKey(id))
    return v === undefined ? undefined : decodeUndo(v)
  }

  async getReceipt(txId: HexId): Promise<ReceiptRecord | undefined> {
    const c = this.receiptCache.get(txId)
    if (c !== undefined) return c
    const v = await this.kv.get(receiptKey(txId))
    return v === undefined ? undefined : decodeReceipt(v)
  }

  /** Keeps receipts of recent commits in memory (clients poll for them right after commit). */
  cacheReceipts(records: readonly ReceiptRecord[]): void {
    if (this.receiptCache.size + records.length > RECEIPT_CACHE_LIMIT) this.receiptCache.clear()
    for (const r of records) this.receiptCache.set(r.transactionId, r)
  }

  /** Forgets cached receipts of reverted transactions. */
  forgetReceipts(txIds: Iterable<HexId>): void {
    for (const id of txIds) this.receiptCache.delete(id)
  }

  /** Writes atomically, then updates the caches to match. */
  async commit(
    ops: StoreOperation[],
    stateWrites: ReadonlyMap<string, Uint8Array | null>,
    blocks: readonly Block[],
  ): Promise<void> {
    this.generation++
    try {
      await this.kv.batch(ops)
    } finally {
      this.generation++
    }
    for (const [a, v] of stateWrites) this.stateCache.set(a, v)
    for (const b of blocks) this.cacheBlock(b)
  }

  static blockOps(block: Block): StoreOperation {
    return { type: 'put', key: blockKey(block.id), value: encodeBlock(block) }
  }

  static textOp(key: Uint8Array, value: string): StoreOperation {
    return { type: 'put', key, value: utf8Bytes(value) }
  }
}
