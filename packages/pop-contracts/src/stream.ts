// Per-peer unit streams (docs/pop.md §4.3): the sender's log for retransmission, the
// receiver's record of sequence numbers and chain CRCs for gap, replay and tamper detection,
// and the reassembly buffer pairing Header and Payload datagrams that arrive in any order.
import { ChainBrokenError, ReplayedUnitError, StreamForkError } from './errors.js'
import type { EncodedUnit, PayloadDatagram, UnitHeader } from './wire.js'

/** What this node sent to one peer. */
export class SendStream {
  #next = 1
  #lastCrc = 0
  readonly #log = new Map<number, EncodedUnit>()
  /** Sequence number the next unit will get. */
  get nextSeq(): number {
    return this.#next
  }
  /** Highest sequence number sent so far (0 if none). */
  get head(): number {
    return this.#next - 1
  }
  get lastCrc(): number {
    return this.#lastCrc
  }
  append(seq: number, unit: EncodedUnit): void {
    this.#log.set(seq, unit)
    this.#next = seq + 1
    this.#lastCrc = unit.crc
  }
  get(seq: number): EncodedUnit | undefined {
    return this.#log.get(seq)
  }
}

interface Seen {
  crc: number
  prevCrc: number
}

/** What this node accepted from one peer. */
export class ReceiveStream {
  readonly #seen = new Map<number, Seen>()
  #expect = 1
  #highest = 0
  /** Lowest sequence number not yet accepted: everything below arrived. */
  get expectFrom(): number {
    return this.#expect
  }
  /** Highest sequence number seen or announced by the peer. */
  get highest(): number {
    return this.#highest
  }
  /** Records a head announced by the peer (from a retransmission or status unit). */
  announce(head: number): void {
    if (head > this.#highest) this.#highest = head
  }
  /** Sequence numbers below the highest known that have not arrived (at most `limit`). */
  missing(limit = 64): number[] {
    const out: number[] = []
    for (let s = this.#expect; s <= this.#highest && out.length < limit; s++) if (!this.#seen.has(s)) out.push(s)
    return out
  }
  has(seq: number): boolean {
    return this.#seen.has(seq)
  }
  /**
   * Checks a verified unit against the stream: throws {@link ReplayedUnitError} for a sequence
   * number already accepted with the same bytes, {@link StreamForkError} for a different unit
   * under an accepted number, {@link ChainBrokenError} when its CRC link disagrees with a
   * neighbour. Accepts it otherwise.
   */
  accept(seq: number, crc: number, prevCrc: number): void {
    const old = this.#seen.get(seq)
    if (old !== undefined) {
      if (old.crc === crc) throw new ReplayedUnitError('sequence number already accepted (duplicate or replay)', seq)
      throw new StreamForkError('a different signed unit under an accepted sequence number', seq)
    }
    const before = this.#seen.get(seq - 1)
    if (seq === 1 ? prevCrc !== 0 : before !== undefined && before.crc !== prevCrc) {
      throw new ChainBrokenError('prevCrc does not match the CRC of the previous unit', {
        seq,
        prevCrc,
        expected: seq === 1 ? 0 : before?.crc,
      })
    }
    const after = this.#seen.get(seq + 1)
    if (after !== undefined && after.prevCrc !== crc) {
      throw new ChainBrokenError('the next unit does not link to this one', { seq, crc, nextPrevCrc: after.prevCrc })
    }
    this.#seen.set(seq, { crc, prevCrc })
    if (seq > this.#highest) this.#highest = seq
    while (this.#seen.has(this.#expect)) this.#expect++
  }
}

interface Halves {
  header?: { header: UnitHeader; raw: Uint8Array }
  payload?: PayloadDatagram
  at: number
}

/** Pairs the two datagrams of a unit; bounded in size and age. */
export class Reassembly {
  readonly #pending = new Map<string, Halves>()
  readonly #max: number
  readonly #maxAgeMs: number
  constructor(max: number, maxAgeMs: number) {
    this.#max = max
    this.#maxAgeMs = maxAgeMs
  }
  get size(): number {
    return this.#pending.size
  }
  /** Adds a half; returns both halves when the pair is complete (and forgets them). */
  add(
    key: string,
    now: number,
    half: { header: UnitHeader; raw: Uint8Array } | { payload: PayloadDatagram },
  ): { header: UnitHeader; raw: Uint8Array; payload: PayloadDatagram } | undefined {
    let entry = this.#pending.get(key)
    if (entry === undefined) {
      if (this.#pending.size >= this.#max) {
        const oldest = this.#pending.keys().next()
        if (!oldest.done) this.#pending.delete(oldest.value)
      }
      entry = { at: now }
      this.#pending.set(key, entry)
    }
    // The first copy of each half wins; duplicates of a half are ignored here.
    if ('header' in half) entry.header ??= half
    else entry.payload ??= half.payload
    if (entry.header !== undefined && entry.payload !== undefined) {
      this.#pending.delete(key)
      return { header: entry.header.header, raw: entry.header.raw, payload: entry.payload }
    }
    return undefined
  }
  /** Drops halves older than the age limit; returns how many. */
  expire(now: number): number {
    let n = 0
    for (const [k, v] of this.#pending) {
      if (now - v.at > this.#maxAgeMs) {
        this.#pending.delete(k)
        n++
      }
    }
    return n
  }
}
