// A simulated network of Kademlia nodes on one virtual clock. Nodes are either joined
// through the real bootstrap protocol (small runs) or created lazily on first contact with
// converged k-buckets drawn from the sorted id index (100,000-node runs; see
// docs/decisions/0092-simulator-converged-tables.md).
import { toHex } from '../bytes.js'
import type { KademliaConfig } from '../config.js'
import { ID_BITS } from '../id.js'
import { generateIdentity, generateUnsignedIdentity, type NodeIdentity } from '../identity.js'
import type { Contact } from '../messages.js'
import { KademliaNode } from '../node.js'
import { IdentityCache, type PuzzleParams } from '../puzzle.js'
import { seededRandom } from '../random.js'
import { type AdversaryBehaviour, adversaryHandler } from './adversary.js'
import { SimClock } from './clock.js'
import { SortedIds } from './id-index.js'
import { SimNetwork } from './network.js'

export interface WorldOptions {
  readonly nodes: number
  readonly seed: number
  /** Fraction of adversarial nodes. */
  readonly adversaries?: number
  readonly behaviour?: AdversaryBehaviour
  readonly puzzle?: PuzzleParams
  /** Real ed25519 keys and signed messages (slow; small runs only). */
  readonly authenticate?: boolean
  readonly latencyMs?: readonly [number, number]
  readonly loss?: number
  readonly node?: KademliaConfig
  /** Create nodes with converged tables on first contact (default true). */
  readonly lazy?: boolean
}

export class SimWorld {
  readonly clock = new SimClock(0)
  readonly random: ReturnType<typeof seededRandom>
  readonly network: SimNetwork
  readonly identities: NodeIdentity[] = []
  readonly adversary: boolean[] = []
  readonly nodes = new Map<number, KademliaNode>()
  readonly index: SortedIds
  readonly advIndex: SortedIds
  private readonly advPositions: number[]
  private readonly contacts: (Contact | undefined)[] = []
  /** When false, adversarial nodes behave honestly (to measure the plain network). */
  adversariesActive = false
  readonly puzzle: PuzzleParams
  readonly authenticate: boolean
  /** One memo of checked identities for all simulated nodes (a pure check; saves hashing). */
  readonly identityCache = new IdentityCache(1_000_000)

  constructor(readonly options: WorldOptions) {
    this.random = seededRandom(options.seed)
    this.puzzle = options.puzzle ?? { c1: 4, c2: 4 }
    this.authenticate = options.authenticate ?? false
    this.network = new SimNetwork(this.clock, this.random, {
      latencyMs: options.latencyMs ?? [10, 50],
      loss: options.loss ?? 0,
      materialize: (addr) => this.materialize(addr),
    })
    for (let i = 0; i < options.nodes; i++) this.identities.push(this.makeIdentity())
    const advCount = Math.floor(options.nodes * (options.adversaries ?? 0))
    const perm = this.identities.map((_, i) => i)
    for (let i = perm.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1)
      ;[perm[i], perm[j]] = [perm[j] as number, perm[i] as number]
    }
    for (let i = 0; i < options.nodes; i++) this.adversary.push(false)
    for (let i = 0; i < advCount; i++) this.adversary[perm[i] as number] = true
    this.index = new SortedIds(this.identities.map((x) => x.id))
    this.advPositions = this.identities.map((_, i) => i).filter((i) => this.adversary[i])
    this.advIndex = new SortedIds(this.advPositions.map((i) => (this.identities[i] as NodeIdentity).id))
  }

  makeIdentity(): NodeIdentity {
    return this.authenticate
      ? generateIdentity(this.puzzle, this.random)
      : generateUnsignedIdentity(this.puzzle, this.random)
  }

  static address(i: number): string {
    return `n${i}`
  }

  static indexOf(address: string): number {
    return Number(address.slice(1))
  }

  contact(i: number): Contact {
    let c = this.contacts[i]
    if (c === undefined) {
      const id = this.identities[i] as NodeIdentity
      c = { publicKey: id.publicKey, x: id.x, address: SimWorld.address(i), id: id.id, idHex: id.idHex }
      this.contacts[i] = c
    }
    return c
  }

  /** Honest node i (created on demand). */
  createNode(i: number, prefill: boolean): KademliaNode {
    const existing = this.nodes.get(i)
    if (existing !== undefined) return existing
    const node = new KademliaNode(
      { maintenance: false, ...this.options.node, puzzle: this.puzzle, authenticate: this.authenticate },
      {
        transport: this.network.transport(SimWorld.address(i)),
        clock: this.clock,
        random: this.random,
        identity: this.identities[i] as NodeIdentity,
        identityCache: this.identityCache,
      },
    )
    this.nodes.set(i, node)
    if (prefill) this.prefill(node)
    return node
  }

  /** Fills k-buckets as a converged network would have them: up to k random members of each bucket's id range. */
  prefill(node: KademliaNode): void {
    const self = node.identity.id
    const k = node.config.k
    for (let b = 0; b < ID_BITS; b++) {
      // ids sharing b bits with self and differing at bit b
      const flipped = Uint8Array.from(self)
      flipped[b >> 3] = (flipped[b >> 3] as number) ^ (0x80 >> (b & 7))
      const [lo, hi] = this.index.range(flipped, b + 1)
      const size = hi - lo
      if (size === 0) {
        const [slo, shi] = this.index.range(self, b + 1)
        if (shi - slo <= 1) break
        continue
      }
      const picks = size <= k ? this.index.slice(lo, hi) : this.sample(lo, hi, k)
      const bucket = node.table.buckets[b] as Contact[]
      for (const p of picks) bucket.push(this.contact(p))
    }
  }

  private sample(lo: number, hi: number, k: number): number[] {
    const chosen = new Set<number>()
    while (chosen.size < k) chosen.add(lo + this.random.int(hi - lo))
    return [...chosen].map((s) => this.index.order[s] as number)
  }

  private materialize(address: string): void {
    if (this.options.lazy === false) return
    const i = SimWorld.indexOf(address)
    if (!Number.isInteger(i) || i < 0 || i >= this.identities.length) return
    if (this.adversariesActive && this.adversary[i]) this.installAdversary(i)
    else this.createNode(i, true)
  }

  private installAdversary(i: number): void {
    const id = this.identities[i] as NodeIdentity
    const handler = adversaryHandler(id, {
      behaviour: this.options.behaviour ?? 'misroute',
      puzzle: this.puzzle,
      authenticate: this.authenticate,
      k: this.options.node?.k ?? 20,
      closestAdversaries: (target, n) =>
        this.advIndex.closest(target, n).map((p) => this.contact(this.advPositions[p] as number)),
    })
    this.network.register(SimWorld.address(i), handler)
  }

  /** Switches adversaries on: honest instances of adversarial nodes are replaced by attackers. */
  activateAdversaries(): void {
    this.adversariesActive = true
    for (const [i, node] of this.nodes) {
      if (!this.adversary[i]) continue
      node.close()
      this.nodes.delete(i)
      this.installAdversary(i)
    }
  }

  /**
   * Joins nodes [from, to) one by one through the bootstrap protocol (Kademlia §2.3),
   * each through a random already-joined node; no table is prefilled.
   */
  async join(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      const node = this.createNode(i, false)
      if (i === 0) continue
      let via = this.random.int(i)
      while (!this.network.isOnline(SimWorld.address(via)) || !this.nodes.has(via)) via = this.random.int(i)
      await this.clock.run(node.bootstrap([SimWorld.address(via)]))
    }
  }

  /** A random honest node index. */
  randomHonest(): number {
    for (;;) {
      const i = this.random.int(this.identities.length)
      if (!this.adversary[i]) return i
    }
  }

  hex(i: number): string {
    return toHex((this.identities[i] as NodeIdentity).id)
  }
}
