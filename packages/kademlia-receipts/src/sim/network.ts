// In-memory network for the simulator: per-message latency and loss drawn from a seeded
// generator, nodes that go offline, and endpoints created lazily on first contact.
import type { RequestTransport, Unsubscribe } from '@atmosphere/interfaces'
import { ClosedError } from '../errors.js'
import type { Random } from '../random.js'
import type { SimClock } from './clock.js'

export type Handler = (from: string, message: Uint8Array) => Promise<Uint8Array>

export interface SimNetworkOptions {
  /** One-way latency range in ms (uniform). */
  readonly latencyMs?: readonly [number, number]
  /** Probability that one message (request or response) is lost. */
  readonly loss?: number
  /** Called for an address with no endpoint yet; may register one (lazy nodes). */
  readonly materialize?: (address: string) => void
}

export class SimNetwork {
  private readonly handlers = new Map<string, Handler>()
  private readonly offline = new Set<string>()
  messages = 0
  dropped = 0

  constructor(
    readonly clock: SimClock,
    readonly random: Random,
    readonly options: SimNetworkOptions = {},
  ) {}

  private latency(): number {
    const [lo, hi] = this.options.latencyMs ?? [10, 50]
    return lo + this.random.float() * (hi - lo)
  }

  private lost(): boolean {
    const p = this.options.loss ?? 0
    return p > 0 && this.random.float() < p
  }

  setOnline(address: string, online: boolean): void {
    if (online) this.offline.delete(address)
    else this.offline.add(address)
  }

  isOnline(address: string): boolean {
    return !this.offline.has(address)
  }

  has(address: string): boolean {
    return this.handlers.has(address)
  }

  /** Registers a handler directly (used for adversarial endpoints). */
  register(address: string, handler: Handler): Unsubscribe {
    this.handlers.set(address, handler)
    return () => {
      if (this.handlers.get(address) === handler) this.handlers.delete(address)
    }
  }

  /** A RequestTransport bound to `address`. */
  transport(address: string): RequestTransport<string> {
    let closed = false
    return {
      localAddress: address,
      request: (to, message, options) => {
        if (closed) return Promise.reject(new ClosedError(`sim transport ${address}`))
        return this.deliver(address, to, message, options?.signal)
      },
      handle: (handler) => this.register(address, handler),
      close: async () => {
        closed = true
        this.handlers.delete(address)
      },
    }
  }

  private deliver(from: string, to: string, message: Uint8Array, signal: AbortSignal | undefined): Promise<Uint8Array> {
    this.messages++
    return new Promise<Uint8Array>((resolve, reject) => {
      // A lost message never answers; the caller's timeout (and abort) ends the wait.
      signal?.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true })
      if (this.lost()) {
        this.dropped++
        return
      }
      this.clock.setTimeout(() => {
        if (signal?.aborted) return
        if (!this.handlers.has(to)) this.options.materialize?.(to)
        const h = this.handlers.get(to)
        if (h === undefined || this.offline.has(to) || this.offline.has(from)) return
        h(from, message).then(
          (answer) => {
            if (this.lost()) {
              this.dropped++
              return
            }
            this.clock.setTimeout(() => {
              if (!this.offline.has(to)) resolve(answer)
            }, this.latency())
          },
          () => undefined,
        )
      }, this.latency())
    })
  }
}
