// Injected ports besides the transport: randomness and clocks (a wall clock and a virtual
// clock for the deterministic simulator). Implements @atmosphere/interfaces' Clock types.
import type { RealClock, TimerHandle, VirtualClock } from '@atmosphere/interfaces'
import { randomBytes as cryptoRandomBytes } from '@noble/hashes/utils.js'

/** Randomness as a port: datagram order, timer jitter, key generation in simulations. */
export interface Random {
  bytes(n: number): Uint8Array
  /** Uniform in [0, 1). */
  float(): number
}

/** Cryptographically secure randomness for real deployments. */
export function systemRandom(): Random {
  return {
    bytes: (n) => cryptoRandomBytes(n),
    float: () => {
      const b = cryptoRandomBytes(4)
      return (
        ((((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0) /
        2 ** 32
      )
    },
  }
}

/**
 * Seeded xoshiro128** generator: reproducible, NOT cryptographic. Only for the simulator and
 * tests, where replaying a run bit for bit matters more than unpredictability.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0 || 0x9e3779b9
  let b = Math.imul(a, 0x85ebca6b) >>> 0 || 1
  let c = Math.imul(b ^ (b >>> 13), 0xc2b2ae35) >>> 0 || 2
  let d = (a ^ b ^ c ^ 0x27d4eb2f) >>> 0 || 3
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return result
  }
  for (let i = 0; i < 16; i++) next()
  return {
    bytes: (n) => {
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i += 4) {
        const v = next()
        for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff
      }
      return out
    },
    float: () => next() / 2 ** 32,
  }
}
function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** The process's wall clock. */
export function realClock(): RealClock {
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

interface Timer {
  due: number
  order: number
  callback: () => void
  live: boolean
}

/** A clock that moves only when told to; timers fire by due time, then creation order. */
export function virtualClock(start = 0): VirtualClock {
  let now = start
  let order = 0
  const timers: Timer[] = []
  const take = (limit: number): Timer | undefined => {
    let best = -1
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i] as Timer
      if (!t.live || t.due > limit) continue
      const b = best < 0 ? undefined : (timers[best] as Timer)
      if (b === undefined || t.due < b.due || (t.due === b.due && t.order < b.order)) best = i
    }
    if (best < 0) return undefined
    const [t] = timers.splice(best, 1)
    return t
  }
  const compact = () => {
    for (let i = timers.length - 1; i >= 0; i--) if (!(timers[i] as Timer).live) timers.splice(i, 1)
  }
  const clock: VirtualClock = {
    kind: 'virtual',
    now: () => now,
    setTimeout(callback, ms): TimerHandle {
      const t: Timer = { due: now + Math.max(0, ms), order: order++, callback, live: true }
      timers.push(t)
      return {
        cancel: () => {
          t.live = false
        },
      }
    },
    sleep: (ms) => new Promise((resolve) => clock.setTimeout(resolve, ms)),
    async advance(ms) {
      const end = now + ms
      for (;;) {
        const t = take(end)
        if (t === undefined) break
        now = Math.max(now, t.due)
        t.live = false
        t.callback()
        await Promise.resolve()
      }
      now = end
      compact()
    },
    async next() {
      compact()
      const t = take(Number.POSITIVE_INFINITY)
      if (t === undefined) return false
      now = Math.max(now, t.due)
      t.live = false
      t.callback()
      await Promise.resolve()
      return true
    },
    get pending() {
      return timers.filter((t) => t.live).length
    },
  }
  return clock
}
