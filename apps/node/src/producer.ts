// The block producer: builds a block when the pool holds batches and consensus says so,
// sleeping for as long as the engine asks (a PoET wait timer) and waking on new work.
import type { Block, Clock, TimerHandle } from '@atmosphere/interfaces'
import type { Ledger } from '@atmosphere/ledger'
import type { ScheduledConsensus } from './consensus-schedule.js'
import type { Logger } from './log.js'

/** Options of {@link BlockProducer}. */
export interface ProducerInit {
  readonly ledger: Ledger
  readonly consensus: ScheduledConsensus
  readonly clock: Clock
  readonly log: Logger
  /** Called with each block this node published (to gossip it). */
  readonly published: (block: Block) => void
  /** Re-check period when the engine gives no retry time, ms. Default 1000. */
  readonly idleCheckMs?: number
}

/** Runs block production until stopped. */
export class BlockProducer {
  private timer: TimerHandle | undefined
  private dueAt = Number.POSITIVE_INFINITY
  private running = false
  private again = false
  private pendingWork = false
  private stopped = false

  constructor(private readonly init: ProducerInit) {}

  /**
   * New batches: an attempt soon, unless one is already scheduled (a consensus wait in
   * progress; building the block re-executes the whole pool, so arrivals must not each
   * trigger one).
   */
  newWork(): void {
    if (this.running) {
      this.pendingWork = true
      return
    }
    if (this.dueAt !== Number.POSITIVE_INFINITY) return
    this.poke(0)
  }

  /** Asks for an attempt within `ms` (a new head: the consensus wait starts over). */
  poke(ms = 0): void {
    if (this.stopped) return
    const at = this.init.clock.now() + ms
    if (at >= this.dueAt) return
    this.timer?.cancel()
    this.dueAt = at
    this.timer = this.init.clock.setTimeout(() => {
      this.dueAt = Number.POSITIVE_INFINITY
      void this.attempt()
    }, ms)
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    let next: number | undefined
    try {
      if (this.init.ledger.pool.size > 0) {
        const built = await this.init.ledger.buildBlock()
        if (built !== undefined) {
          this.init.published(built.block)
          next = 0
        } else {
          const d = this.init.consensus.lastDecision
          next =
            d !== undefined && !d.publish && d.retryAfterMs !== undefined
              ? Math.max(1, Math.ceil(d.retryAfterMs))
              : undefined
        }
      }
    } catch (e) {
      if (!this.stopped) this.init.log.warn('block build failed', { error: e })
      next = this.init.idleCheckMs ?? 1000
    } finally {
      this.running = false
    }
    const work = this.pendingWork
    this.pendingWork = false
    if (this.again) {
      this.again = false
      next = 0
    }
    if (this.init.ledger.pool.size > 0) this.poke(next ?? (work ? 0 : (this.init.idleCheckMs ?? 1000)))
  }

  stop(): void {
    this.stopped = true
    this.timer?.cancel()
  }

  /** Resolves once no build is running. */
  async idle(): Promise<void> {
    while (this.running) await new Promise((r) => setTimeout(r, 5))
  }
}
