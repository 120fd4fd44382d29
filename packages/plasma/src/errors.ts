// One error class per failure. Every error names the offending value; decoders also say
// which field, at which offset, and what was expected.

/** Base class of every error this package throws. */
export class PlasmaError extends Error {
  override name = 'PlasmaError'
  /** One-line summary without the details. */
  readonly shortMessage: string
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage, { cause: options.cause })
    this.shortMessage = shortMessage
  }
}

/** Bytes that are not a well-formed transaction, block or proof. */
export class MalformedDataError extends PlasmaError {
  override name = 'MalformedDataError'
  constructor(
    readonly what: string,
    readonly field: string,
    readonly offset: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`malformed ${what}: ${field} at byte ${offset}: expected ${expected}, got ${actual}`)
  }
}

/** A transaction that breaks a child-chain rule; `rule` is machine-readable. */
export class InvalidTransactionError extends PlasmaError {
  override name = 'InvalidTransactionError'
  constructor(
    readonly rule:
      | 'no-inputs'
      | 'duplicate-input'
      | 'unknown-input'
      | 'input-already-spent'
      | 'bad-signature'
      | 'value-not-conserved'
      | 'bad-output',
    readonly detail: string,
    readonly value?: unknown,
  ) {
    super(`invalid transaction (${rule}): ${detail}`)
  }
}

/** A signature that does not parse or does not recover. */
export class SignatureError extends PlasmaError {
  override name = 'SignatureError'
  constructor(
    readonly inputIndex: number,
    detail: string,
  ) {
    super(`signature of input ${inputIndex}: ${detail}`)
  }
}

/** A Merkle proof that does not lead to the expected root. */
export class InvalidProofError extends PlasmaError {
  override name = 'InvalidProofError'
  constructor(
    readonly blknum: bigint,
    readonly txindex: number,
  ) {
    super(`transaction ${txindex} is not in block ${blknum} under the given proof`)
  }
}

/** A block is full (2^16 transactions, the depth of the block tree). */
export class BlockFullError extends PlasmaError {
  override name = 'BlockFullError'
  /** Machine-readable, like {@link InvalidTransactionError.rule} (the HTTP API reports it). */
  readonly rule = 'block-full' as const
  constructor(readonly capacity: number) {
    super(`block is full (${capacity} transactions)`)
  }
}

/** The operator did not serve a submitted block: the watcher's cue to exit. */
export class BlockWithheldError extends PlasmaError {
  override name = 'BlockWithheldError'
  constructor(readonly blknum: bigint) {
    super(`block ${blknum} was submitted but its transactions are not available`)
  }
}

/** A served block whose transactions do not hash to the root submitted on the root chain. */
export class BlockRootMismatchError extends PlasmaError {
  override name = 'BlockRootMismatchError'
  constructor(
    readonly blknum: bigint,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`block ${blknum}: served transactions hash to ${actual}, root chain has ${expected}`)
  }
}

/** The root contract reverted; `reason` is the custom error's name (e.g. `NotOutputOwner`). */
export class RootChainRevertError extends PlasmaError {
  override name = 'RootChainRevertError'
  constructor(
    readonly operation: string,
    readonly reason: string,
    readonly args: readonly unknown[],
    cause?: unknown,
  ) {
    super(`${operation} reverted: ${reason}${args.length ? `(${args.map(String).join(', ')})` : ''}`, { cause })
  }
}
