// Typed failures of the Kademlia/receipts core: one class per failure, each with a fixed
// `name`, the offending value and an optional `cause` (shape after viem's BaseError).

/** Base class of every error this package throws. */
export class KademliaError extends Error {
  override name = 'KademliaError'
  /** One-line summary without the details. */
  readonly shortMessage: string
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details === undefined ? shortMessage : `${shortMessage}\n${options.details}`, {
      cause: options.cause,
    })
    this.shortMessage = shortMessage
  }
}

/** Bytes that do not decode: which field, at which offset, what was expected. */
export class MalformedMessageError extends KademliaError {
  override name = 'MalformedMessageError' as const
  constructor(
    readonly field: string,
    readonly offset: number,
    readonly expected: string,
    readonly got?: unknown,
  ) {
    super(
      `malformed ${field} at offset ${offset}: expected ${expected}${got === undefined ? '' : `, got ${String(got)}`}`,
    )
  }
}

/** An ed25519 signature that does not verify. */
export class BadSignatureError extends KademliaError {
  override name = 'BadSignatureError' as const
  constructor(
    readonly what: string,
    readonly publicKey: string,
  ) {
    super(`bad signature on ${what} by ${publicKey}`)
  }
}

/** A node id that fails an S/Kademlia crypto puzzle (or does not match its public key). */
export class BadPuzzleError extends KademliaError {
  override name = 'BadPuzzleError' as const
  constructor(
    readonly puzzle: 'id' | 'static' | 'dynamic',
    readonly nodeId: string,
    readonly required: number,
  ) {
    super(
      puzzle === 'id'
        ? `node id ${nodeId} is not H(public key)`
        : `node id ${nodeId} fails the ${puzzle} puzzle (needs ${required} leading zero bits)`,
    )
  }
}

/** A contact refused by the pluggable admission check (e.g. no security deposit). */
export class AdmissionRefusedError extends KademliaError {
  override name = 'AdmissionRefusedError' as const
  constructor(readonly nodeId: string) {
    super(`node ${nodeId} refused by the admission check`)
  }
}

/** A receipt whose version is not newer than the one already held. */
export class StaleReceiptError extends KademliaError {
  override name = 'StaleReceiptError' as const
  constructor(
    readonly held: bigint,
    readonly offered: bigint,
  ) {
    super(`receipt version ${offered} is not newer than held version ${held}`)
  }
}

/** A receipt whose `prev` does not link to the receipt held for version - 1. */
export class BrokenReceiptChainError extends KademliaError {
  override name = 'BrokenReceiptChainError' as const
  constructor(
    readonly version: bigint,
    readonly prev: string,
    readonly expectedPrev: string,
  ) {
    super(`receipt v${version} links to ${prev}, but the held v${version - 1n} hashes to ${expectedPrev}`)
  }
}

/** Two different receipts for one key and version signed by one updater. */
export class ForkDetectedError extends KademliaError {
  override name = 'ForkDetectedError' as const
  constructor(
    readonly key: string,
    readonly version: bigint,
    /** The two encoded receipts, presentable to anyone as fork evidence. */
    readonly evidence: readonly [Uint8Array, Uint8Array],
  ) {
    super(`updater forked key ${key} at version ${version}`)
  }
}

/** Fork evidence that does not prove a fork (same bytes, different signer, key or version, bad signature). */
export class InvalidForkEvidenceError extends KademliaError {
  override name = 'InvalidForkEvidenceError' as const
  constructor(readonly reason: string) {
    super(`invalid fork evidence: ${reason}`)
  }
}

/** No valid receipt was found for a key. */
export class ReceiptNotFoundError extends KademliaError {
  override name = 'ReceiptNotFoundError' as const
  constructor(readonly key: string) {
    super(`no valid receipt found for key ${key}`)
  }
}

/** A parameter outside its allowed range. */
export class InvalidParameterError extends KademliaError {
  override name = 'InvalidParameterError' as const
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`invalid ${parameter}: ${String(value)} (expected ${expected})`)
  }
}

/** A request that got no answer in time. */
export class RequestTimeoutError extends KademliaError {
  override name = 'RequestTimeoutError' as const
  constructor(
    readonly address: string,
    readonly timeoutMs: number,
  ) {
    super(`no response from ${address} within ${timeoutMs} ms`)
  }
}

/** A remote node answered with an error message. */
export class RemoteError extends KademliaError {
  override name = 'RemoteError' as const
  constructor(
    readonly address: string,
    readonly code: number,
    readonly remoteMessage: string,
  ) {
    super(`remote ${address} answered error ${code}: ${remoteMessage}`)
  }
}

/** A response of the wrong type for the request sent. */
export class UnexpectedResponseError extends KademliaError {
  override name = 'UnexpectedResponseError' as const
  constructor(
    readonly expected: string,
    readonly got: number,
  ) {
    super(`expected a ${expected} response, got message type 0x${got.toString(16)}`)
  }
}

/** Use of a transport or node after close(). */
export class ClosedError extends KademliaError {
  override name = 'ClosedError' as const
  constructor(readonly what: string) {
    super(`${what} is closed`)
  }
}
