// The wall clock as a Clock port, for nodes on real networks.
import type { RealClock } from '@atmosphere/interfaces'

export const realClock: RealClock = {
  kind: 'real',
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const t = setTimeout(callback, ms)
    t.unref?.()
    return { cancel: () => clearTimeout(t) }
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}
