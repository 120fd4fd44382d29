// Per-endpoint retry back-off: Sawtooth gossip.py doubles retry_threshold from
// INITIAL_RETRY_FREQUENCY (10 s) up to MAXIMUM_RETRY_FREQUENCY (300 s).

interface Entry {
  readonly delayMs: number
  readonly until: number
}

export class Backoff {
  readonly #entries = new Map<string, Entry>()
  constructor(
    readonly initialMs: number,
    readonly maxMs: number,
  ) {}

  /** Records a failure at `now`; returns the delay now in force. */
  fail(key: string, now: number): number {
    const prev = this.#entries.get(key)
    const delayMs = prev === undefined ? this.initialMs : Math.min(prev.delayMs * 2, this.maxMs)
    this.#entries.set(key, { delayMs, until: now + delayMs })
    return delayMs
  }

  /** Forgets the key after a success. */
  succeed(key: string): void {
    this.#entries.delete(key)
  }

  /** True while the key's back-off has not yet elapsed. */
  blocked(key: string, now: number): boolean {
    const e = this.#entries.get(key)
    return e !== undefined && now < e.until
  }

  /** Current delay for the key, or 0 if none. */
  delay(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0
  }
}
