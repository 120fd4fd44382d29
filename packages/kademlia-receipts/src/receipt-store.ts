// What a storing node keeps: the latest receipt per (location, updater) and any fork
// evidence seen for it ("only the latest version of receipt is stored", seed Deep storage).
import { equalBytes, toHex } from './bytes.js'
import type { Receipt } from './receipt.js'

export type PutOutcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'held-newer'; readonly held: Receipt }
  | { readonly kind: 'fork'; readonly held: Receipt }
  | { readonly kind: 'broken-chain'; readonly held: Receipt }

interface Entry {
  receipt: Receipt
  fork: readonly [Uint8Array, Uint8Array] | undefined
}

export const storeKey = (location: Uint8Array, updater: Uint8Array): string => `${toHex(location)}:${toHex(updater)}`

/** In-memory receipt table. Callers verify signatures before `put`. */
export class ReceiptStore {
  private readonly entries = new Map<string, Entry>()

  get size(): number {
    return this.entries.size
  }

  get(location: Uint8Array, updater: Uint8Array): Receipt | undefined {
    return this.entries.get(storeKey(location, updater))?.receipt
  }

  forkOf(location: Uint8Array, updater: Uint8Array): readonly [Uint8Array, Uint8Array] | undefined {
    return this.entries.get(storeKey(location, updater))?.fork
  }

  /** Records verified fork evidence for a resource (kept even after newer versions). */
  recordFork(location: Uint8Array, updater: Uint8Array, a: Uint8Array, b: Uint8Array, fallback: Receipt): void {
    const k = storeKey(location, updater)
    const e = this.entries.get(k)
    if (e === undefined) this.entries.set(k, { receipt: fallback, fork: [a, b] })
    else if (e.fork === undefined) e.fork = [a, b]
  }

  /**
   * Offers a receipt: newer versions replace older ones, equal versions with other bytes
   * are a fork, version+1 that does not link to the held receipt is a broken chain.
   */
  put(r: Receipt): PutOutcome {
    const k = storeKey(r.location, r.updater)
    const e = this.entries.get(k)
    if (e === undefined) {
      this.entries.set(k, { receipt: r, fork: undefined })
      return { kind: 'stored' }
    }
    const held = e.receipt
    if (r.version === held.version) {
      if (equalBytes(r.bytes, held.bytes)) return { kind: 'duplicate' }
      if (e.fork === undefined) e.fork = [held.bytes, r.bytes]
      return { kind: 'fork', held }
    }
    if (r.version < held.version) return { kind: 'held-newer', held }
    if (r.version === held.version + 1n && !equalBytes(r.prev, held.hash)) return { kind: 'broken-chain', held }
    e.receipt = r
    return { kind: 'stored' }
  }

  /** Every held receipt (for republishing and checkpoints). */
  all(): Receipt[] {
    return [...this.entries.values()].map((e) => e.receipt)
  }

  delete(location: Uint8Array, updater: Uint8Array): void {
    this.entries.delete(storeKey(location, updater))
  }
}
