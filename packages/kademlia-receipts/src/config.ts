// Parameters and their defaults; sources in docs/kademlia-receipts.md §Parameters.
import { InvalidParameterError } from './errors.js'
import type { Contact } from './messages.js'
import { assertPuzzleParams, type PuzzleParams } from './puzzle.js'

export interface KademliaConfig {
  /** Bucket size and replication of lookups (Kademlia §2.2, libp2p kad-dht: 20). */
  readonly k?: number
  /** Requests in flight per lookup path (Kademlia §2.3: 3). */
  readonly alpha?: number
  /** Disjoint lookup paths d (S/Kademlia §4.4; 1 = plain Kademlia). */
  readonly disjointPaths?: number
  /** Receipt replication: receipts go to the m closest nodes to hash(key) (seed: "~m"). */
  readonly m?: number
  /** Crypto-puzzle difficulty in leading zero bits (S/Kademlia §4.1). */
  readonly puzzle?: PuzzleParams
  /** Sign every message and require signatures (S/Kademlia §4.2). */
  readonly authenticate?: boolean
  /** Per-request timeout. */
  readonly requestTimeoutMs?: number
  /** Bucket refresh period (Kademlia §2.3 tRefresh: 1 h). */
  readonly refreshIntervalMs?: number
  /** Receipt republish period (Kademlia §2.5 tReplicate: 1 h). */
  readonly republishIntervalMs?: number
  /** Period of hand-offs to the checkpoint port (seed: "infrequent enough"). */
  readonly checkpointIntervalMs?: number
  /** Holders a verifier needs among the α·m nodes it checks (default ceil(m/2)). */
  readonly verifyQuorum?: number
  /** Run refresh/republish/checkpoint timers (off for step-by-step simulations). */
  readonly maintenance?: boolean
  /** A least-recently-seen contact heard from this recently is not pinged before eviction. */
  readonly livenessWindowMs?: number
  /** Consecutive request failures before a contact leaves the routing table. */
  readonly maxFailures?: number
  /** Pluggable admission check (e.g. a security deposit on the root chain). */
  readonly admission?: (contact: Contact) => boolean
}

export type ResolvedConfig = Required<Omit<KademliaConfig, 'admission'>> & {
  readonly admission: KademliaConfig['admission'] | undefined
}

export const DEFAULTS = {
  k: 20,
  alpha: 3,
  disjointPaths: 1,
  m: 5,
  puzzle: { c1: 8, c2: 8 },
  authenticate: true,
  requestTimeoutMs: 5000,
  refreshIntervalMs: 3_600_000,
  republishIntervalMs: 3_600_000,
  checkpointIntervalMs: 86_400_000,
  maintenance: true,
  maxFailures: 2,
  livenessWindowMs: 60_000,
} as const

export function resolveConfig(c: KademliaConfig = {}): ResolvedConfig {
  const m = c.m ?? DEFAULTS.m
  const out: ResolvedConfig = {
    k: c.k ?? DEFAULTS.k,
    alpha: c.alpha ?? DEFAULTS.alpha,
    disjointPaths: c.disjointPaths ?? DEFAULTS.disjointPaths,
    m,
    puzzle: c.puzzle ?? DEFAULTS.puzzle,
    authenticate: c.authenticate ?? DEFAULTS.authenticate,
    requestTimeoutMs: c.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    refreshIntervalMs: c.refreshIntervalMs ?? DEFAULTS.refreshIntervalMs,
    republishIntervalMs: c.republishIntervalMs ?? DEFAULTS.republishIntervalMs,
    checkpointIntervalMs: c.checkpointIntervalMs ?? DEFAULTS.checkpointIntervalMs,
    verifyQuorum: c.verifyQuorum ?? Math.ceil(m / 2),
    maintenance: c.maintenance ?? DEFAULTS.maintenance,
    maxFailures: c.maxFailures ?? DEFAULTS.maxFailures,
    livenessWindowMs: c.livenessWindowMs ?? DEFAULTS.livenessWindowMs,
    admission: c.admission,
  }
  const ints: [string, number, number, number][] = [
    ['k', out.k, 1, 64],
    ['alpha', out.alpha, 1, 64],
    ['disjointPaths', out.disjointPaths, 1, 64],
    ['m', out.m, 1, 64],
    ['verifyQuorum', out.verifyQuorum, 1, 64 * 64],
    ['maxFailures', out.maxFailures, 1, 1000],
  ]
  for (const [name, v, lo, hi] of ints)
    if (!Number.isInteger(v) || v < lo || v > hi) throw new InvalidParameterError(name, v, `an integer in ${lo}..${hi}`)
  for (const [name, v] of [
    ['requestTimeoutMs', out.requestTimeoutMs],
    ['refreshIntervalMs', out.refreshIntervalMs],
    ['republishIntervalMs', out.republishIntervalMs],
    ['checkpointIntervalMs', out.checkpointIntervalMs],
  ] as const)
    if (!(v > 0) || !Number.isFinite(v)) throw new InvalidParameterError(name, v, 'a positive number of milliseconds')
  if (!(out.livenessWindowMs >= 0) || !Number.isFinite(out.livenessWindowMs))
    throw new InvalidParameterError('livenessWindowMs', out.livenessWindowMs, 'a non-negative number of milliseconds')
  if (out.m > out.k) throw new InvalidParameterError('m', out.m, `at most k = ${out.k}`)
  assertPuzzleParams(out.puzzle)
  return out
}
