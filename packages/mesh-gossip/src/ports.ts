// The ports the peering core runs over. A libp2p adapter (src/adapters/) and the simulator
// (src/sim/) both implement them, so one policy runs on real sockets and in virtual time.
import type { Clock, Unsubscribe } from '@atmosphere/interfaces'
import type { MeshError } from './errors.js'
import type { Random } from './random.js'

/** Connection-level view of the network, as the policy needs it. */
export interface PeeringTransport {
  /** The endpoint other nodes dial to reach this one (includes its identity). */
  readonly localEndpoint: string
  /** The peer identity an endpoint names; throws InvalidEndpointError. */
  peerIdOf(endpoint: string): string
  /** Sends one control request (connecting first if needed) and resolves with the answer bytes. */
  request(endpoint: string, message: Uint8Array, options?: { readonly signal?: AbortSignal }): Promise<Uint8Array>
  /** Serves control requests; returned bytes are the answer. */
  handle(handler: (fromPeer: string, message: Uint8Array) => Promise<Uint8Array>): Unsubscribe
  /** Closes every connection to the peer. */
  disconnect(peerId: string): Promise<void>
  /** Connection opened (connected: true) or last connection closed (connected: false). */
  onConnection(handler: (peerId: string, connected: boolean) => void): Unsubscribe
  /** True while at least one connection to the peer is open. */
  isConnected(peerId: string): boolean
}

/** What the core is given: time, randomness, the network. */
export interface PeeringComponents {
  readonly clock: Clock
  readonly random: Random
  readonly transport: PeeringTransport
}

/** Connection states from the design document: Not connected → Connected → Peering. */
export type ConnectionState = 'not-connected' | 'connected' | 'peering'

export interface PeerInfo {
  readonly peerId: string
  readonly endpoint: string
  readonly since: number
}

/** Events the core emits; the CLI logs them as JSON lines. */
export type PeeringEvent =
  | {
      readonly type: 'state'
      readonly peerId: string
      readonly endpoint: string | undefined
      readonly from: ConnectionState
      readonly to: ConnectionState
      readonly peerCount: number
    }
  | { readonly type: 'search'; readonly peerCount: number; readonly candidates: number; readonly chosen?: string }
  | { readonly type: 'peering-rejected'; readonly endpoint: string; readonly status: string }
  | { readonly type: 'get-peers-answered'; readonly peerId: string; readonly peering: boolean; readonly count: number }
  | { readonly type: 'get-peers-received'; readonly endpoint: string; readonly count: number }
  | { readonly type: 'backoff'; readonly endpoint: string; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'bad-input'; readonly peerId: string; readonly error: MeshError; readonly penalty: number }
  | { readonly type: 'banned'; readonly peerId: string; readonly untilMs: number }
