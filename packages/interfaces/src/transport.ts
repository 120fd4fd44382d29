// Message transport as a port: a protocol core sends and receives byte messages to
// addresses and never sees sockets, libp2p or HTTP.

/** Stops a subscription; calling it twice is harmless. */
export type Unsubscribe = () => void

/** Fire-and-forget messages between addressed endpoints (UDP, a libp2p stream, a simulator). */
export interface Transport<Address = string> {
  /** This endpoint's own address. */
  readonly localAddress: Address
  /** Sends one message; resolves when handed to the network, not when delivered. */
  send(to: Address, message: Uint8Array): Promise<void>
  /** Registers a handler for incoming messages. */
  onMessage(handler: (from: Address, message: Uint8Array) => void): Unsubscribe
  close(): Promise<void>
}

/** Request/response exchanges (GetPeers, Kademlia RPCs, block fetch). */
export interface RequestTransport<Address = string> {
  readonly localAddress: Address
  /** Sends a request and resolves with the response; rejects on timeout or failure. */
  request(to: Address, message: Uint8Array, options?: { readonly signal?: AbortSignal }): Promise<Uint8Array>
  /** Serves incoming requests; the returned bytes are the response. */
  handle(handler: (from: Address, message: Uint8Array) => Promise<Uint8Array>): Unsubscribe
  close(): Promise<void>
}
