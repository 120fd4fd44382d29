// The wall clock as a Clock port (the core never reads time by itself).

import type { RealClock } from '@atmosphere/interfaces'

export const systemClock: RealClock = {
  kind: 'real',
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const t = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(t) }
  },
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
}
