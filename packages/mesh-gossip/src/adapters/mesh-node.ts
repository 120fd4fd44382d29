// A running validator network node: a libp2p 3 host (TCP, noise, yamux, identify,
// gossipsub) with the peering core on top. The application sees only publish, subscribe,
// peers and events; payloads are opaque bytes wrapped in a versioned GossipEnvelope.
import type { Unsubscribe } from '@atmosphere/interfaces'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, type GossipsubOpts, gossipsub, TopicValidatorResult } from '@libp2p/gossipsub'
import { createTopicScoreParams } from '@libp2p/gossipsub/score'
import { identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { DEFAULT_MAX_MESSAGE_BYTES, decodeGossip, encodeGossip } from '../codec.js'
import { MeshError, NoPeersError, NotStartedError, PayloadTooLargeError } from '../errors.js'
import { type Peering, type PeeringInit, peering } from '../peering.js'
import type { PeerInfo, PeeringEvent } from '../ports.js'
import { mathRandom } from '../random.js'
import { Libp2pTransport } from './libp2p-transport.js'
import { realClock } from './real-clock.js'

export interface MeshNodeOptions extends PeeringInit {
  /** Listen multiaddrs; default one OS-assigned TCP port on loopback. */
  readonly listen?: readonly string[]
  /**
   * 'dynamic' (default) runs the peering policy. 'static' is the baseline: dial `staticPeers`
   * once, keep every connection, plain gossipsub defaults, no validation or penalties.
   */
  readonly mode?: 'dynamic' | 'static'
  /** Largest gossip envelope accepted or published. */
  readonly maxMessageBytes?: number
  readonly privateKey?: PrivateKey
}

export interface MessageMeta {
  readonly topic: string
  /** Peer id of the original publisher. */
  readonly from: string | undefined
  /** Peer id of the neighbour that handed the message to us. */
  readonly via: string
}

export type MeshNodeEvent =
  | PeeringEvent
  | { readonly type: 'message'; readonly topic: string; readonly payload: Uint8Array; readonly meta: MessageMeta }
  | { readonly type: 'gossip-rejected'; readonly peerId: string; readonly error: MeshError }

export interface MeshNode {
  /** The endpoint others use as seed or static peer (multiaddr with /p2p/). */
  readonly endpoint: string
  readonly peerId: string
  readonly mode: 'dynamic' | 'static'
  /** Publishes an opaque payload; throws PayloadTooLargeError, NoPeersError. */
  publish(topic: string, payload: Uint8Array): Promise<{ recipients: number }>
  /** Subscribes to a topic; the handler gets each payload once. */
  subscribe(topic: string, handler: (payload: Uint8Array, meta: MessageMeta) => void): Unsubscribe
  /** The peering set (dynamic), or every connected peer (static). */
  peers(): PeerInfo[]
  /** Number of open libp2p connections. */
  connections(): number
  /** Peers gossipsub knows to be subscribed to the topic, and those in its mesh for it. */
  topicPeers(topic: string): { subscribers: number; mesh: number }
  on(listener: (event: MeshNodeEvent) => void): Unsubscribe
  /** The underlying host and core, for diagnostics and tests. */
  readonly libp2p: Libp2p<{ pubsub: GossipSub }>
  readonly peering: Peering | undefined
  readonly transport: Libp2pTransport
  /** Publishes bytes without the envelope (bad-input tests only). */
  publishRaw(topic: string, bytes: Uint8Array): Promise<void>
  stop(): Promise<void>
}

/** Creates and starts a node. */
export async function createMeshNode(options: MeshNodeOptions = {}): Promise<MeshNode> {
  const mode = options.mode ?? 'dynamic'
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  const listeners = new Set<(event: MeshNodeEvent) => void>()
  const emit = (event: MeshNodeEvent) => {
    for (const l of listeners) {
      try {
        l(event)
      } catch {
        // listeners must not break the node
      }
    }
  }
  const gossipOpts: Partial<GossipsubOpts> =
    mode === 'static'
      ? {}
      : {
          // Up to 4× the limit gossipsub still hands the message to our validator, which logs a
          // MessageTooLargeError and penalises the sender; beyond that gossipsub drops it unread.
          maxInboundDataLength: 4 * maxMessageBytes,
          allowPublishToZeroTopicPeers: false,
          // Recognise duplicates before signature verification: publisher + sequence number is
          // already gossipsub's message id under StrictSign, so this changes no semantics.
          fastMsgIdFn: (m) =>
            m.from !== undefined && m.seqno !== undefined
              ? Buffer.from(m.from).toString('base64') + Buffer.from(m.seqno).toString('base64')
              : Buffer.from(m.data ?? []).toString('base64'),
          // Topology-only connections touch many peers; on one host they all share an IP and
          // gossipsub's IP-colocation penalty (P6) would graylist them (decision 0045).
          scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']) },
        }
  const node = await createLibp2p({
    ...(options.privateKey === undefined ? {} : { privateKey: options.privateKey }),
    addresses: { listen: [...(options.listen ?? ['/ip4/127.0.0.1/tcp/0'])] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub(gossipOpts) },
    connectionManager: { maxConnections: 64 },
    // libp2p's default 5 s minimum ping timeout aborts healthy connections on a loaded host;
    // a crashed peer is still noticed at once by TCP close (decision 0046).
    connectionMonitor: { abortConnectionOnPingFailure: false },
  })
  let core: Peering | undefined
  const transport = new Libp2pTransport(node, {
    maxControlBytes: options.maxControlBytes ?? 16 * 1024,
    onBadInput: (peerId, error) => core?.reportBadInput(peerId, error),
  })
  await transport.start()
  const pubsub = node.services.pubsub
  let running = true
  const repair = setInterval(() => repairGossipStreams(node), 2_000)
  repair.unref()

  if (mode === 'dynamic') {
    core = peering(options)({ clock: realClock, random: mathRandom, transport })
    core.on(emit)
    core.start()
  } else {
    for (const endpoint of options.staticPeers ?? []) void dialWithRetry(node, endpoint, () => running)
  }

  const validatorFor = (topic: string) => {
    if (mode === 'static') return
    pubsub.topicValidators.set(topic, (peer, message) => {
      const peerId = peer.toString()
      if (core?.isBanned(peerId) === true) return TopicValidatorResult.Reject
      try {
        decodeGossip(message.data, maxMessageBytes)
        return TopicValidatorResult.Accept
      } catch (error) {
        if (!(error instanceof MeshError)) throw error
        emit({ type: 'gossip-rejected', peerId, error })
        core?.reportBadInput(peerId, error)
        return TopicValidatorResult.Reject
      }
    })
    // Invalid messages cost gossipsub score (P4) as well, so gossipsub's own graylisting applies.
    // PeerScore reads opts.scoreParams.topics live, so a topic added here is scored.
    const topics = (pubsub as unknown as { opts?: { scoreParams?: { topics?: Record<string, unknown> } } }).opts
      ?.scoreParams?.topics
    if (topics !== undefined) {
      // Only P4 (invalid messages) is switched on: the library's defaults for P1–P3b would
      // graylist honest peers of a quiet topic (mesh delivery deficit), see decision 0045.
      topics[topic] = createTopicScoreParams({
        topicWeight: 1,
        timeInMeshWeight: 0,
        firstMessageDeliveriesWeight: 0,
        meshMessageDeliveriesWeight: 0,
        meshFailurePenaltyWeight: 0,
        // 1, 2, 3 invalid messages score −10, −40, −90: graylisted (< −80) after the third.
        invalidMessageDeliveriesWeight: -10,
        invalidMessageDeliveriesDecay: 0.9,
      })
    }
  }

  const handlers = new Map<string, Set<(payload: Uint8Array, meta: MessageMeta) => void>>()
  pubsub.addEventListener('gossipsub:message', (e) => {
    const { msg, propagationSource } = e.detail
    const set = handlers.get(msg.topic)
    if (set === undefined) return
    let payload: Uint8Array
    try {
      payload = decodeGossip(msg.data, maxMessageBytes)
    } catch (error) {
      // Only reachable in static mode, which has no validator.
      if (error instanceof MeshError) emit({ type: 'gossip-rejected', peerId: propagationSource.toString(), error })
      return
    }
    const meta: MessageMeta = {
      topic: msg.topic,
      from: msg.type === 'signed' ? msg.from.toString() : undefined,
      via: propagationSource.toString(),
    }
    emit({ type: 'message', topic: msg.topic, payload, meta })
    for (const h of set) h(payload, meta)
  })

  const api: MeshNode = {
    endpoint: transport.localEndpoint,
    peerId: node.peerId.toString(),
    mode,
    libp2p: node,
    peering: core,
    transport,
    async publish(topic, payload) {
      if (!running) throw new NotStartedError('publish')
      const envelope = encodeGossip(payload)
      if (envelope.length > maxMessageBytes) throw new PayloadTooLargeError(payload.length, maxMessageBytes)
      try {
        const r = await pubsub.publish(topic, envelope)
        return { recipients: r.recipients.length }
      } catch (cause) {
        if (cause instanceof Error && cause.message.includes('NoPeersSubscribedToTopic')) {
          throw new NoPeersError(topic, { cause })
        }
        throw cause
      }
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic)
      if (set === undefined) {
        set = new Set()
        handlers.set(topic, set)
        validatorFor(topic)
        pubsub.subscribe(topic)
      }
      set.add(handler)
      return () => {
        const s = handlers.get(topic)
        s?.delete(handler)
        if (s !== undefined && s.size === 0) {
          handlers.delete(topic)
          pubsub.unsubscribe(topic)
          pubsub.topicValidators.delete(topic)
        }
      }
    },
    peers() {
      if (core !== undefined) return core.peers()
      return node.getConnections().map((c) => ({
        peerId: c.remotePeer.toString(),
        endpoint: c.remoteAddr.toString(),
        since: c.timeline.open,
      }))
    },
    connections() {
      return node.getConnections().length
    },
    topicPeers(topic) {
      const mesh = (pubsub as unknown as { mesh?: Map<string, Set<string>> }).mesh?.get(topic)?.size ?? 0
      return { subscribers: pubsub.getSubscribers(topic).length, mesh }
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async publishRaw(topic, bytes) {
      await pubsub.publish(topic, bytes)
    },
    async stop() {
      if (!running) return
      running = false
      clearInterval(repair)
      await core?.stop()
      await node.stop()
    },
  }
  return api
}

/**
 * @libp2p/gossipsub 17 opens its outbound stream once per connection event; if that stream
 * closes while the connection stays open (a remote reset, a duplicate connection replaced),
 * the peer silently gets no more messages. Reopen it (decision 0046).
 */
function repairGossipStreams(node: Libp2p<{ pubsub: GossipSub }>): void {
  const pubsub = node.services.pubsub as unknown as {
    peers: Map<string, unknown>
    streamsOutbound: Map<string, unknown>
    createOutboundStream?: (peerId: unknown, connection: unknown) => Promise<void>
  }
  if (typeof pubsub.createOutboundStream !== 'function') return
  for (const connection of node.getConnections()) {
    if (connection.status !== 'open') continue
    const id = connection.remotePeer.toString()
    if (pubsub.peers.has(id) && !pubsub.streamsOutbound.has(id)) {
      void pubsub.createOutboundStream(connection.remotePeer, connection).catch(() => {})
    }
  }
}

async function dialWithRetry(node: Libp2p, endpoint: string, alive: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 20 && alive(); attempt++) {
    try {
      await node.dial(multiaddr(endpoint), { signal: AbortSignal.timeout(10_000) })
      return
    } catch {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)))
    }
  }
}
