// The simulated network: nodes addressed "sim:<n>", connections, request/response with a
// latency model (base + uniform jitter, quantised to 1 ms) and a loss model (each one-way
// message lost with probability `loss`), all on a virtual clock and a seeded generator.
import type { Clock, Unsubscribe } from '@atmosphere/interfaces'
import { InvalidEndpointError, RequestFailedError } from '../errors.js'
import type { PeeringTransport } from '../ports.js'
import type { Random } from '../random.js'

export interface LinkModel {
  /** Fixed one-way latency in ms. */
  readonly baseLatencyMs: number
  /** Extra one-way latency, uniform in [0, jitterMs). */
  readonly jitterMs: number
  /** Probability that one one-way message is lost. */
  readonly loss: number
}

export const DEFAULT_LINK: LinkModel = { baseLatencyMs: 20, jitterMs: 30, loss: 0 }

interface SimNode {
  readonly endpoint: string
  up: boolean
  handler: ((from: string, message: Uint8Array) => Promise<Uint8Array>) | undefined
  readonly connections: Set<string>
  readonly connListeners: Set<(peerId: string, connected: boolean) => void>
}

const ENDPOINT = /^sim:\d+$/

export class SimNetwork {
  readonly #nodes = new Map<string, SimNode>()
  /** Control messages handed to the network (both directions), and how many were lost. */
  sent = 0
  lost = 0

  constructor(
    readonly clock: Clock,
    readonly random: Random,
    readonly link: LinkModel = DEFAULT_LINK,
  ) {}

  /** One-way delay sample in whole milliseconds. */
  delay(): number {
    return Math.max(1, Math.round(this.link.baseLatencyMs + this.random.next() * this.link.jitterMs))
  }

  /** True if this one-way message is lost. */
  drop(): boolean {
    return this.link.loss > 0 && this.random.next() < this.link.loss
  }

  /** Adds a node and returns its transport port. */
  addNode(index: number): PeeringTransport {
    const endpoint = `sim:${index}`
    const node: SimNode = { endpoint, up: true, handler: undefined, connections: new Set(), connListeners: new Set() }
    this.#nodes.set(endpoint, node)
    return this.#transport(node)
  }

  /** Crashes a node: it stops answering and every connection to it closes. */
  kill(endpoint: string): void {
    const node = this.#nodes.get(endpoint)
    if (node === undefined || !node.up) return
    node.up = false
    for (const other of [...node.connections]) this.#close(node, other)
  }

  isUp(endpoint: string): boolean {
    return this.#nodes.get(endpoint)?.up === true
  }

  /** Peer sets as seen by the connection table (undirected). */
  connectionsOf(endpoint: string): ReadonlySet<string> {
    return this.#nodes.get(endpoint)?.connections ?? new Set()
  }

  #connect(a: SimNode, b: SimNode): void {
    if (a.connections.has(b.endpoint)) return
    a.connections.add(b.endpoint)
    b.connections.add(a.endpoint)
    for (const l of a.connListeners) l(b.endpoint, true)
    for (const l of b.connListeners) l(a.endpoint, true)
  }

  #close(a: SimNode, other: string): void {
    const b = this.#nodes.get(other)
    if (!a.connections.delete(other)) return
    b?.connections.delete(a.endpoint)
    for (const l of a.connListeners) l(other, false)
    if (b !== undefined) for (const l of b.connListeners) l(a.endpoint, false)
  }

  #transport(node: SimNode): PeeringTransport {
    const net = this
    return {
      localEndpoint: node.endpoint,
      peerIdOf(endpoint: string): string {
        if (!ENDPOINT.test(endpoint)) throw new InvalidEndpointError(endpoint)
        return endpoint
      },
      request(to: string, message: Uint8Array, options?: { readonly signal?: AbortSignal }): Promise<Uint8Array> {
        return new Promise((resolve, reject) => {
          const target = net.#nodes.get(to)
          const abort = () => reject(new RequestFailedError(to, { cause: 'aborted' }))
          options?.signal?.addEventListener('abort', abort, { once: true })
          if (!node.up) return reject(new RequestFailedError(to, { cause: 'local node is down' }))
          const deliver = () => {
            if (target === undefined || !target.up) {
              return reject(new RequestFailedError(to, { cause: 'connection refused' }))
            }
            net.#connect(node, target)
            net.sent++
            if (net.drop()) {
              net.lost++
              return // the caller's timeout fires
            }
            net.clock.setTimeout(() => {
              if (!target.up || !target.connections.has(node.endpoint) || target.handler === undefined) return
              target.handler(node.endpoint, message).then(
                (answer) => {
                  net.sent++
                  if (net.drop()) {
                    net.lost++
                    return
                  }
                  net.clock.setTimeout(() => {
                    if (node.up && node.connections.has(to)) resolve(answer)
                  }, net.delay())
                },
                () => {
                  // The server dropped the request as bad input; the stream resets.
                  net.clock.setTimeout(() => reject(new RequestFailedError(to, { cause: 'stream reset' })), net.delay())
                },
              )
            }, net.delay())
          }
          // A new connection costs one round trip before the request leaves.
          if (target !== undefined && node.connections.has(to)) deliver()
          else net.clock.setTimeout(deliver, 2 * net.delay())
        })
      },
      handle(handler) {
        node.handler = handler
        return () => {
          if (node.handler === handler) node.handler = undefined
        }
      },
      async disconnect(peerId: string): Promise<void> {
        net.#close(node, peerId)
      },
      onConnection(handler): Unsubscribe {
        node.connListeners.add(handler)
        return () => node.connListeners.delete(handler)
      },
      isConnected(peerId: string): boolean {
        return node.connections.has(peerId)
      },
    }
  }
}
