// The Kademlia node: serves the RPCs, keeps the routing table, runs lookups, refresh,
// republish and checkpoints. Pure logic over injected ports (transport, clock, random),
// so the same code runs in the simulator and over UDP.
import type { Clock, RequestTransport, TimerHandle } from '@atmosphere/interfaces'
import { toHex } from './bytes.js'
import { type KademliaConfig, type ResolvedConfig, resolveConfig } from './config.js'
import {
  AdmissionRefusedError,
  BadPuzzleError,
  BadSignatureError,
  ClosedError,
  KademliaError,
  MalformedMessageError,
  RemoteError,
  RequestTimeoutError,
  UnexpectedResponseError,
} from './errors.js'
import { commonPrefixLength, compareDistance, ID_BITS, randomIdInBucket } from './id.js'
import type { NodeIdentity } from './identity.js'
import { iterativeLookup, type LookupResult } from './lookup.js'
import {
  type Body,
  type Contact,
  type DecodedMessage,
  decodeMessage,
  encodeMessage,
  MessageType,
  StoreStatus,
  type StoreStatusCode,
} from './messages.js'
import { IdentityCache } from './puzzle.js'
import type { Random } from './random.js'
import { decodeReceipt, type ForkEvidence, openReceipt, type Receipt, verifyForkEvidence } from './receipt.js'
import { type PutOutcome, ReceiptStore } from './receipt-store.js'
import { RoutingTable } from './routing-table.js'

/** Where receipts and fork evidence go to be anchored on a root chain. */
export interface CheckpointPort {
  submit(batch: {
    readonly receipts: readonly Receipt[]
    readonly forks: readonly ForkEvidence[]
  }): void | Promise<void>
}

/** Ports a node runs on. */
export interface KademliaComponents {
  readonly transport: RequestTransport<string>
  readonly clock: Clock
  readonly random: Random
  readonly identity: NodeIdentity
  readonly checkpoint?: CheckpointPort
  /** Memo of checked identities; default a private one of 10,000 entries. */
  readonly identityCache?: IdentityCache
}

/** Error codes carried by ERROR messages. */
export const ErrorCode = {
  Malformed: 1,
  BadSignature: 2,
  BadPuzzle: 3,
  Admission: 4,
  Unexpected: 5,
  Internal: 6,
} as const

function errorCodeOf(e: unknown): number {
  if (e instanceof MalformedMessageError) return ErrorCode.Malformed
  if (e instanceof BadSignatureError) return ErrorCode.BadSignature
  if (e instanceof BadPuzzleError) return ErrorCode.BadPuzzle
  if (e instanceof AdmissionRefusedError) return ErrorCode.Admission
  return ErrorCode.Internal
}

const STATUS_OF: Record<PutOutcome['kind'], StoreStatusCode> = {
  stored: StoreStatus.Stored,
  duplicate: StoreStatus.Duplicate,
  'held-newer': StoreStatus.HeldNewer,
  fork: StoreStatus.Fork,
  'broken-chain': StoreStatus.Rejected,
}

/** Counters a node keeps about itself. */
export interface NodeStats {
  requestsServed: number
  requestsSent: number
  rejected: number
}

export class KademliaNode {
  readonly config: ResolvedConfig
  readonly table: RoutingTable
  readonly store = new ReceiptStore()
  readonly stats: NodeStats = { requestsServed: 0, requestsSent: 0, rejected: 0 }
  /** Fork evidence seen and not yet checkpointed. */
  readonly forks: ForkEvidence[] = []
  private readonly failures = new Map<string, number>()
  private readonly timers: TimerHandle[] = []
  private readonly unsubscribe: () => void
  private closed = false
  private readonly identityCache: IdentityCache

  constructor(
    config: KademliaConfig,
    readonly components: KademliaComponents,
  ) {
    this.config = resolveConfig(config)
    this.identityCache = components.identityCache ?? new IdentityCache()
    this.table = new RoutingTable(
      components.identity.id,
      this.config.k,
      this.config.livenessWindowMs,
      components.clock.now(),
    )
    this.unsubscribe = components.transport.handle((from, bytes) => this.serve(from, bytes))
    if (this.config.maintenance) this.scheduleMaintenance()
  }

  get identity(): NodeIdentity {
    return this.components.identity
  }

  get address(): string {
    return this.components.transport.localAddress
  }

  /** This node as a contact. */
  get contact(): Contact {
    const i = this.identity
    return { publicKey: i.publicKey, x: i.x, address: this.address, id: i.id, idHex: i.idHex }
  }

  // ---- serving ----------------------------------------------------------------------

  private decode(bytes: Uint8Array): DecodedMessage {
    return decodeMessage(bytes, {
      puzzle: this.config.puzzle,
      authenticate: this.config.authenticate,
      cache: this.identityCache,
    })
  }

  private reply(nonce: bigint, body: Body): Uint8Array {
    return encodeMessage(this.identity, nonce, body)
  }

  private admitted(c: Contact): boolean {
    return this.config.admission === undefined || this.config.admission(c)
  }

  /** Handles one request; always answers (an ERROR message for bad input). */
  async serve(from: string, bytes: Uint8Array): Promise<Uint8Array> {
    let msg: DecodedMessage
    try {
      msg = this.decode(bytes)
    } catch (e) {
      this.stats.rejected++
      return this.reply(0n, { type: MessageType.Error, code: errorCodeOf(e), message: (e as Error).message })
    }
    const sender: Contact = {
      publicKey: msg.sender.publicKey,
      x: msg.sender.x,
      address: from,
      id: msg.senderId,
      idHex: msg.senderIdHex,
    }
    if (!this.admitted(sender)) {
      this.stats.rejected++
      const e = new AdmissionRefusedError(sender.idHex)
      return this.reply(msg.nonce, { type: MessageType.Error, code: ErrorCode.Admission, message: e.message })
    }
    this.stats.requestsServed++
    this.seen(sender)
    try {
      return this.reply(msg.nonce, this.answer(msg, sender))
    } catch (e) {
      this.stats.rejected++
      return this.reply(msg.nonce, { type: MessageType.Error, code: errorCodeOf(e), message: (e as Error).message })
    }
  }

  private closestFor(target: Uint8Array, exclude: string): Contact[] {
    return this.table
      .closest(target, this.config.k + 1)
      .filter((c) => c.idHex !== exclude)
      .slice(0, this.config.k)
  }

  private answer(msg: DecodedMessage, sender: Contact): Body {
    const b = msg.body
    switch (b.type) {
      case MessageType.Ping:
        return { type: MessageType.Pong }
      case MessageType.FindNode:
        return { type: MessageType.Nodes, contacts: this.closestFor(b.target, sender.idHex) }
      case MessageType.Store: {
        const r = openReceipt(b.receipt)
        const out = this.store.put(r)
        if (out.kind === 'fork') this.noteFork(out.held, r)
        const held = out.kind === 'stored' || out.kind === 'duplicate' ? new Uint8Array(0) : out.held.bytes
        return { type: MessageType.Stored, status: STATUS_OF[out.kind], held }
      }
      case MessageType.FindReceipt: {
        const r = this.store.get(b.location, b.updater)
        return {
          type: MessageType.ReceiptAnswer,
          receipt: r?.bytes ?? new Uint8Array(0),
          fork: this.store.forkOf(b.location, b.updater),
          contacts: this.closestFor(b.location, sender.idHex),
        }
      }
      case MessageType.Fork: {
        const ev = verifyForkEvidence(b.a, b.b)
        this.noteFork(ev.a, ev.b)
        return { type: MessageType.ForkAck, accepted: true }
      }
      default:
        throw new MalformedMessageError('type', 1, 'a request type', `0x${b.type.toString(16)}`)
    }
  }

  private noteFork(a: Receipt, b: Receipt): void {
    const before = this.store.forkOf(a.location, a.updater)
    this.store.recordFork(a.location, a.updater, a.bytes, b.bytes, a)
    if (before === undefined) this.forks.push({ a, b })
  }

  /** Routing-table update for a contact that just talked to us (Kademlia §2.2). */
  private seen(c: Contact): void {
    if (c.idHex === this.identity.idHex) return
    this.failures.delete(c.idHex)
    const u = this.table.update(c, this.components.clock.now())
    if (u.kind !== 'full') return
    // Ping the least-recently-seen contact; evict it only if it does not answer.
    this.request(u.oldest.address, { type: MessageType.Ping }, MessageType.Pong).then(
      () => this.table.keep(u.bucket, u.oldest),
      () => this.table.evict(u.bucket, u.oldest),
    )
  }

  private failed(c: Contact): void {
    const n = (this.failures.get(c.idHex) ?? 0) + 1
    if (n >= this.config.maxFailures) {
      this.failures.delete(c.idHex)
      this.table.remove(c)
    } else this.failures.set(c.idHex, n)
  }

  // ---- requesting -------------------------------------------------------------------

  /** Sends one request and checks the answer: nonce, signature, puzzles, expected type. */
  async request(address: string, body: Body, expect: number): Promise<{ msg: DecodedMessage; contact: Contact }> {
    if (this.closed) throw new ClosedError('node')
    const nonceBytes = this.components.random.bytes(8)
    const nonce = new DataView(nonceBytes.buffer, nonceBytes.byteOffset, 8).getBigUint64(0)
    const bytes = encodeMessage(this.identity, nonce, body)
    this.stats.requestsSent++
    const ctl = new AbortController()
    let timer: TimerHandle | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = this.components.clock.setTimeout(() => {
        ctl.abort()
        reject(new RequestTimeoutError(address, this.config.requestTimeoutMs))
      }, this.config.requestTimeoutMs)
    })
    let raw: Uint8Array
    try {
      raw = await Promise.race([this.components.transport.request(address, bytes, { signal: ctl.signal }), timeout])
    } finally {
      timer?.cancel()
    }
    const msg = this.decode(raw)
    if (msg.body.type === MessageType.Error) throw new RemoteError(address, msg.body.code, msg.body.message)
    if (msg.nonce !== nonce) throw new MalformedMessageError('nonce', 3, `echo of ${nonce}`, msg.nonce)
    if (msg.body.type !== expect) throw new UnexpectedResponseError(`0x${expect.toString(16)}`, msg.body.type)
    const contact: Contact = {
      publicKey: msg.sender.publicKey,
      x: msg.sender.x,
      address,
      id: msg.senderId,
      idHex: msg.senderIdHex,
    }
    if (!this.admitted(contact)) throw new AdmissionRefusedError(contact.idHex)
    this.seen(contact)
    return { msg, contact }
  }

  /** Pings an address; resolves with the contact that answered. */
  async ping(address: string): Promise<Contact> {
    return (await this.request(address, { type: MessageType.Ping }, MessageType.Pong)).contact
  }

  private async queryNodes(c: Contact, target: Uint8Array): Promise<Contact[]> {
    try {
      const { msg } = await this.request(c.address, { type: MessageType.FindNode, target }, MessageType.Nodes)
      if (msg.body.type !== MessageType.Nodes) return []
      return msg.body.contacts.filter((x) => this.admitted(x))
    } catch (e) {
      this.failed(c)
      throw e
    }
  }

  /** Iterative lookup of the k closest nodes to `target` over `paths` disjoint paths. */
  async lookup(target: Uint8Array, options: { paths?: number; k?: number } = {}): Promise<LookupResult> {
    const k = options.k ?? this.config.k
    const b = commonPrefixLength(this.identity.id, target)
    if (b < ID_BITS) this.table.lastLookup[b] = this.components.clock.now()
    return iterativeLookup({
      target,
      k,
      alpha: this.config.alpha,
      paths: options.paths ?? this.config.disjointPaths,
      seeds: this.table.closest(target, k),
      selfIdHex: this.identity.idHex,
      query: (c) => this.queryNodes(c, target),
    })
  }

  /**
   * Joins through known addresses: ping them, look ourselves up, then refresh every bucket
   * farther than our closest neighbour (Kademlia §2.3 "join").
   */
  async bootstrap(addresses: readonly string[]): Promise<number> {
    const answered = await Promise.allSettled(addresses.map((a) => this.ping(a)))
    const ok = answered.filter((r) => r.status === 'fulfilled').length
    if (ok === 0 && addresses.length > 0) return 0
    const self = await this.lookup(this.identity.id)
    const nearest = self.closest[0]
    const limit = nearest === undefined ? 0 : commonPrefixLength(this.identity.id, nearest.id)
    for (let i = 0; i < limit; i++) await this.refreshBucket(i)
    return ok
  }

  /** Looks up a random id in bucket i. */
  async refreshBucket(i: number): Promise<void> {
    await this.lookup(randomIdInBucket(this.identity.id, i, this.components.random.bytes(32)))
  }

  /** Refreshes buckets with no lookup in the last refresh interval (Kademlia §2.3). */
  async refresh(): Promise<number> {
    const now = this.components.clock.now()
    let top = -1
    for (let i = 0; i < ID_BITS; i++) if ((this.table.buckets[i] as Contact[]).length > 0) top = i
    let n = 0
    for (let i = 0; i <= top; i++) {
      if (now - (this.table.lastLookup[i] as number) < this.config.refreshIntervalMs) continue
      await this.refreshBucket(i)
      n++
    }
    return n
  }

  /** Whether we are at least as close to `target` as the farthest of `contacts`. */
  isAmong(target: Uint8Array, contacts: readonly Contact[], m: number): boolean {
    if (contacts.length < m) return true
    const last = contacts[m - 1] as Contact
    return compareDistance(target, this.identity.id, last.id) < 0
  }

  // ---- maintenance ------------------------------------------------------------------

  private every(ms: number, task: () => Promise<unknown>): void {
    const tick = (): void => {
      if (this.closed) return
      task()
        .catch(() => undefined)
        .finally(() => {
          if (!this.closed) this.timers.push(this.components.clock.setTimeout(tick, ms))
        })
    }
    this.timers.push(this.components.clock.setTimeout(tick, ms))
  }

  private scheduleMaintenance(): void {
    this.every(this.config.refreshIntervalMs, () => this.refresh())
    this.every(this.config.republishIntervalMs, () => this.republish())
    this.every(this.config.checkpointIntervalMs, () => this.checkpoint())
  }

  /** Re-stores every held receipt on the current m closest nodes (seed: "republished"). */
  async republish(): Promise<number> {
    let sent = 0
    for (const r of this.store.all()) {
      const res = await this.lookup(r.location)
      const targets = res.closest.slice(0, this.config.m)
      const out = await Promise.allSettled(targets.map((c) => this.sendStore(c, r)))
      sent += out.filter((o) => o.status === 'fulfilled').length
    }
    return sent
  }

  /** Hands held receipts and new fork evidence to the checkpoint port. */
  async checkpoint(): Promise<void> {
    const port = this.components.checkpoint
    if (port === undefined) return
    const forks = this.forks.splice(0)
    await port.submit({ receipts: this.store.all(), forks })
  }

  async sendStore(c: Contact, r: Receipt): Promise<{ status: StoreStatusCode; held: Receipt | undefined }> {
    const { msg } = await this.request(c.address, { type: MessageType.Store, receipt: r.bytes }, MessageType.Stored)
    if (msg.body.type !== MessageType.Stored) throw new UnexpectedResponseError('STORED', msg.body.type)
    const held = msg.body.held.length > 0 ? decodeReceipt(msg.body.held) : undefined
    return { status: msg.body.status, held }
  }

  /** Stops timers and the transport handler (the transport itself belongs to the caller). */
  close(): void {
    this.closed = true
    for (const t of this.timers) t.cancel()
    this.timers.length = 0
    this.unsubscribe()
  }
}

/** Creates a node in the js-libp2p factory shape: `kademlia(init)(components)`. */
export const kademlia =
  (init: KademliaConfig = {}) =>
  (components: KademliaComponents): KademliaNode =>
    new KademliaNode(init, components)

export const isKademliaError = (e: unknown): e is KademliaError => e instanceof KademliaError
export { toHex }
