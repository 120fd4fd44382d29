// The peering policy core: Sawtooth-style dynamic peering (gossip.py ConnectionManager) over
// injected ports. Connection states Not connected → Connected → Peering (design document,
// "Connection states"); search while below minimum, reject at maximum but still answer
// GetPeers, back off on failing endpoints. No sockets, no libp2p, no wall clock here.
import type { TimerHandle, Unsubscribe } from '@atmosphere/interfaces'
import { Backoff } from './backoff.js'
import { type Control, decodeControl, encodeControl } from './codec.js'
import { type PeeringConfig, resolvePeeringConfig } from './config.js'
import {
  InvalidEndpointError,
  MeshError,
  PeeringRejectedError,
  RequestFailedError,
  RequestTimeoutError,
  UnexpectedMessageError,
} from './errors.js'
import type { ConnectionState, PeerInfo, PeeringComponents, PeeringEvent } from './ports.js'
import { pick } from './random.js'

/** Extra knobs beyond the Sawtooth parameters. */
export interface PeeringInit extends Partial<PeeringConfig> {
  /** Known non-peer endpoints also asked for GetPeers each search round (decision 0043). */
  readonly exploreFanout?: number
  /** Cap on remembered candidate endpoints. */
  readonly maxKnownEndpoints?: number
}

export interface Peering {
  readonly config: PeeringConfig
  start(): void
  stop(): Promise<void>
  /** Current peering set. */
  peers(): PeerInfo[]
  /** State of the relationship with a peer. */
  stateOf(peerId: string): ConnectionState
  /** Subscribes to state changes and diagnostics. */
  on(listener: (event: PeeringEvent) => void): Unsubscribe
  /** Reports a dropped bad message from `peerId` (the adapters call this for gossip and oversized frames). */
  reportBadInput(peerId: string, error: MeshError): void
  isBanned(peerId: string): boolean
  /** Runs one topology check now (tests and the simulator use it; normally the timer does). */
  check(): Promise<void>
}

/** Factory in the js-libp2p shape: `peering(init)(components)`. */
export function peering(init: PeeringInit = {}): (components: PeeringComponents) => Peering {
  const config = resolvePeeringConfig(init)
  const exploreFanout = init.exploreFanout ?? 3
  const maxKnown = init.maxKnownEndpoints ?? 256
  return (components) => new PeeringCore(config, exploreFanout, maxKnown, components)
}

class PeeringCore implements Peering {
  readonly #peers = new Map<string, PeerInfo>()
  readonly #lastState = new Map<string, ConnectionState>()
  readonly #endpoints = new Map<string, string>()
  readonly #known = new Set<string>()
  /** Endpoints that failed to answer at all (dial refused, timeout): not asked again until it elapses. */
  readonly #unreachable: Backoff
  /** Endpoints that refused or failed peering: not chosen as candidates until it elapses. */
  readonly #backoff: Backoff
  readonly #penalties = new Map<string, number>()
  readonly #bans = new Map<string, number>()
  readonly #linger = new Map<string, TimerHandle>()
  readonly #listeners = new Set<(event: PeeringEvent) => void>()
  readonly #inFlight = new Set<string>()
  /** Peers we have an outstanding peering request to; their connection must not linger-close. */
  readonly #pending = new Set<string>()
  readonly #unsubscribe: Unsubscribe[] = []
  #timer: TimerHandle | undefined
  #checking: Promise<void> | undefined
  #running = false

  constructor(
    readonly config: PeeringConfig,
    readonly exploreFanout: number,
    readonly maxKnown: number,
    readonly c: PeeringComponents,
  ) {
    this.#backoff = new Backoff(config.backoffInitialMs, config.backoffMaxMs)
    this.#unreachable = new Backoff(config.backoffInitialMs, config.backoffMaxMs)
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    const { transport } = this.c
    this.#unsubscribe.push(transport.handle((from, bytes) => this.#serve(from, bytes)))
    this.#unsubscribe.push(transport.onConnection((peerId, connected) => this.#onConnection(peerId, connected)))
    this.#schedule(0)
  }

  async stop(): Promise<void> {
    this.#running = false
    this.#timer?.cancel()
    for (const t of this.#linger.values()) t.cancel()
    this.#linger.clear()
    for (const u of this.#unsubscribe.splice(0)) u()
    await this.#checking
  }

  peers(): PeerInfo[] {
    return [...this.#peers.values()]
  }

  stateOf(peerId: string): ConnectionState {
    if (this.#peers.has(peerId)) return 'peering'
    return this.c.transport.isConnected(peerId) ? 'connected' : 'not-connected'
  }

  on(listener: (event: PeeringEvent) => void): Unsubscribe {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  isBanned(peerId: string): boolean {
    const until = this.#bans.get(peerId)
    if (until === undefined) return false
    if (this.c.clock.now() >= until) {
      this.#bans.delete(peerId)
      return false
    }
    return true
  }

  reportBadInput(peerId: string, error: MeshError): void {
    const penalty = (this.#penalties.get(peerId) ?? 0) + 1
    this.#penalties.set(peerId, penalty)
    this.#emit({ type: 'bad-input', peerId, error, penalty })
    if (penalty >= this.config.banThreshold) {
      this.#penalties.delete(peerId)
      const untilMs = this.c.clock.now() + this.config.banMs
      this.#bans.set(peerId, untilMs)
      this.#emit({ type: 'banned', peerId, untilMs })
      this.#dropPeer(peerId)
      void this.c.transport.disconnect(peerId).catch(() => {})
    }
  }

  check(): Promise<void> {
    if (this.#checking === undefined) {
      this.#checking = this.#runCheck().finally(() => {
        this.#checking = undefined
      })
    }
    return this.#checking
  }

  // ---- timers ----

  #schedule(ms: number): void {
    if (!this.#running) return
    this.#timer = this.c.clock.setTimeout(() => {
      if (!this.#running) return
      this.#schedule(this.config.checkIntervalMs)
      void this.check()
    }, ms)
  }

  async #runCheck(): Promise<void> {
    // A peering whose connection is gone (an event lost in a race) is dropped here.
    for (const id of [...this.#peers.keys()]) if (!this.c.transport.isConnected(id)) this.#dropPeer(id)
    const { staticPeers, maxPeers, minPeers } = this.config
    const now = this.c.clock.now()
    const local = this.c.transport.localEndpoint
    const statics = staticPeers.filter(
      (e) =>
        e !== local &&
        !this.#isPeerEndpoint(e) &&
        !this.#backoff.blocked(e, now) &&
        !this.#unreachable.blocked(e, now) &&
        this.#peers.size < maxPeers,
    )
    await Promise.all(statics.map((e) => this.#requestPeering(e)))
    if (this.#running && this.#peers.size < minPeers) await this.#search()
  }

  // ---- search (Sawtooth retry_dynamic_peering) ----

  async #search(): Promise<void> {
    const { seeds } = this.config
    const local = this.c.transport.localEndpoint
    const now = this.c.clock.now()
    const sources = new Set<string>()
    for (const p of this.#peers.values()) sources.add(p.endpoint)
    for (const s of seeds) if (s !== local && !this.#unreachable.blocked(s, now)) sources.add(s)
    const explorable = [...this.#known].filter(
      (e) => !sources.has(e) && !this.#isPeerEndpoint(e) && !this.#unreachable.blocked(e, now),
    )
    for (let i = 0; i < this.exploreFanout && explorable.length > 0; i++) {
      const idx = Math.floor(this.c.random.next() * explorable.length)
      sources.add(explorable[idx]!)
      explorable.splice(idx, 1)
    }
    // Ask everyone at once; wait responseTimeoutMs for answers (Sawtooth _response_duration).
    // Answers arriving later still land in the known set for the next round.
    const candidates = new Set<string>()
    const asked = [...sources].filter((e) => !this.#inFlight.has(e))
    const answers = Promise.all(
      asked.map(async (endpoint) => {
        this.#inFlight.add(endpoint)
        try {
          for (const e of await this.#getPeers(endpoint)) candidates.add(e)
        } finally {
          this.#inFlight.delete(endpoint)
        }
      }),
    )
    let wait: TimerHandle | undefined
    await Promise.race([
      answers,
      new Promise<void>((r) => (wait = this.c.clock.setTimeout(r, this.config.responseTimeoutMs))),
    ])
    wait?.cancel()
    if (candidates.size === 0) for (const e of this.#known) candidates.add(e)
    if (!this.#running) return
    const later = this.c.clock.now()
    const unpeered = [...candidates].filter((e) => {
      if (e === local || this.#isPeerEndpoint(e)) return false
      if (this.#backoff.blocked(e, later) || this.#unreachable.blocked(e, later)) return false
      const id = this.#idOf(e)
      return id !== undefined && !this.isBanned(id)
    })
    const chosen = this.#peers.size < this.config.minPeers ? pick(this.c.random, unpeered) : undefined
    this.#emit({
      type: 'search',
      peerCount: this.#peers.size,
      candidates: unpeered.length,
      ...(chosen === undefined ? {} : { chosen }),
    })
    if (chosen !== undefined) await this.#requestPeering(chosen)
    // Topology-only connections opened for this search close after the linger time.
    for (const e of sources) {
      const id = this.#idOf(e)
      if (id !== undefined && this.stateOf(id) === 'connected') this.#scheduleLinger(id)
    }
  }

  async #getPeers(endpoint: string): Promise<string[]> {
    let answer: Control
    try {
      answer = await this.#request(endpoint, { kind: 'get-peers-request' }, this.config.requestTimeoutMs)
    } catch (error) {
      this.#fail(endpoint, error)
      return []
    }
    if (answer.kind !== 'get-peers-response') {
      this.#fail(endpoint, new UnexpectedMessageError('get-peers-response', answer.kind))
      return []
    }
    this.#unreachable.succeed(endpoint)
    const local = this.c.transport.localEndpoint
    const valid = answer.peerEndpoints.filter((e) => e !== local && this.#idOf(e) !== undefined)
    for (const e of valid) this.#remember(e)
    this.#emit({ type: 'get-peers-received', endpoint, count: valid.length })
    return valid
  }

  async #requestPeering(endpoint: string): Promise<void> {
    const peerId = this.#idOf(endpoint)
    if (peerId === undefined || this.#peers.has(peerId) || this.#pending.has(peerId)) return
    this.#pending.add(peerId)
    try {
      await this.#requestPeeringOnce(endpoint, peerId)
    } finally {
      this.#pending.delete(peerId)
    }
  }

  async #requestPeeringOnce(endpoint: string, peerId: string): Promise<void> {
    let answer: Control
    try {
      answer = await this.#request(
        endpoint,
        { kind: 'peer-register-request', endpoint: this.c.transport.localEndpoint },
        this.config.requestTimeoutMs,
      )
    } catch (error) {
      this.#fail(endpoint, error)
      this.#scheduleLinger(peerId)
      return
    }
    if (answer.kind !== 'peer-register-response') {
      this.#fail(endpoint, new UnexpectedMessageError('peer-register-response', answer.kind))
      return
    }
    if (answer.status !== 'ok') {
      this.#emit({ type: 'peering-rejected', endpoint, status: answer.status })
      this.#fail(endpoint, new PeeringRejectedError(endpoint, answer.status))
      this.#scheduleLinger(peerId)
      return
    }
    if (!this.#running) return
    if (!this.c.transport.isConnected(peerId)) {
      // The answer raced a disconnect; the remote has dropped us already.
      this.#fail(endpoint, new RequestFailedError(endpoint, { cause: 'connection closed before peering completed' }))
      return
    }
    if (this.#peers.size >= this.config.maxPeers && !this.#peers.has(peerId)) {
      // Filled up by inbound requests meanwhile: undo on the remote side too.
      void this.#request(endpoint, { kind: 'peer-unregister-request' }, this.config.requestTimeoutMs).catch(() => {})
      this.#scheduleLinger(peerId)
      return
    }
    this.#backoff.succeed(endpoint)
    this.#unreachable.succeed(endpoint)
    this.#addPeer(peerId, endpoint)
  }

  async #request(endpoint: string, message: Control, timeoutMs: number): Promise<Control> {
    const controller = new AbortController()
    let timer: TimerHandle | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = this.c.clock.setTimeout(() => {
        controller.abort()
        reject(new RequestTimeoutError(endpoint, timeoutMs))
      }, timeoutMs)
    })
    try {
      const sent = this.c.transport.request(endpoint, encodeControl(message), { signal: controller.signal })
      sent.catch(() => {})
      let bytes: Uint8Array
      try {
        bytes = await Promise.race([sent, timeout])
      } catch (cause) {
        if (cause instanceof MeshError) throw cause
        throw new RequestFailedError(endpoint, { cause })
      }
      return decodeControl(bytes, this.config.maxControlBytes)
    } finally {
      timer?.cancel()
      timeout.catch(() => {})
    }
  }

  #fail(endpoint: string, error: unknown): void {
    const now = this.c.clock.now()
    // A refusal says nothing about reachability; anything else means the endpoint did not answer properly.
    const delayMs =
      error instanceof PeeringRejectedError ? this.#backoff.fail(endpoint, now) : this.#unreachable.fail(endpoint, now)
    if (!(error instanceof PeeringRejectedError)) this.#backoff.fail(endpoint, now)
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    this.#emit({ type: 'backoff', endpoint, delayMs, reason })
    // A decoding failure on an answer is bad input from that peer as well.
    if (error instanceof MeshError && isBadInput(error)) {
      const id = this.#idOf(endpoint)
      if (id !== undefined) this.reportBadInput(id, error)
    }
  }

  // ---- serving (Sawtooth gossip_handlers) ----

  async #serve(from: string, bytes: Uint8Array): Promise<Uint8Array> {
    let message: Control
    try {
      message = decodeControl(bytes, this.config.maxControlBytes)
    } catch (error) {
      if (error instanceof MeshError) this.reportBadInput(from, error)
      throw error
    }
    const banned = this.isBanned(from)
    switch (message.kind) {
      case 'get-peers-request': {
        const peering = this.#peers.has(from)
        const list = banned ? [] : [...this.#peers.values()].filter((p) => p.peerId !== from).map((p) => p.endpoint)
        list.push(this.c.transport.localEndpoint)
        this.#emit({ type: 'get-peers-answered', peerId: from, peering, count: list.length })
        if (!peering) this.#scheduleLinger(from)
        return encodeControl({ kind: 'get-peers-response', peerEndpoints: list })
      }
      case 'peer-register-request': {
        const claimed = this.#idOf(message.endpoint)
        if (claimed !== from) {
          const error = new InvalidEndpointError(message.endpoint)
          this.reportBadInput(from, error)
          throw error
        }
        const peerCount = this.#peers.size
        if (banned) {
          this.#scheduleLinger(from)
          return encodeControl({ kind: 'peer-register-response', status: 'rejected-banned', peerCount })
        }
        if (!this.#peers.has(from) && peerCount >= this.config.maxPeers) {
          this.#scheduleLinger(from)
          return encodeControl({ kind: 'peer-register-response', status: 'rejected-at-maximum', peerCount })
        }
        this.#addPeer(from, message.endpoint)
        return encodeControl({ kind: 'peer-register-response', status: 'ok', peerCount: this.#peers.size })
      }
      case 'peer-unregister-request': {
        this.#dropPeer(from)
        this.#scheduleLinger(from)
        return encodeControl({ kind: 'acknowledgement' })
      }
      default: {
        const error = new UnexpectedMessageError('a request', message.kind)
        this.reportBadInput(from, error)
        throw error
      }
    }
  }

  // ---- connection bookkeeping ----

  #onConnection(peerId: string, connected: boolean): void {
    if (connected) {
      if (this.isBanned(peerId)) {
        void this.c.transport.disconnect(peerId).catch(() => {})
        return
      }
      this.#transition(peerId)
      if (!this.#peers.has(peerId)) this.#scheduleLinger(peerId)
    } else {
      this.#linger.get(peerId)?.cancel()
      this.#linger.delete(peerId)
      if (this.#peers.has(peerId)) this.#peers.delete(peerId)
      this.#transition(peerId)
    }
  }

  #addPeer(peerId: string, endpoint: string): void {
    this.#endpoints.set(peerId, endpoint)
    this.#known.delete(endpoint)
    if (!this.#peers.has(peerId)) this.#peers.set(peerId, { peerId, endpoint, since: this.c.clock.now() })
    this.#linger.get(peerId)?.cancel()
    this.#linger.delete(peerId)
    this.#transition(peerId)
  }

  #dropPeer(peerId: string): void {
    if (this.#peers.delete(peerId)) this.#transition(peerId)
  }

  #transition(peerId: string): void {
    const to = this.stateOf(peerId)
    const from = this.#lastState.get(peerId) ?? 'not-connected'
    if (to === 'not-connected') this.#lastState.delete(peerId)
    else this.#lastState.set(peerId, to)
    if (from === to) return
    this.#emit({ type: 'state', peerId, endpoint: this.#endpoints.get(peerId), from, to, peerCount: this.#peers.size })
  }

  #scheduleLinger(peerId: string): void {
    if (!this.#running || this.#linger.has(peerId)) return
    this.#linger.set(
      peerId,
      this.c.clock.setTimeout(() => {
        this.#linger.delete(peerId)
        if (this.#pending.has(peerId)) {
          this.#scheduleLinger(peerId)
        } else if (this.#running && this.stateOf(peerId) === 'connected') {
          void this.c.transport.disconnect(peerId).catch(() => {})
        }
      }, this.config.topologyLingerMs),
    )
  }

  #remember(endpoint: string): void {
    if (this.#known.has(endpoint) || this.#isPeerEndpoint(endpoint)) return
    if (this.#known.size >= this.maxKnown) {
      // Evict a random entry so the memory stays bounded and fresh.
      const list = [...this.#known]
      this.#known.delete(list[Math.floor(this.c.random.next() * list.length)]!)
    }
    this.#known.add(endpoint)
  }

  #isPeerEndpoint(endpoint: string): boolean {
    const id = this.#idOf(endpoint)
    return id !== undefined && this.#peers.has(id)
  }

  #idOf(endpoint: string): string | undefined {
    try {
      const id = this.c.transport.peerIdOf(endpoint)
      this.#endpoints.set(id, this.#endpoints.get(id) ?? endpoint)
      return id
    } catch {
      return undefined
    }
  }

  #emit(event: PeeringEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event)
      } catch {
        // A listener's failure must not break the policy.
      }
    }
  }
}

function isBadInput(error: MeshError): boolean {
  return (
    error.name === 'MalformedMessageError' ||
    error.name === 'MessageTooLargeError' ||
    error.name === 'UnsupportedVersionError' ||
    error.name === 'UnexpectedMessageError'
  )
}
