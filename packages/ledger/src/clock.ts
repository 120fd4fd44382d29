// The wall clock as a Clock port.
import type { RealClock } from '@atmosphere/interfaces'

/** The process's wall clock. */
export function systemClock(): RealClock {
  return {
    kind: 'real',
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const t = setTimeout(callback, ms)
      return { cancel: () => clearTimeout(t) }
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }
}
