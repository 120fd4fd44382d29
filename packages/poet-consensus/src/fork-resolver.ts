// Fork choice of poet_fork_resolver.py compare_forks: same parent → smaller duration;
// different parents → larger aggregate local mean; tie → greater header signature.
import type { ForkChoice } from '@atmosphere/interfaces'

/** What the fork resolver needs about a chain head. */
export interface ForkHead {
  readonly id: string
  readonly parentId: string
  /** Duration of the head's wait certificate (seconds); undefined for a non-PoET head (genesis). */
  readonly duration: number | undefined
  /** Aggregate local mean of the chain ending at this head (its consensus state). */
  readonly aggregateLocalMean: number
  readonly headerSignature: Uint8Array
}

/** Unsigned lexicographic comparison; equals Sawtooth's comparison of lowercase hex signatures. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/** Returns which head to follow: 'switch' to take `candidate`, 'keep' to stay on `current`. */
export function resolveFork(current: ForkHead, candidate: ForkHead): ForkChoice {
  if (current.duration === undefined) {
    // A non-PoET head: only its own children may replace it (Sawtooth raises otherwise).
    return candidate.parentId === current.id ? 'switch' : 'keep'
  }
  if (candidate.duration === undefined) return 'keep'
  if (current.parentId === candidate.parentId) {
    if (current.duration < candidate.duration) return 'keep'
    if (candidate.duration < current.duration) return 'switch'
  } else {
    if (current.aggregateLocalMean > candidate.aggregateLocalMean) return 'keep'
    if (candidate.aggregateLocalMean > current.aggregateLocalMean) return 'switch'
  }
  return compareBytes(candidate.headerSignature, current.headerSignature) > 0 ? 'switch' : 'keep'
}
