// k-buckets (Kademlia §2.2): bucket i holds contacts sharing exactly i leading bits with us,
// least-recently seen first. A full bucket pings its least-recently-seen contact before
// evicting it; the newcomer waits in a one-slot replacement cache meanwhile (§4.1). A
// contact heard from within the liveness window is not pinged again: the newcomer just
// waits in the cache (docs/decisions/0093-eviction-ping-window.md).
import { commonPrefixLength, compareDistance, ID_BITS } from './id.js'
import type { Contact } from './messages.js'

export type UpdateResult =
  | { readonly kind: 'added' | 'refreshed' | 'self' }
  /** The bucket is full: ping `oldest`, then call `evict` or `keep`. */
  | { readonly kind: 'full'; readonly oldest: Contact; readonly bucket: number }
  /** The bucket is full and already checking its oldest contact. */
  | { readonly kind: 'pending' }

export class RoutingTable {
  readonly buckets: Contact[][] = Array.from({ length: ID_BITS }, () => [])
  private readonly replacement = new Map<number, Contact>()
  /** Time each bucket was last the subject of a lookup (for refresh, §2.3). */
  readonly lastLookup: number[] = new Array(ID_BITS).fill(0)

  private readonly seenAt = new Map<string, number>()

  constructor(
    readonly selfId: Uint8Array,
    readonly k: number,
    /** Contacts heard from this recently are presumed alive (no eviction ping). */
    readonly livenessWindowMs = 0,
    /** When the table was created; contacts without a record count as seen then. */
    readonly createdAt = 0,
  ) {}

  get size(): number {
    let n = 0
    for (const b of this.buckets) n += b.length
    return n
  }

  bucketOf(id: Uint8Array): number {
    return commonPrefixLength(this.selfId, id)
  }

  /** Records that `c` was just seen (a message arrived from it). */
  update(c: Contact, now = 0): UpdateResult {
    const i = this.bucketOf(c.id)
    if (i === ID_BITS) return { kind: 'self' }
    this.seenAt.set(c.idHex, now)
    const bucket = this.buckets[i] as Contact[]
    const at = bucket.findIndex((e) => e.idHex === c.idHex)
    if (at >= 0) {
      bucket.splice(at, 1)
      bucket.push(c)
      return { kind: 'refreshed' }
    }
    if (bucket.length < this.k) {
      bucket.push(c)
      return { kind: 'added' }
    }
    const oldest = bucket[0] as Contact
    const fresh = now - (this.seenAt.get(oldest.idHex) ?? this.createdAt) < this.livenessWindowMs
    if (this.replacement.has(i) || fresh) {
      this.replacement.set(i, c)
      return { kind: 'pending' }
    }
    this.replacement.set(i, c)
    return { kind: 'full', oldest, bucket: i }
  }

  /** The oldest contact answered the ping: keep it (moved to the tail), drop the newcomer. */
  keep(bucketIndex: number, oldest: Contact): void {
    this.replacement.delete(bucketIndex)
    const bucket = this.buckets[bucketIndex] as Contact[]
    const at = bucket.findIndex((e) => e.idHex === oldest.idHex)
    if (at >= 0) {
      bucket.splice(at, 1)
      bucket.push(oldest)
    }
  }

  /** The oldest contact did not answer: evict it and insert the waiting newcomer. */
  evict(bucketIndex: number, oldest: Contact): void {
    const bucket = this.buckets[bucketIndex] as Contact[]
    const at = bucket.findIndex((e) => e.idHex === oldest.idHex)
    if (at >= 0) bucket.splice(at, 1)
    const next = this.replacement.get(bucketIndex)
    this.replacement.delete(bucketIndex)
    if (next !== undefined && bucket.length < this.k && !bucket.some((e) => e.idHex === next.idHex)) bucket.push(next)
  }

  /** Removes a contact that failed to answer a request. */
  remove(c: Contact): void {
    const i = this.bucketOf(c.id)
    if (i === ID_BITS) return
    const bucket = this.buckets[i] as Contact[]
    const at = bucket.findIndex((e) => e.idHex === c.idHex)
    if (at < 0) return
    bucket.splice(at, 1)
    const next = this.replacement.get(i)
    if (next !== undefined) {
      this.replacement.delete(i)
      bucket.push(next)
    }
  }

  has(idHex: string, id: Uint8Array): boolean {
    const i = this.bucketOf(id)
    return i < ID_BITS && (this.buckets[i] as Contact[]).some((e) => e.idHex === idHex)
  }

  /**
   * The n known contacts closest to `target`. Buckets are visited in XOR order (the bucket
   * the target falls in, then the nearer ones, then the farther ones) so a call sorts only
   * a few buckets instead of the whole table.
   */
  closest(target: Uint8Array, n: number): Contact[] {
    const b = this.bucketOf(target)
    const out: Contact[] = []
    const sortInto = (group: Contact[]): void => {
      group.sort((x, y) => compareDistance(target, x.id, y.id))
      for (const c of group) {
        if (out.length >= n) return
        out.push(c)
      }
    }
    if (b < ID_BITS) sortInto([...(this.buckets[b] as Contact[])])
    if (out.length < n) {
      const nearer: Contact[] = []
      for (let i = Math.min(b + 1, ID_BITS); i < ID_BITS; i++) nearer.push(...(this.buckets[i] as Contact[]))
      sortInto(nearer)
    }
    for (let i = Math.min(b, ID_BITS) - 1; i >= 0 && out.length < n; i--) sortInto([...(this.buckets[i] as Contact[])])
    return out
  }

  all(): Contact[] {
    return this.buckets.flat()
  }
}
