// A virtual clock for the simulator: time moves only when advanced; timers fire in order of
// due time, then of creation, and each firing lets pending promise continuations run.
import type { TimerHandle, VirtualClock } from '@atmosphere/interfaces'

interface Timer {
  due: number
  seq: number
  callback: (() => void) | undefined
}

/** Creates a virtual clock starting at `start` milliseconds. */
export function virtualClock(start = 0): VirtualClock & { readonly fired: number } {
  let now = start
  let seq = 0
  let fired = 0
  let live = 0
  const heap: Timer[] = []

  const less = (a: Timer, b: Timer) => a.due < b.due || (a.due === b.due && a.seq < b.seq)
  const push = (t: Timer) => {
    heap.push(t)
    let i = heap.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(heap[i]!, heap[p]!)) break
      ;[heap[i], heap[p]] = [heap[p]!, heap[i]!]
      i = p
    }
  }
  const pop = (): Timer | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
        i = m
      }
    }
    return top
  }
  // Drains the microtask queue (and everything it schedules) before the next timer.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

  const clock = {
    kind: 'virtual' as const,
    now: () => now,
    setTimeout(callback: () => void, ms: number): TimerHandle {
      const t: Timer = { due: now + Math.max(0, ms), seq: seq++, callback }
      live++
      push(t)
      return {
        cancel() {
          if (t.callback !== undefined) {
            t.callback = undefined
            live--
          }
        },
      }
    },
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => clock.setTimeout(resolve, ms))
    },
    async next(): Promise<boolean> {
      for (;;) {
        const t = pop()
        if (t === undefined) return false
        if (t.callback === undefined) continue
        const cb = t.callback
        t.callback = undefined
        live--
        now = Math.max(now, t.due)
        fired++
        cb()
        await settle()
        return true
      }
    },
    async advance(ms: number): Promise<void> {
      const end = now + ms
      for (;;) {
        while (heap.length > 0 && heap[0]!.callback === undefined) pop()
        const head = heap[0]
        if (head === undefined || head.due > end) break
        // Fire every timer due at this instant, then let their continuations run once.
        const due = head.due
        now = Math.max(now, due)
        while (heap.length > 0 && heap[0]!.due === due) {
          const t = pop()!
          if (t.callback === undefined) continue
          const cb = t.callback
          t.callback = undefined
          live--
          fired++
          cb()
        }
        await settle()
      }
      now = end
    },
    get pending() {
      return live
    },
    get fired() {
      return fired
    },
  }
  return clock
}
