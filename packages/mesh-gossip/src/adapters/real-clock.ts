// The process wall clock as a Clock port.
import type { RealClock, TimerHandle } from '@atmosphere/interfaces'

export const realClock: RealClock = {
  kind: 'real',
  now: () => Date.now(),
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const t = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(t) }
  },
  sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
}
