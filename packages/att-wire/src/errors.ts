// Typed errors of att-wire: one class per failure, each with a fixed `name`, the offending value and,
// for decoders, the field, the byte offset and what was expected there.

/** Base class of every error att-wire throws on purpose. */
export class AttWireError extends Error {
  /** One-line summary without the details. */
  readonly shortMessage: string
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n  ${options.details}` : shortMessage, { cause: options.cause })
    this.shortMessage = shortMessage
  }
}

/** What a decoder failure reports. */
export interface DecodeErrorInit {
  /** Dotted path of the field, e.g. `login.cbDomain`. */
  readonly field: string
  /** Byte offset of the field in the decoded input. */
  readonly offset: number
  /** What the decoder expected there. */
  readonly expected: string
  /** What it found. */
  readonly actual: unknown
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`
  if (typeof value === 'number') return `${value} (0x${value.toString(16)})`
  if (typeof value === 'bigint') return `${value}n`
  return JSON.stringify(value) ?? String(value)
}

/** Base class of all decoding failures: bad bytes never produce a half-parsed value. */
export class DecodeError extends AttWireError {
  readonly field: string
  readonly offset: number
  readonly expected: string
  readonly actual: unknown
  constructor(what: string, init: DecodeErrorInit, cause?: unknown) {
    super(
      `${what}: field ${init.field} at offset ${init.offset}: expected ${init.expected}, got ${show(init.actual)}`,
      {
        cause,
      },
    )
    this.field = init.field
    this.offset = init.offset
    this.expected = init.expected
    this.actual = init.actual
  }
}

/** The input ended before the field did. `actual` is the number of bytes left. */
export class TruncatedError extends DecodeError {
  override readonly name = 'TruncatedError'
  constructor(init: DecodeErrorInit) {
    super('input truncated', init)
  }
}

/** A field that has one fixed value (a magic byte, a version, a tag) held another. */
export class FixedValueError extends DecodeError {
  override readonly name = 'FixedValueError'
  constructor(init: DecodeErrorInit) {
    super('fixed value mismatch', init)
  }
}

/** A value lies outside the range or set the source tables allow. */
export class OutOfRangeError extends DecodeError {
  override readonly name = 'OutOfRangeError'
  constructor(init: DecodeErrorInit) {
    super('value out of range', init)
  }
}

/** A length field disagrees with the bytes it describes. */
export class LengthMismatchError extends DecodeError {
  override readonly name = 'LengthMismatchError'
  constructor(init: DecodeErrorInit) {
    super('length mismatch', init)
  }
}

/** A field is not well formed (non-minimal BER/PER, missing UTF-16 terminator, odd length). */
export class MalformedFieldError extends DecodeError {
  override readonly name = 'MalformedFieldError'
  constructor(init: DecodeErrorInit) {
    super('malformed field', init)
  }
}

/** Bytes remain after the structure ended. */
export class TrailingBytesError extends DecodeError {
  override readonly name = 'TrailingBytesError'
  constructor(init: DecodeErrorInit) {
    super('trailing bytes', init)
  }
}

/** A value handed to an encoder does not fit its field. */
export class EncodeError extends AttWireError {
  override readonly name = 'EncodeError'
  readonly field: string
  readonly value: unknown
  constructor(field: string, expected: string, value: unknown, cause?: unknown) {
    super(`cannot encode field ${field}: expected ${expected}, got ${show(value)}`, { cause })
    this.field = field
    this.value = value
  }
}

/** The framer met bytes that cannot start an ATT frame; `offset` counts from the stream's start. */
export class FrameGarbageError extends AttWireError {
  override readonly name = 'FrameGarbageError'
  readonly offset: number
  readonly bytes: Uint8Array
  constructor(offset: number, bytes: Uint8Array, expected: string) {
    super(`garbage in ATT stream at offset ${offset}: expected ${expected}, got ${show(bytes)}`)
    this.offset = offset
    this.bytes = bytes
  }
}

/** A frame announces a length above the configured maximum. */
export class FrameTooLargeError extends AttWireError {
  override readonly name = 'FrameTooLargeError'
  readonly offset: number
  readonly length: number
  readonly maxFrameSize: number
  constructor(offset: number, length: number, maxFrameSize: number) {
    super(`ATT frame at stream offset ${offset} announces ${length} bytes, above the maximum ${maxFrameSize}`)
    this.offset = offset
    this.length = length
    this.maxFrameSize = maxFrameSize
  }
}

/** The peer offers no protocol version this side speaks. */
export class UnsupportedVersionError extends AttWireError {
  override readonly name = 'UnsupportedVersionError'
  readonly version: { readonly major: number; readonly minor: number }
  constructor(version: { readonly major: number; readonly minor: number }, supported: string) {
    super(`peer protocol version ${version.major}.${version.minor} is not supported (supported: ${supported})`)
    this.version = version
  }
}

/** The two sides share no security method. */
export class NoCommonSecurityMethodError extends AttWireError {
  override readonly name = 'NoCommonSecurityMethodError'
  readonly offered: readonly number[]
  constructor(offered: readonly number[], supported: readonly number[]) {
    super(
      `no common security method: peer offered [${offered.join(', ')}], this side supports [${supported.join(', ')}]`,
    )
    this.offered = offered
  }
}

/** A message arrived that the state machine does not accept in its current state. */
export class UnexpectedMessageError extends AttWireError {
  override readonly name = 'UnexpectedMessageError'
  readonly state: string
  readonly messageType: string
  constructor(state: string, messageType: string) {
    super(`unexpected ${messageType} message in state ${state}`)
    this.state = state
    this.messageType = messageType
  }
}

/** A Hello's signature does not verify under the key the contract names. */
export class BadSignatureError extends AttWireError {
  override readonly name = 'BadSignatureError'
  readonly signer: Uint8Array
  constructor(what: string, signer: Uint8Array) {
    super(`${what}: signature does not verify under ${show(signer)}`)
    this.signer = signer
  }
}

/** A key does not match the one expected (a Hello from someone else, an endpoint sealed to another key). */
export class WrongKeyError extends AttWireError {
  override readonly name = 'WrongKeyError'
  readonly key: Uint8Array
  constructor(what: string, key: Uint8Array, cause?: unknown) {
    super(`${what}: wrong key ${show(key)}`, { cause })
    this.key = key
  }
}

/** A Hello for a request that was already answered (or is not pending) arrived again. */
export class ReplayedHelloError extends AttWireError {
  override readonly name = 'ReplayedHelloError'
  readonly requestId: Uint8Array
  constructor(requestId: Uint8Array, reason: string) {
    super(`replayed Hello for request ${show(requestId)}: ${reason}`)
    this.requestId = requestId
  }
}

/** A session record's sequence number was already seen. */
export class ReplayedRecordError extends AttWireError {
  override readonly name = 'ReplayedRecordError'
  readonly sequence: bigint
  readonly expected: bigint
  constructor(sequence: bigint, expected: bigint) {
    super(`replayed session record: sequence ${sequence} already received (next expected ${expected})`)
    this.sequence = sequence
    this.expected = expected
  }
}

/** A session record arrived ahead of its turn. */
export class ReorderedRecordError extends AttWireError {
  override readonly name = 'ReorderedRecordError'
  readonly sequence: bigint
  readonly expected: bigint
  constructor(sequence: bigint, expected: bigint) {
    super(`reordered session record: sequence ${sequence} arrived while ${expected} was expected`)
    this.sequence = sequence
    this.expected = expected
  }
}

/** Authenticated decryption failed: the bytes or their header were altered, or the key is wrong. */
export class TamperedRecordError extends AttWireError {
  override readonly name = 'TamperedRecordError'
  readonly sequence: bigint
  constructor(sequence: bigint, cause?: unknown) {
    super(`session record ${sequence} failed authentication (tampered bytes or wrong key)`, { cause })
    this.sequence = sequence
  }
}

/** The connection was refused, closed or timed out before it was established. */
export class ConnectionError extends AttWireError {
  override readonly name = 'ConnectionError'
  readonly requestId: Uint8Array | undefined
  constructor(message: string, requestId?: Uint8Array, cause?: unknown) {
    super(message, { cause })
    this.requestId = requestId
  }
}
