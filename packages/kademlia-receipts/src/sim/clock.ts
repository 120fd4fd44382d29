// A virtual clock: time moves only when the simulation driver says so; timers fire in order
// of due time, then of creation, so a seeded run replays bit for bit.
import type { TimerHandle, VirtualClock } from '@atmosphere/interfaces'

interface Timer {
  due: number
  seq: number
  fn: () => void
  live: boolean
}

/** Drains the microtask queue so promise chains started by fired timers run to completion. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class SimClock implements VirtualClock {
  readonly kind = 'virtual' as const
  private t: number
  private seq = 0
  private heap: Timer[] = []
  private live = 0

  constructor(start = 0) {
    this.t = start
  }

  now(): number {
    return this.t
  }

  get pending(): number {
    return this.live
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer: Timer = { due: this.t + Math.max(0, ms), seq: this.seq++, fn: callback, live: true }
    this.push(timer)
    this.live++
    return {
      cancel: () => {
        if (timer.live) {
          timer.live = false
          this.live--
        }
      },
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms))
  }

  /** Fires every timer due at the earliest pending time; false if none is pending. */
  async next(): Promise<boolean> {
    this.dropDead()
    const first = this.heap[0]
    if (first === undefined) return false
    this.t = Math.max(this.t, first.due)
    while (this.heap.length > 0 && (this.heap[0] as Timer).due <= this.t) {
      const timer = this.pop() as Timer
      if (!timer.live) continue
      timer.live = false
      this.live--
      timer.fn()
    }
    await flush()
    return true
  }

  async advance(ms: number): Promise<void> {
    const until = this.t + ms
    for (;;) {
      this.dropDead()
      const first = this.heap[0]
      if (first === undefined || first.due > until) break
      await this.next()
    }
    this.t = until
    await flush()
  }

  /** Runs timers until `promise` settles (or no timer is left); returns its result. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false
    const p = promise.finally(() => {
      settled = true
    })
    await flush()
    while (!settled) if (!(await this.next())) break
    return p
  }

  private dropDead(): void {
    while (this.heap.length > 0 && !(this.heap[0] as Timer).live) this.pop()
  }

  private less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq)
  }

  private push(x: Timer): void {
    const h = this.heap
    h.push(x)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i] as Timer, h[p] as Timer)) break
      ;[h[i], h[p]] = [h[p] as Timer, h[i] as Timer]
      i = p
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last !== undefined) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let s = i
        if (l < h.length && this.less(h[l] as Timer, h[s] as Timer)) s = l
        if (r < h.length && this.less(h[r] as Timer, h[s] as Timer)) s = r
        if (s === i) break
        ;[h[i], h[s]] = [h[s] as Timer, h[i] as Timer]
        i = s
      }
    }
    return top
  }
}
