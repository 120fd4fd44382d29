// Encoding and checked decoding of the network messages (docs/mesh-gossip.md, "Messages").
// Every decode checks size first, then protobuf structure, then the protocol version, and
// throws a typed error instead of returning half-parsed data.

import {
  MalformedMessageError,
  MessageTooLargeError,
  UnexpectedMessageError,
  UnsupportedVersionError,
} from './errors.js'
import {
  type ControlMessage,
  ControlMessage as ControlMessageCodec,
  GossipEnvelope,
  PeerRegisterResponse,
} from './generated/mesh.js'

/** Network protocol version (Sawtooth NETWORK_PROTOCOL_VERSION is also 1). */
export const PROTOCOL_VERSION = 1

/** Upper bound for one control message; a GetPeers answer of 10 endpoints is ~1 KiB. */
export const DEFAULT_MAX_CONTROL_BYTES = 16 * 1024

/** Upper bound for one gossip envelope (payload plus a few bytes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024

export type { ControlMessage }
export { PeerRegisterResponse }

/** The control requests and responses, as a tagged union. */
export type Control =
  | { readonly kind: 'get-peers-request' }
  | { readonly kind: 'get-peers-response'; readonly peerEndpoints: readonly string[] }
  | { readonly kind: 'peer-register-request'; readonly endpoint: string }
  | {
      readonly kind: 'peer-register-response'
      readonly status: 'ok' | 'rejected-at-maximum' | 'rejected-banned'
      readonly peerCount: number
    }
  | { readonly kind: 'peer-unregister-request' }
  | { readonly kind: 'acknowledgement' }

export type ControlKind = Control['kind']

const statusToWire = {
  ok: PeerRegisterResponse.Status.OK,
  'rejected-at-maximum': PeerRegisterResponse.Status.REJECTED_AT_MAXIMUM,
  'rejected-banned': PeerRegisterResponse.Status.REJECTED_BANNED,
} as const

/** Encodes a control message stamped with `version` (tests pass other versions on purpose). */
export function encodeControl(message: Control, version: number = PROTOCOL_VERSION): Uint8Array {
  const wire: Partial<ControlMessage> = { protocolVersion: version }
  switch (message.kind) {
    case 'get-peers-request':
      wire.getPeersRequest = {}
      break
    case 'get-peers-response':
      wire.getPeersResponse = { peerEndpoints: [...message.peerEndpoints] }
      break
    case 'peer-register-request':
      wire.peerRegisterRequest = { endpoint: message.endpoint }
      break
    case 'peer-register-response':
      wire.peerRegisterResponse = { status: statusToWire[message.status], peerCount: message.peerCount }
      break
    case 'peer-unregister-request':
      wire.peerUnregisterRequest = {}
      break
    case 'acknowledgement':
      wire.acknowledgement = {}
      break
  }
  return ControlMessageCodec.encode(wire)
}

/** Decodes and checks one control message; throws MessageTooLarge/Malformed/UnsupportedVersion/Unexpected. */
export function decodeControl(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_CONTROL_BYTES): Control {
  if (bytes.length > maxBytes) throw new MessageTooLargeError(bytes.length, maxBytes)
  let wire: ControlMessage
  try {
    wire = ControlMessageCodec.decode(bytes, { limits: { getPeersResponse: { peerEndpoints: 256 } } })
  } catch (cause) {
    throw new MalformedMessageError('ControlMessage', bytes, { cause })
  }
  if (wire.protocolVersion !== PROTOCOL_VERSION)
    throw new UnsupportedVersionError(wire.protocolVersion, PROTOCOL_VERSION)
  const present: Control[] = []
  if (wire.getPeersRequest !== undefined) present.push({ kind: 'get-peers-request' })
  if (wire.getPeersResponse !== undefined)
    present.push({ kind: 'get-peers-response', peerEndpoints: wire.getPeersResponse.peerEndpoints })
  if (wire.peerRegisterRequest !== undefined)
    present.push({ kind: 'peer-register-request', endpoint: wire.peerRegisterRequest.endpoint })
  if (wire.peerRegisterResponse !== undefined) {
    const s = wire.peerRegisterResponse.status
    const status =
      s === PeerRegisterResponse.Status.OK
        ? 'ok'
        : s === PeerRegisterResponse.Status.REJECTED_AT_MAXIMUM
          ? 'rejected-at-maximum'
          : s === PeerRegisterResponse.Status.REJECTED_BANNED
            ? 'rejected-banned'
            : undefined
    if (status === undefined) throw new MalformedMessageError('PeerRegisterResponse.status', bytes)
    present.push({ kind: 'peer-register-response', status, peerCount: wire.peerRegisterResponse.peerCount })
  }
  if (wire.peerUnregisterRequest !== undefined) present.push({ kind: 'peer-unregister-request' })
  if (wire.acknowledgement !== undefined) present.push({ kind: 'acknowledgement' })
  if (present.length !== 1) {
    throw new UnexpectedMessageError('exactly one request or response field', `${present.length} fields`)
  }
  return present[0]!
}

/** Wraps an application payload for a gossip topic. */
export function encodeGossip(payload: Uint8Array, version: number = PROTOCOL_VERSION): Uint8Array {
  return GossipEnvelope.encode({ protocolVersion: version, payload: payload as Uint8Array<ArrayBuffer> })
}

/** Unwraps a gossip envelope; throws MessageTooLarge/Malformed/UnsupportedVersion. */
export function decodeGossip(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES): Uint8Array {
  if (bytes.length > maxBytes) throw new MessageTooLargeError(bytes.length, maxBytes)
  let env: GossipEnvelope
  try {
    env = GossipEnvelope.decode(bytes)
  } catch (cause) {
    throw new MalformedMessageError('GossipEnvelope', bytes, { cause })
  }
  if (env.protocolVersion !== PROTOCOL_VERSION) throw new UnsupportedVersionError(env.protocolVersion, PROTOCOL_VERSION)
  return env.payload
}
