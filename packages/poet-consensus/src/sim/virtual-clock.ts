// A deterministic clock for simulations (interfaces VirtualClock): time moves only when told;
// timers fire in order of due time, then of creation. A callback's promise is awaited before
// the next timer fires, so async protocol code runs in a replayable order.
import type { TimerHandle, VirtualClock } from '@atmosphere/interfaces'

interface Entry {
  readonly due: number
  readonly seq: number
  readonly callback: () => unknown
  cancelled: boolean
}

/** Creates a {@link VirtualClock} starting at `start` ms. */
export function virtualClock(start = 0): VirtualClock {
  let now = start
  let seq = 0
  let live = 0
  const heap: Entry[] = []
  const less = (a: Entry, b: Entry) => a.due < b.due || (a.due === b.due && a.seq < b.seq)
  const push = (e: Entry) => {
    heap.push(e)
    let i = heap.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(heap[i] as Entry, heap[p] as Entry)) break
      ;[heap[i], heap[p]] = [heap[p] as Entry, heap[i] as Entry]
      i = p
    }
  }
  const pop = (): Entry | undefined => {
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && less(heap[l] as Entry, heap[m] as Entry)) m = l
        if (r < heap.length && less(heap[r] as Entry, heap[m] as Entry)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m] as Entry, heap[i] as Entry]
        i = m
      }
    }
    return top
  }
  const fire = async (e: Entry) => {
    now = Math.max(now, e.due)
    live -= 1
    await e.callback()
  }
  const clock: VirtualClock = {
    kind: 'virtual',
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const entry: Entry = { due: now + Math.max(0, ms), seq: seq++, callback, cancelled: false }
      live += 1
      push(entry)
      return {
        cancel() {
          if (entry.cancelled) return
          entry.cancelled = true
          live -= 1
        },
      }
    },
    sleep: (ms) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms)),
    async advance(ms) {
      const until = now + ms
      for (;;) {
        const top = heap[0]
        if (top === undefined || top.due > until) break
        pop()
        if (!top.cancelled) await fire(top)
      }
      now = until
    },
    async next() {
      for (;;) {
        const top = pop()
        if (top === undefined) return false
        if (top.cancelled) continue
        await fire(top)
        return true
      }
    },
    get pending() {
      return live
    },
  }
  return clock
}
