// Typed failures of the mesh-gossip package: one class per failure, a fixed `name`, the
// offending value, and an optional `cause`. Bad network input is reported with these and
// dropped; it never crashes a node.

/** Base class: every error this package throws or logs is a MeshError. */
export abstract class MeshError extends Error {
  abstract override readonly name: string
  /** A short one-line description without the offending value. */
  readonly shortMessage: string
  constructor(shortMessage: string, details?: string, options?: { cause?: unknown }) {
    super(details === undefined ? shortMessage : `${shortMessage}: ${details}`, options)
    this.shortMessage = shortMessage
  }
  /** A JSON-friendly view for log lines. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message }
  }
}

/** Bytes that are not a valid protobuf encoding of the expected message. */
export class MalformedMessageError extends MeshError {
  override readonly name = 'MalformedMessageError' as const
  constructor(
    readonly messageType: string,
    readonly bytes: Uint8Array,
    options?: { cause?: unknown },
  ) {
    super(
      `malformed ${messageType}`,
      `${bytes.length} bytes, first ${Math.min(bytes.length, 16)}: ${hex(bytes.subarray(0, 16))}${reason(options?.cause)}`,
      options,
    )
  }
}

/** A control message that decodes but carries no (or more than one) request/response field. */
export class UnexpectedMessageError extends MeshError {
  override readonly name = 'UnexpectedMessageError' as const
  constructor(
    readonly expected: string,
    readonly received: string,
  ) {
    super('unexpected control message', `expected ${expected}, received ${received}`)
  }
}

/** A message longer than the configured limit; it is not read further. */
export class MessageTooLargeError extends MeshError {
  override readonly name = 'MessageTooLargeError' as const
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('message too large', `${size} bytes exceeds the limit of ${limit}`)
  }
}

/** A message stamped with a network protocol version this node does not speak. */
export class UnsupportedVersionError extends MeshError {
  override readonly name = 'UnsupportedVersionError' as const
  constructor(
    readonly version: number,
    readonly supported: number,
  ) {
    super('unsupported protocol version', `received ${version}, this node speaks ${supported}`)
  }
}

/** A configuration value outside its allowed range. */
export class InvalidConfigError extends MeshError {
  override readonly name = 'InvalidConfigError' as const
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`invalid configuration ${field}`, `${JSON.stringify(value)}; expected ${expected}`)
  }
}

/** An endpoint string the transport cannot parse or that names no peer identity. */
export class InvalidEndpointError extends MeshError {
  override readonly name = 'InvalidEndpointError' as const
  constructor(
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super('invalid endpoint', `${JSON.stringify(endpoint)}${reason(options?.cause)}`, options)
  }
}

/** A request that got no answer within its deadline. */
export class RequestTimeoutError extends MeshError {
  override readonly name = 'RequestTimeoutError' as const
  constructor(
    readonly endpoint: string,
    readonly timeoutMs: number,
  ) {
    super('request timed out', `${endpoint} after ${timeoutMs} ms`)
  }
}

/** A request that failed in the transport (dial refused, stream reset, peer gone). */
export class RequestFailedError extends MeshError {
  override readonly name = 'RequestFailedError' as const
  constructor(
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super('request failed', `${endpoint}${reason(options?.cause)}`, options)
  }
}

/** A peering request the remote refused (at maximum, or we are banned there). */
export class PeeringRejectedError extends MeshError {
  override readonly name = 'PeeringRejectedError' as const
  constructor(
    readonly endpoint: string,
    readonly status: string,
  ) {
    super('peering rejected', `${endpoint}: ${status}`)
  }
}

/** A payload larger than maxMessageBytes handed to publish(). */
export class PayloadTooLargeError extends MeshError {
  override readonly name = 'PayloadTooLargeError' as const
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('payload too large to publish', `${size} bytes exceeds the limit of ${limit}`)
  }
}

/** A publish with nobody subscribed to hear it (no peers on the topic). */
export class NoPeersError extends MeshError {
  override readonly name = 'NoPeersError' as const
  constructor(
    readonly topic: string,
    options?: { cause?: unknown },
  ) {
    super('no peers subscribed to topic', JSON.stringify(topic), options)
  }
}

/** Operation on a node that is not running. */
export class NotStartedError extends MeshError {
  override readonly name = 'NotStartedError' as const
  constructor(readonly operation: string) {
    super('node is not started', operation)
  }
}

function hex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

function reason(cause: unknown): string {
  if (cause === undefined) return ''
  return ` (${cause instanceof Error ? cause.message : String(cause)})`
}
