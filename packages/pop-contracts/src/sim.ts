// Deterministic simulator for the Byzantine-channel scenarios: every party's real engine on an
// in-memory network driven by a virtual clock and a seeded random source, with injected loss,
// duplication, reordering and tampering. Same seed, same run, bit for bit.
import type { Transport, VirtualClock } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Contract } from './contract.js'
import { bytesToHex, type Identity } from './identity.js'
import {
  type ContractOutcome,
  type Misbehaviour,
  type PopEvent,
  type PopNode,
  type PopParams,
  popNode,
} from './node.js'
import { type Random, seededRandom, virtualClock } from './ports.js'

/** Faults injected on every datagram, each with its own probability. */
export interface ChannelFaults {
  readonly loss?: number
  readonly duplicate?: number
  /** Probability that a datagram is held back by up to `reorderMs` extra. */
  readonly reorder?: number
  readonly reorderMs?: number
  /** Probability that one byte of the datagram is flipped. */
  readonly tamper?: number
  /** Base one-way latency. */
  readonly latencyMs?: number
  /** Drops a datagram when this returns true (targeted faults; also a tap that sees every datagram). */
  readonly drop?: (from: string, to: string, bytes: Uint8Array) => boolean
}

/** Counters of the simulated network. */
export interface NetworkStats {
  sent: number
  delivered: number
  lost: number
  duplicated: number
  reordered: number
  tampered: number
}

/** An in-memory datagram network on a virtual clock. */
export interface SimNetwork {
  readonly stats: NetworkStats
  endpoint(address: string): Transport<string>
}

/** Builds a simulated network; all randomness comes from `random`. */
export function simNetwork(clock: VirtualClock, random: Random, faults: ChannelFaults = {}): SimNetwork {
  const handlers = new Map<string, ((from: string, m: Uint8Array) => void)[]>()
  const stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, tampered: 0 }
  const latency = faults.latencyMs ?? 1
  const deliver = (from: string, to: string, message: Uint8Array) => {
    let delay = latency
    if (random.float() < (faults.reorder ?? 0)) {
      delay += random.float() * (faults.reorderMs ?? 20)
      stats.reordered++
    }
    let bytes = message
    if (random.float() < (faults.tamper ?? 0)) {
      bytes = message.slice()
      const at = Math.floor(random.float() * bytes.length)
      bytes[at] = (bytes[at] as number) ^ (1 + Math.floor(random.float() * 255))
      stats.tampered++
    }
    clock.setTimeout(() => {
      for (const h of handlers.get(to) ?? []) {
        stats.delivered++
        h(from, bytes)
      }
    }, delay)
  }
  return {
    stats,
    endpoint(address) {
      return {
        localAddress: address,
        async send(to, message) {
          stats.sent++
          if (faults.drop?.(address, to, message) === true || random.float() < (faults.loss ?? 0)) {
            stats.lost++
            return
          }
          deliver(address, to, message)
          if (random.float() < (faults.duplicate ?? 0)) {
            stats.duplicated++
            deliver(address, to, message)
          }
        },
        onMessage(handler) {
          const list = handlers.get(address) ?? []
          list.push(handler)
          handlers.set(address, list)
          return () => {
            const l = handlers.get(address) ?? []
            const i = l.indexOf(handler)
            if (i >= 0) l.splice(i, 1)
          }
        },
        async close() {
          handlers.delete(address)
        },
      }
    },
  }
}

/** A simulation run's input. */
export interface SimulationOptions {
  readonly contract: Contract
  /** Identities by party index. */
  readonly identities: readonly Identity[]
  readonly seed: number
  readonly faults?: ChannelFaults
  readonly misbehave?: Readonly<Record<number, Misbehaviour>>
  readonly params?: Partial<PopParams>
  /** Virtual time limit. */
  readonly maxTimeMs?: number
  /** Called after the nodes started, before time moves: schedule injections here. */
  readonly setup?: (ctx: {
    readonly clock: VirtualClock
    readonly network: SimNetwork
    readonly nodes: readonly PopNode[]
  }) => void
}

/** A simulation run's result. */
export interface SimulationResult {
  /** Outcome of each party that closed the contract (undefined if it did not). */
  readonly outcomes: readonly (ContractOutcome | undefined)[]
  readonly nodes: readonly PopNode[]
  /** Every event, tagged with the party and the virtual time. */
  readonly log: readonly { readonly t: number; readonly party: number; readonly event: PopEvent }[]
  readonly network: NetworkStats
  readonly elapsedMs: number
  /** SHA-256 over the log: equal for equal seeds. */
  readonly traceHash: string
}

/** Runs every party's engine until all non-faulty parties closed or time runs out. */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const clock = virtualClock(0)
  const random = seededRandom(options.seed)
  const network = simNetwork(clock, random, options.faults)
  const n = options.contract.parties.length
  const endpoints = Array.from({ length: n }, (_v, i) => `sim:${i}`)
  const log: { t: number; party: number; event: PopEvent }[] = []
  const nodes = options.identities.map((identity, i) =>
    popNode<string>({
      contract: options.contract,
      identity,
      endpoints,
      ...(options.params === undefined ? {} : { params: options.params }),
      ...(options.misbehave?.[i] === undefined ? {} : { misbehave: options.misbehave[i] }),
      onEvent: (event) => log.push({ t: clock.now(), party: i, event }),
    })({ transport: network.endpoint(endpoints[i] as string), clock, random }),
  )
  for (const node of nodes) node.start()
  options.setup?.({ clock, network, nodes })
  const limit = options.maxTimeMs ?? 120_000
  const finished = () => nodes.every((node, i) => node.isClosed || nodes.some((o) => o.faulty.has(i)))
  while (clock.now() < limit && !finished()) {
    if (!(await clock.next())) break
  }
  // Let the last units drain so every peer's acknowledgement settles.
  await clock.advance(2000)
  for (const node of nodes) node.stop()
  const outcomes = await Promise.all(nodes.map((node) => (node.isClosed ? node.closed : Promise.resolve(undefined))))
  const trace = new TextEncoder().encode(JSON.stringify(log, (_k, v) => (v instanceof Uint8Array ? bytesToHex(v) : v)))
  return { outcomes, nodes, log, network: network.stats, elapsedMs: clock.now(), traceHash: bytesToHex(sha256(trace)) }
}
