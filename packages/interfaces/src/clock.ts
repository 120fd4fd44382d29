// Time as an injected port, so the same protocol code runs on the wall clock and in a
// deterministic simulator.

/** Handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  /** Cancels the timer; calling it twice is harmless. */
  cancel(): void
}

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch (or since the start of a simulation). */
  now(): number
  /** Calls `callback` once, no earlier than `ms` milliseconds from now. */
  setTimeout(callback: () => void, ms: number): TimerHandle
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>
}

/** A clock whose time moves only when told to; timers fire in order of due time, then of creation. */
export interface VirtualClock extends Clock {
  readonly kind: 'virtual'
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): Promise<void>
  /** Moves time to the next due timer and fires it; returns false if none is pending. */
  next(): Promise<boolean>
  /** Number of timers not yet fired or cancelled. */
  readonly pending: number
}

/** The process's wall clock. */
export interface RealClock extends Clock {
  readonly kind: 'real'
}
