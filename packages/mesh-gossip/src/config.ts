// Peering parameters with their defaults and sources (docs/mesh-gossip.md, "Parameters").
import { InvalidConfigError } from './errors.js'

export interface PeeringConfig {
  /** Peering count below which the node searches for peers. Sawtooth minimum_peer_connectivity = 3. */
  readonly minPeers: number
  /** Peering count at which peering requests are rejected. Sawtooth maximum_peer_connectivity = 10. */
  readonly maxPeers: number
  /** Endpoints asked for GetPeers while below minimum (Sawtooth --seeds). */
  readonly seeds: readonly string[]
  /** Endpoints always peered with, whatever the count (Sawtooth --peers, static mode). */
  readonly staticPeers: readonly string[]
  /** Period of the topology check. Sawtooth topology_check_frequency = 1 s. */
  readonly checkIntervalMs: number
  /** How long a search waits for GetPeers answers before choosing. Sawtooth _response_duration = 2 s. */
  readonly responseTimeoutMs: number
  /** Hard deadline for one control request; only then is the endpoint backed off. */
  readonly requestTimeoutMs: number
  /** First back-off on a failing endpoint. Sawtooth INITIAL_RETRY_FREQUENCY = 10 s. */
  readonly backoffInitialMs: number
  /** Back-off cap. Sawtooth MAXIMUM_RETRY_FREQUENCY = 300 s. */
  readonly backoffMaxMs: number
  /** How long a connection that is not peering stays open (topology-only connections). */
  readonly topologyLingerMs: number
  /** Penalty points (one per dropped bad message) at which a peer is disconnected and banned. */
  readonly banThreshold: number
  /** How long a ban lasts. */
  readonly banMs: number
  /** Largest control message accepted. */
  readonly maxControlBytes: number
}

export const DEFAULT_PEERING_CONFIG: PeeringConfig = {
  minPeers: 3,
  maxPeers: 10,
  seeds: [],
  staticPeers: [],
  checkIntervalMs: 1_000,
  responseTimeoutMs: 2_000,
  requestTimeoutMs: 10_000,
  backoffInitialMs: 10_000,
  backoffMaxMs: 300_000,
  topologyLingerMs: 3_000,
  banThreshold: 5,
  banMs: 60_000,
  maxControlBytes: 16 * 1024,
}

/** Fills defaults and checks every field; throws InvalidConfigError naming the first bad one. */
export function resolvePeeringConfig(init: Partial<PeeringConfig> = {}): PeeringConfig {
  const c: PeeringConfig = { ...DEFAULT_PEERING_CONFIG, ...stripUndefined(init) }
  const positiveInt = (field: keyof PeeringConfig, min: number) => {
    const v = c[field]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new InvalidConfigError(field, v, `an integer >= ${min}`)
    }
  }
  positiveInt('minPeers', 0)
  positiveInt('maxPeers', 1)
  if (c.maxPeers < c.minPeers) throw new InvalidConfigError('maxPeers', c.maxPeers, `>= minPeers (${c.minPeers})`)
  for (const f of [
    'checkIntervalMs',
    'responseTimeoutMs',
    'requestTimeoutMs',
    'backoffInitialMs',
    'topologyLingerMs',
    'banThreshold',
    'banMs',
    'maxControlBytes',
  ] as const) {
    positiveInt(f, 1)
  }
  positiveInt('backoffMaxMs', c.backoffInitialMs)
  for (const f of ['seeds', 'staticPeers'] as const) {
    const list = c[f]
    if (!Array.isArray(list) || list.some((e) => typeof e !== 'string' || e.length === 0)) {
      throw new InvalidConfigError(f, list, 'an array of non-empty endpoint strings')
    }
  }
  return c
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
