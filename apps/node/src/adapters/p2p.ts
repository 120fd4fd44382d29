// The network side of a node: a mesh-gossip libp2p host (peering + gossipsub) and a
// request/response protocol on the same host for catch-up (ledger's catch-up codec).
import type { RequestTransport, Unsubscribe } from '@atmosphere/interfaces'
import { createMeshNode, type MeshNode } from '@atmosphere/mesh-gossip/libp2p'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import type { P2pConfig } from '../config.js'

/** Protocol id of catch-up requests. */
export const CATCH_UP_PROTOCOL = '/atmosphere/catch-up/1.0.0'

/** Starts the libp2p host with the peering policy and gossipsub. */
export function startMesh(config: P2pConfig): Promise<MeshNode> {
  return createMeshNode({
    listen: config.listen,
    seeds: config.seeds,
    minPeers: config.minPeers,
    maxPeers: config.maxPeers,
    maxMessageBytes: config.maxMessageBytes,
  })
}

/**
 * Request/response over CATCH_UP_PROTOCOL streams of `mesh`'s host; addresses are peer ids
 * (libp2p dials them from its peer store). One length-prefixed message each way.
 */
export async function catchUpTransport(
  mesh: MeshNode,
  handler: (from: string, message: Uint8Array) => Promise<Uint8Array>,
  maxBytes: number,
): Promise<RequestTransport<string>> {
  const node = mesh.libp2p
  await node.handle(
    CATCH_UP_PROTOCOL,
    async (stream, connection) => {
      const lp = lpStream(stream, { maxDataLength: maxBytes })
      try {
        const request = await lp.read({ signal: AbortSignal.timeout(30_000) })
        const answer = await handler(connection.remotePeer.toString(), request.subarray())
        await lp.write(answer, { signal: AbortSignal.timeout(30_000) })
        await stream.close()
      } catch (error) {
        stream.abort(error instanceof Error ? error : new Error(String(error)))
      }
    },
    { maxInboundStreams: 16 },
  )
  return {
    localAddress: mesh.peerId,
    async request(peerId, message, options) {
      const signal = options?.signal ?? AbortSignal.timeout(30_000)
      const stream = await node.dialProtocol(peerIdFromString(peerId), CATCH_UP_PROTOCOL, { signal })
      try {
        const lp = lpStream(stream, { maxDataLength: maxBytes })
        await lp.write(message, { signal })
        const answer = await lp.read({ signal })
        await stream.close({ signal }).catch(() => {})
        return answer.subarray()
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)))
        throw e
      }
    },
    handle(): Unsubscribe {
      // The handler is fixed at creation; this transport serves exactly one.
      return () => {}
    },
    async close() {
      await node.unhandle(CATCH_UP_PROTOCOL)
    },
  }
}

/** Refuses connections to chosen peers (partition tests): drops open ones, hangs up new ones. */
export interface PeerBlocker {
  /** Replaces the blocked set; an empty list heals. */
  set(peerIds: readonly string[]): Promise<void>
  has(peerId: string): boolean
  readonly blocked: readonly string[]
}

export function peerBlocker(mesh: MeshNode): PeerBlocker {
  let blocked = new Set<string>()
  const node = mesh.libp2p
  node.addEventListener('peer:connect', (e) => {
    const id = e.detail.toString()
    if (blocked.has(id)) void node.hangUp(e.detail).catch(() => {})
  })
  return {
    async set(peerIds) {
      blocked = new Set(peerIds)
      await Promise.all(
        node
          .getConnections()
          .filter((c) => blocked.has(c.remotePeer.toString()))
          .map((c) => node.hangUp(c.remotePeer).catch(() => {})),
      )
    },
    has: (id) => blocked.has(id),
    get blocked() {
      return [...blocked]
    },
  }
}
