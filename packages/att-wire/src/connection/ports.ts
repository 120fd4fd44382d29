// Ports of the contract-mediated connection: the contract the nodes post records to (an EVM
// contract in the node, an in-memory one in tests) and the byte-stream network (TCP in the adapter).

import type { Unsubscribe } from '@atmosphere/interfaces'
import type { Endpoint } from './identity.js'

/** A records that it wants to talk to B (seed 1.9: account address, time, reason). */
export interface ConnectionRequestRecord {
  readonly kind: 'request'
  /** 32 random bytes, hex. */
  readonly id: string
  readonly from: string
  readonly fromKey: Uint8Array
  readonly to: string
  readonly time: number
  readonly reason: string
}

/** B agrees to talk to A. */
export interface ConnectionAcceptRecord {
  readonly kind: 'accept'
  readonly id: string
  readonly by: string
  readonly key: Uint8Array
}

/** A's endpoint, sealed to B's key. */
export interface ConnectionEndpointRecord {
  readonly kind: 'endpoint'
  readonly id: string
  readonly sealed: Uint8Array
}

export type ContractRecord = ConnectionRequestRecord | ConnectionAcceptRecord | ConnectionEndpointRecord

/** What every node sees of the contract: an append-only, broadcast log. */
export interface ContractPort {
  submit(record: ContractRecord): Promise<void>
  /** Calls `handler` for every record already posted, then for each new one. */
  subscribe(handler: (record: ContractRecord) => void): Unsubscribe
}

/** A duplex byte stream (a TCP socket in the adapter). */
export interface ByteStream {
  write(bytes: Uint8Array): void
  onData(handler: (bytes: Uint8Array) => void): void
  onClose(handler: (error?: Error) => void): void
  close(): void
}

export interface Listener {
  readonly endpoint: Endpoint
  onConnection(handler: (stream: ByteStream) => void): void
  close(): Promise<void>
}

export interface NetworkPort {
  listen(): Promise<Listener>
  dial(endpoint: Endpoint): Promise<ByteStream>
}
