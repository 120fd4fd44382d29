// PeeringTransport over a libp2p host: control requests are one length-prefixed protobuf
// message each way on a fresh stream of CONTROL_PROTOCOL; connection events come from the
// host's peer:connect / peer:disconnect.
import type { Unsubscribe } from '@atmosphere/interfaces'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidEndpointError, type MeshError, MessageTooLargeError, RequestFailedError } from '../errors.js'
import type { PeeringTransport } from '../ports.js'

/** The control protocol id; the version in it matches PROTOCOL_VERSION. */
export const CONTROL_PROTOCOL = '/atmosphere/mesh/control/1.0.0'

export interface Libp2pTransportOptions {
  readonly maxControlBytes: number
  /** Called for input dropped before it reaches the core (oversized frames). */
  readonly onBadInput: (peerId: string, error: MeshError) => void
}

/** Parses the peer id out of an endpoint multiaddr such as /ip4/127.0.0.1/tcp/4001/p2p/12D3…. */
export function peerIdOfEndpoint(endpoint: string): string {
  let id: string | undefined
  try {
    id = multiaddr(endpoint)
      .getComponents()
      .findLast((c) => c.name === 'p2p')?.value
    if (id !== undefined) peerIdFromString(id)
  } catch (cause) {
    throw new InvalidEndpointError(endpoint, { cause })
  }
  if (id === undefined) throw new InvalidEndpointError(endpoint, { cause: 'no /p2p/ component' })
  return id
}

export class Libp2pTransport implements PeeringTransport {
  #handler: ((from: string, message: Uint8Array) => Promise<Uint8Array>) | undefined
  readonly #listeners = new Set<(peerId: string, connected: boolean) => void>()
  #localEndpoint = ''

  constructor(
    readonly node: Libp2p,
    readonly options: Libp2pTransportOptions,
  ) {
    node.addEventListener('peer:connect', (e) => this.#notify(e.detail, true))
    node.addEventListener('peer:disconnect', (e) => this.#notify(e.detail, false))
  }

  /** Registers the protocol handler; call once after the host started. */
  async start(): Promise<void> {
    const addrs = this.node.getMultiaddrs().map((a) => a.toString())
    this.#localEndpoint = addrs.find((a) => a.startsWith('/ip4/127.0.0.1/')) ?? addrs[0] ?? ''
    await this.node.handle(
      CONTROL_PROTOCOL,
      async (stream, connection) => {
        const from = connection.remotePeer.toString()
        const lp = lpStream(stream, { maxDataLength: this.options.maxControlBytes })
        try {
          const request = await lp.read({ signal: AbortSignal.timeout(10_000) })
          const handler = this.#handler
          if (handler === undefined) throw new Error('no handler')
          const answer = await handler(from, request.subarray())
          await lp.write(answer, { signal: AbortSignal.timeout(10_000) })
          await stream.close()
        } catch (error) {
          const size = oversize(error)
          if (size !== undefined) {
            this.options.onBadInput(from, new MessageTooLargeError(size, this.options.maxControlBytes))
          }
          stream.abort(error instanceof Error ? error : new Error(String(error)))
        }
      },
      { maxInboundStreams: 8 },
    )
  }

  get localEndpoint(): string {
    return this.#localEndpoint
  }

  peerIdOf(endpoint: string): string {
    return peerIdOfEndpoint(endpoint)
  }

  async request(
    endpoint: string,
    message: Uint8Array,
    options?: { readonly signal?: AbortSignal },
  ): Promise<Uint8Array> {
    const signal = options?.signal ?? AbortSignal.timeout(10_000)
    let stream: Awaited<ReturnType<Libp2p['dialProtocol']>> | undefined
    try {
      stream = await this.node.dialProtocol(multiaddr(endpoint), CONTROL_PROTOCOL, { signal })
      const lp = lpStream(stream, { maxDataLength: this.options.maxControlBytes })
      await lp.write(message, { signal })
      const answer = await lp.read({ signal })
      await stream.close({ signal }).catch(() => {})
      return answer.subarray()
    } catch (cause) {
      stream?.abort(cause instanceof Error ? cause : new Error(String(cause)))
      const size = oversize(cause)
      if (size !== undefined) {
        const error = new MessageTooLargeError(size, this.options.maxControlBytes)
        this.options.onBadInput(peerIdOfEndpoint(endpoint), error)
        throw error
      }
      throw new RequestFailedError(endpoint, { cause })
    }
  }

  /** Sends raw bytes as a control request (diagnostics and bad-input tests). */
  async requestRaw(endpoint: string, bytes: Uint8Array, framed = true): Promise<Uint8Array | undefined> {
    const signal = AbortSignal.timeout(10_000)
    const stream = await this.node.dialProtocol(multiaddr(endpoint), CONTROL_PROTOCOL, { signal })
    try {
      if (framed) {
        const lp = lpStream(stream, { maxDataLength: 1 << 30, maxLengthLength: 8 })
        await lp.write(bytes, { signal })
        const answer = await lp.read({ signal })
        return answer.subarray()
      }
      stream.send(bytes)
      for await (const chunk of stream) return chunk.subarray()
      return undefined
    } catch {
      return undefined
    } finally {
      stream.abort(new Error('done'))
    }
  }

  handle(handler: (from: string, message: Uint8Array) => Promise<Uint8Array>): Unsubscribe {
    this.#handler = handler
    return () => {
      if (this.#handler === handler) this.#handler = undefined
    }
  }

  async disconnect(peerId: string): Promise<void> {
    await this.node.hangUp(peerIdFromString(peerId))
  }

  onConnection(handler: (peerId: string, connected: boolean) => void): Unsubscribe {
    this.#listeners.add(handler)
    return () => this.#listeners.delete(handler)
  }

  isConnected(peerId: string): boolean {
    try {
      return this.node.getConnections(peerIdFromString(peerId)).length > 0
    } catch {
      return false
    }
  }

  #notify(peer: PeerId, connected: boolean): void {
    const id = peer.toString()
    for (const l of this.#listeners) l(id, connected)
  }
}

/** The declared length of a frame the length-prefixed reader refused, if that is what failed. */
function oversize(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined
  if (error.name === 'InvalidDataLengthError') {
    const m = /- (\d+) >/.exec(error.message)
    return m === null ? Number.NaN : Number(m[1])
  }
  if (error.name === 'InvalidDataLengthLengthError') return Number.NaN
  return undefined
}
