// The transaction pool: batches validated on entry, de-duplicated by batch and transaction
// id, kept in arrival order with each signer's nonces contiguous.
import type { Batch, HexId } from '@atmosphere/interfaces'
import { bytesToHex } from './encoding.js'
import { PoolFullError } from './errors.js'

/** A batch waiting in the pool. */
export interface PoolEntry {
  readonly batch: Batch
  readonly addedAt: number
}

export class TransactionPool {
  private readonly batches = new Map<HexId, PoolEntry>()
  private readonly txToBatch = new Map<HexId, HexId>()
  /** Pending nonces per signer (hex public key), for signers whose family counts nonces. */
  private readonly nonces = new Map<string, Set<bigint>>()
  /** Per signer: a nonce n such that every pending nonce from some base up to n - 1 is present (a search hint). */
  private readonly hints = new Map<string, bigint>()

  constructor(readonly limit = 100_000) {}

  get size(): number {
    return this.batches.size
  }

  hasBatch(id: HexId): boolean {
    return this.batches.has(id)
  }

  hasTransaction(id: HexId): boolean {
    return this.txToBatch.has(id)
  }

  getTransactionBatch(txId: HexId): Batch | undefined {
    const b = this.txToBatch.get(txId)
    return b === undefined ? undefined : this.batches.get(b)?.batch
  }

  /** Whether a signer already has this nonce pending. */
  hasNonce(signer: Uint8Array, nonce: bigint): boolean {
    return this.nonces.get(bytesToHex(signer))?.has(nonce) ?? false
  }

  /** The next nonce after `committedNext` that no pending transaction of `signer` holds. */
  nextNonce(signer: Uint8Array, committedNext: bigint): bigint {
    const key = bytesToHex(signer)
    const set = this.nonces.get(key)
    if (set === undefined) return committedNext
    const hint = this.hints.get(key)
    // The hint is valid when it is at or above the committed nonce and nothing below it was removed.
    let n =
      hint !== undefined && hint >= committedNext && (hint === committedNext || set.has(hint - 1n))
        ? hint
        : committedNext
    while (set.has(n)) n++
    this.hints.set(key, n)
    return n
  }

  add(batch: Batch, now: number, front = false): void {
    if (this.batches.size >= this.limit) throw new PoolFullError(this.limit)
    const entry = { batch, addedAt: now }
    if (front) {
      const rest = [...this.batches]
      this.batches.clear()
      this.batches.set(batch.id, entry)
      for (const [k, v] of rest) this.batches.set(k, v)
    } else {
      this.batches.set(batch.id, entry)
    }
    for (const tx of batch.transactions) {
      this.txToBatch.set(tx.id, batch.id)
      const key = bytesToHex(tx.header.signerPublicKey)
      let set = this.nonces.get(key)
      if (set === undefined) {
        set = new Set()
        this.nonces.set(key, set)
      }
      set.add(tx.header.nonce)
    }
  }

  remove(batchId: HexId): void {
    const e = this.batches.get(batchId)
    if (e === undefined) return
    this.batches.delete(batchId)
    for (const tx of e.batch.transactions) {
      if (this.txToBatch.get(tx.id) === batchId) this.txToBatch.delete(tx.id)
      const key = bytesToHex(tx.header.signerPublicKey)
      const set = this.nonces.get(key)
      if (set !== undefined) {
        set.delete(tx.header.nonce)
        const hint = this.hints.get(key)
        if (hint !== undefined && tx.header.nonce < hint && set.has(tx.header.nonce + 1n)) this.hints.delete(key)
        if (set.size === 0) {
          this.nonces.delete(key)
          this.hints.delete(key)
        }
      }
    }
  }

  /** Drops every pending batch that contains a transaction with one of these ids. */
  removeTransactions(ids: Iterable<HexId>): void {
    for (const id of ids) {
      const b = this.txToBatch.get(id)
      if (b !== undefined) this.remove(b)
    }
  }

  /** Entries in arrival order (a snapshot). */
  entries(): PoolEntry[] {
    return [...this.batches.values()]
  }
}
