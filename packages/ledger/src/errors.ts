// Typed errors of the ledger: one class per failure, a fixed `name`, the offending value.

/** Base class of every ledger error; `value` is the offending input. */
export class LedgerError extends Error {
  readonly value: unknown
  constructor(message: string, value: unknown, options?: { cause?: unknown }) {
    super(message, options)
    this.value = value
  }
}

/** Bytes that do not decode as the named structure. */
export class DecodeError extends LedgerError {
  override readonly name = 'DecodeError'
  readonly structure: string
  readonly field: string
  constructor(structure: string, field: string, expected: string, value: unknown, options?: { cause?: unknown }) {
    super(`cannot decode ${structure}: field ${field}: expected ${expected}`, value, options)
    this.structure = structure
    this.field = field
  }
}

/** A signature (transaction, batch or block) that does not verify. */
export class InvalidSignatureError extends LedgerError {
  override readonly name = 'InvalidSignatureError'
  constructor(what: string, id: string) {
    super(`invalid signature on ${what} ${id}`, id)
  }
}

/** A structure whose fields disagree with each other (ids, hashes, counts). */
export class MalformedError extends LedgerError {
  override readonly name = 'MalformedError'
}

/** A transaction naming a family or version this ledger does not run. */
export class UnknownFamilyError extends LedgerError {
  override readonly name = 'UnknownFamilyError'
  constructor(family: string, version: string) {
    super(`no transaction family ${family} ${version}`, `${family}@${version}`)
  }
}

/** A transaction already pending or committed. */
export class DuplicateTransactionError extends LedgerError {
  override readonly name = 'DuplicateTransactionError'
  constructor(id: string, where: 'pending' | 'committed') {
    super(`transaction ${id} is already ${where}`, id)
  }
}

/** A nonce below the next one expected for its signer (a replay). */
export class NonceTooLowError extends LedgerError {
  override readonly name = 'NonceTooLowError'
  readonly expected: bigint
  constructor(nonce: bigint, expected: bigint) {
    super(`nonce ${nonce} is too low: next expected is ${expected}`, nonce)
    this.expected = expected
  }
}

/** A nonce above the next one expected for its signer: a gap. */
export class NonceGapError extends LedgerError {
  override readonly name = 'NonceGapError'
  readonly expected: bigint
  constructor(nonce: bigint, expected: bigint) {
    super(`nonce ${nonce} leaves a gap: next expected is ${expected}`, nonce)
    this.expected = expected
  }
}

/** A transaction its family refuses on entry to the pool (permissions, limits). */
export class TransactionRejectedError extends LedgerError {
  override readonly name = 'TransactionRejectedError'
  readonly reason: string
  constructor(id: string, reason: string) {
    super(`transaction ${id} rejected: ${reason}`, id)
    this.reason = reason
  }
}

/** The pool holds as many batches as it may. */
export class PoolFullError extends LedgerError {
  override readonly name = 'PoolFullError'
  constructor(limit: number) {
    super(`transaction pool is full (${limit} batches)`, limit)
  }
}

/** A block that fails validation: bad consensus, an invalid batch, a wrong state root. */
export class InvalidBlockError extends LedgerError {
  override readonly name = 'InvalidBlockError'
  readonly reason: string
  constructor(id: string, reason: string) {
    super(`invalid block ${id}: ${reason}`, id)
    this.reason = reason
  }
}

/** A block whose parent is not known here; catch up first. */
export class UnknownParentError extends LedgerError {
  override readonly name = 'UnknownParentError'
  readonly parentId: string
  constructor(id: string, parentId: string) {
    super(`block ${id} has unknown parent ${parentId}`, id)
    this.parentId = parentId
  }
}

/** A transaction touched state outside its declared inputs or outputs. */
export class StateAccessError extends LedgerError {
  override readonly name = 'StateAccessError'
  constructor(address: string, access: 'read' | 'write') {
    super(`${access} of undeclared state address ${address}`, address)
  }
}

/** The store holds a chain whose genesis differs from the configured one. */
export class GenesisMismatchError extends LedgerError {
  override readonly name = 'GenesisMismatchError'
  constructor(stored: string, configured: string) {
    super(`store genesis ${stored} differs from configured genesis ${configured}`, stored)
  }
}

/** The ledger was closed. */
export class LedgerClosedError extends LedgerError {
  override readonly name = 'LedgerClosedError'
  constructor() {
    super('ledger is closed', undefined)
  }
}

/** A peer served blocks that do not continue the chain being fetched. */
export class CatchUpError extends LedgerError {
  override readonly name = 'CatchUpError'
}
