// The deterministic simulator: N nodes run the real peering core (src/peering.ts) over
// SimNetwork in virtual time with seeded randomness; gossip is modelled as gossipsub's eager
// push (publisher floods all peers, each forwarder pushes to at most `meshDegree` random
// peers) with the same latency and loss model. Same seed, same run, bit for bit.
import { type Peering, type PeeringInit, peering } from '../peering.js'
import type { PeeringEvent } from '../ports.js'
import { type Random, seededRandom } from '../random.js'
import { type GraphReport, measureGraph } from './graph.js'
import { DEFAULT_LINK, type LinkModel, SimNetwork } from './network.js'
import { virtualClock } from './virtual-clock.js'

export interface SimulationOptions {
  readonly nodes?: number
  /** How many of the first nodes act as seeds for everyone else. */
  readonly seeds?: number
  /** PRNG seed. */
  readonly seed?: number
  readonly link?: Partial<LinkModel>
  readonly peering?: PeeringInit
  /** Node i starts at a uniform random time in [0, joinWindowMs); seeds start at 0. */
  readonly joinWindowMs?: number
  /** gossipsub D: how many peers a forwarder pushes to. */
  readonly meshDegree?: number
}

export interface GossipReport {
  readonly messages: number
  /** Deliveries / (messages × (live nodes − 1)). */
  readonly deliveryRatio: number
  /** Worst single message. */
  readonly minDeliveryRatio: number
  readonly meanHops: number
  readonly maxHops: number
  readonly p50LatencyMs: number
  readonly p99LatencyMs: number
}

export interface NodeCounts {
  readonly live: number
  readonly belowMin: number
  readonly aboveMax: number
}

export class Simulation {
  readonly clock = virtualClock()
  readonly random: Random
  readonly network: SimNetwork
  readonly nodes: Peering[] = []
  readonly endpoints: string[] = []
  readonly meshDegree: number
  readonly #events: PeeringEvent[][] = []

  constructor(readonly options: SimulationOptions = {}) {
    const n = options.nodes ?? 1000
    const seedCount = Math.min(n, options.seeds ?? 2)
    this.random = seededRandom(options.seed ?? 1)
    this.network = new SimNetwork(this.clock, this.random, { ...DEFAULT_LINK, ...options.link })
    this.meshDegree = options.meshDegree ?? 6
    const seeds = Array.from({ length: seedCount }, (_, i) => `sim:${i}`)
    const joinWindow = options.joinWindowMs ?? 30_000
    for (let i = 0; i < n; i++) {
      const transport = this.network.addNode(i)
      const node = peering({ ...options.peering, seeds })({ clock: this.clock, random: this.random, transport })
      this.nodes.push(node)
      this.endpoints.push(transport.localEndpoint)
      const log: PeeringEvent[] = []
      this.#events.push(log)
      node.on((e) => {
        if (e.type === 'peering-rejected' || e.type === 'banned') log.push(e)
      })
      const at = i < seedCount ? 0 : Math.floor(this.random.next() * joinWindow)
      this.clock.setTimeout(() => node.start(), at)
    }
  }

  /** Runs virtual time forward. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms)
  }

  /** Indices of nodes still running. */
  live(): number[] {
    return this.endpoints.flatMap((e, i) => (this.network.isUp(e) ? [i] : []))
  }

  /** Crashes `count` random non-seed nodes; returns their indices. */
  async kill(count: number): Promise<number[]> {
    const seedCount = Math.min(this.nodes.length, this.options.seeds ?? 2)
    const pool = this.live().filter((i) => i >= seedCount)
    const killed: number[] = []
    for (let k = 0; k < count && pool.length > 0; k++) {
      const idx = Math.floor(this.random.next() * pool.length)
      const i = pool.splice(idx, 1)[0]!
      killed.push(i)
      await this.nodes[i]!.stop()
      this.network.kill(this.endpoints[i]!)
    }
    return killed
  }

  /** Peering adjacency among live nodes (undirected: an edge if either side holds it). */
  adjacency(): number[][] {
    const index = new Map(this.endpoints.map((e, i) => [e, i]))
    const live = this.live()
    const pos = new Map(live.map((i, p) => [i, p]))
    const sets = live.map(() => new Set<number>())
    for (const i of live) {
      for (const p of this.nodes[i]!.peers()) {
        const j = index.get(p.endpoint)
        const pj = j === undefined ? undefined : pos.get(j)
        if (pj === undefined) continue
        sets[pos.get(i)!]!.add(pj)
        sets[pj]!.add(pos.get(i)!)
      }
    }
    return sets.map((s) => [...s])
  }

  graph(): GraphReport {
    return measureGraph(this.adjacency())
  }

  counts(): NodeCounts {
    const live = this.live()
    const min = this.nodes[0]!.config.minPeers
    const max = this.nodes[0]!.config.maxPeers
    let belowMin = 0
    let aboveMax = 0
    for (const i of live) {
      const c = this.nodes[i]!.peers().length
      if (c < min) belowMin++
      if (c > max) aboveMax++
    }
    return { live: live.length, belowMin, aboveMax }
  }

  /** How many peering requests were refused at maximum, summed over nodes. */
  rejections(): number {
    return this.#events.reduce((n, log) => n + log.filter((e) => e.type === 'peering-rejected').length, 0)
  }

  /** Publishes `messages` from random live nodes, one every `intervalMs`, and waits `drainMs`. */
  async gossip(messages: number, intervalMs = 100, drainMs = 5_000): Promise<GossipReport> {
    const live = this.live()
    const liveSet = new Set(live)
    const index = new Map(this.endpoints.map((e, i) => [e, i]))
    const neighbours = (i: number) =>
      this.nodes[i]!.peers()
        .map((p) => index.get(p.endpoint))
        .filter((j): j is number => j !== undefined && liveSet.has(j))
    const delivered: number[] = []
    const hopsAll: number[] = []
    const latencies: number[] = []
    for (let m = 0; m < messages; m++) {
      const origin = live[Math.floor(this.random.next() * live.length)]!
      const seen = new Uint8Array(this.nodes.length)
      seen[origin] = 1
      let count = 0
      const start = this.clock.now()
      const send = (from: number, to: number, hops: number) => {
        if (this.network.drop()) return
        this.clock.setTimeout(() => {
          if (seen[to] === 1 || !liveSet.has(to)) return
          seen[to] = 1
          count++
          hopsAll.push(hops)
          latencies.push(this.clock.now() - start)
          const next = neighbours(to).filter((j) => j !== from)
          for (const j of sample(this.random, next, this.meshDegree)) send(to, j, hops + 1)
        }, this.network.delay())
      }
      for (const j of neighbours(origin)) send(origin, j, 1) // floodPublish
      delivered.push(count)
      const sent = delivered.length - 1
      // Read the count after the message has had time to spread.
      this.clock.setTimeout(() => {
        delivered[sent] = count
      }, drainMs - 1)
      await this.clock.advance(intervalMs)
    }
    await this.clock.advance(drainMs)
    const denom = Math.max(1, live.length - 1)
    const ratios = delivered.map((d) => d / denom)
    latencies.sort((a, b) => a - b)
    return {
      messages,
      deliveryRatio: ratios.reduce((a, b) => a + b, 0) / Math.max(1, ratios.length),
      minDeliveryRatio: ratios.length === 0 ? 0 : Math.min(...ratios),
      meanHops: hopsAll.reduce((a, b) => a + b, 0) / Math.max(1, hopsAll.length),
      maxHops: hopsAll.reduce((a, b) => Math.max(a, b), 0),
      p50LatencyMs: quantile(latencies, 0.5),
      p99LatencyMs: quantile(latencies, 0.99),
    }
  }
}

function sample<T>(random: Random, items: T[], k: number): T[] {
  if (items.length <= k) return items
  const copy = [...items]
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random.next() * (copy.length - i))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy.slice(0, k)
}

/** Nearest-rank quantile of a sorted list. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}
