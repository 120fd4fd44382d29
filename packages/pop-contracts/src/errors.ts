// Typed failures of @atmosphere/pop-contracts: one class per failure, a fixed `name`, the
// offending value in `value`, and the underlying error (if any) in `cause`.

/** Base class of every error this package throws. */
export abstract class PopError extends Error {
  abstract override readonly name: string
  /** One-line description without the value. */
  readonly shortMessage: string
  /** The offending value (bytes, index, field, ...). */
  readonly value: unknown
  constructor(shortMessage: string, value?: unknown, options?: { cause?: unknown }) {
    super(value === undefined ? shortMessage : `${shortMessage} (value: ${describe(value)})`, options)
    this.shortMessage = shortMessage
    this.value = value
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) {
    const hex = Array.from(value.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join('')
    return `0x${hex}${value.length > 32 ? `… (${value.length} bytes)` : ''}`
  }
  if (typeof value === 'bigint') return `${value}n`
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
  } catch {
    return String(value)
  }
}

/** A contract description breaks a structural rule (docs/pop.md §2). */
export class ContractInvalidError extends PopError {
  override readonly name = 'ContractInvalidError'
}
/** A contract encoding could not be decoded. */
export class ContractDecodeError extends PopError {
  override readonly name = 'ContractDecodeError'
}
/** A party's signature over the contract hash does not verify. */
export class ContractSignatureInvalidError extends PopError {
  override readonly name = 'ContractSignatureInvalidError'
}
/** Level-1 evidence is incomplete: a party has not signed the contract. */
export class ContractNotSignedError extends PopError {
  override readonly name = 'ContractNotSignedError'
}
/** A datagram is not a well-formed PoP unit half; `field` and `offset` say where. */
export class MalformedUnitError extends PopError {
  override readonly name = 'MalformedUnitError'
}
/** The unit names a contract this node does not run. */
export class UnknownContractError extends PopError {
  override readonly name = 'UnknownContractError'
}
/** The unit's sender is not a party of the contract. */
export class UnknownPartyError extends PopError {
  override readonly name = 'UnknownPartyError'
}
/** The unit is addressed to another party. */
export class NotAddressedError extends PopError {
  override readonly name = 'NotAddressedError'
}
/** OAOR: the contract does not arrange this message from this sender to this receiver now. */
export class OutOfContractError extends PopError {
  override readonly name = 'OutOfContractError'
}
/** The header's payload CRC-32 does not match the payload that arrived (tampering or mix-up). */
export class PayloadCrcMismatchError extends PopError {
  override readonly name = 'PayloadCrcMismatchError'
}
/** The unit's CRC chain does not link to its neighbour in the stream. */
export class ChainBrokenError extends PopError {
  override readonly name = 'ChainBrokenError'
}
/** The ed25519 signature of a unit does not verify under the sender's key (forgery or tampering). */
export class UnitSignatureInvalidError extends PopError {
  override readonly name = 'UnitSignatureInvalidError'
}
/** A sequenced unit whose sequence number was already accepted (duplicate or replay). */
export class ReplayedUnitError extends PopError {
  override readonly name = 'ReplayedUnitError'
}
/** A control unit whose counter is not above the last one seen from that sender. */
export class StaleControlError extends PopError {
  override readonly name = 'StaleControlError'
}
/** A status query got no answer in time. */
export class StatusTimeoutError extends PopError {
  override readonly name = 'StatusTimeoutError'
}
/** A second, different signed unit for a sequence number already accepted. */
export class StreamForkError extends PopError {
  override readonly name = 'StreamForkError'
}
/** An inner statement signature (job, receipt, vote) does not verify. */
export class StatementSignatureInvalidError extends PopError {
  override readonly name = 'StatementSignatureInvalidError'
}
/** The phase state machine refuses: the channel's phase is not open yet. */
export class PhaseNotOpenError extends PopError {
  override readonly name = 'PhaseNotOpenError'
}
/** The phase state machine refuses: the channel was already closed. */
export class ChannelClosedError extends PopError {
  override readonly name = 'ChannelClosedError'
}
/** No such channel (phase, job, recipient) in the contract. */
export class NoSuchChannelError extends PopError {
  override readonly name = 'NoSuchChannelError'
}
/** A Byzantine-channel unit arrived while the channel is closed (before open or after close). */
export class ByzantineChannelClosedError extends PopError {
  override readonly name = 'ByzantineChannelClosedError'
}
/** The sender was convicted faulty; its Byzantine-channel privilege is withdrawn (Level 2). */
export class FaultyPartyError extends PopError {
  override readonly name = 'FaultyPartyError'
}
/** Violation evidence does not prove a contradiction. */
export class InvalidEvidenceError extends PopError {
  override readonly name = 'InvalidEvidenceError'
}
/** Level-3 evidence: the network policy does not allow this contract to open. */
export class NetworkPolicyError extends PopError {
  override readonly name = 'NetworkPolicyError'
}
/** Hours ledger: the transfer spends more hours than the balance holds. */
export class InsufficientHoursError extends PopError {
  override readonly name = 'InsufficientHoursError'
}
/** Hours ledger: a second, different transfer reuses a spent nonce. */
export class DoubleSpendError extends PopError {
  override readonly name = 'DoubleSpendError'
}
/** Hours ledger: the same transfer was submitted again. */
export class DuplicateTransferError extends PopError {
  override readonly name = 'DuplicateTransferError'
}
/** Hours ledger: a transfer's nonce skips ahead of the next expected nonce. */
export class NonceGapError extends PopError {
  override readonly name = 'NonceGapError'
}
/** Hours ledger: the transfer's signature does not verify. */
export class TransferSignatureInvalidError extends PopError {
  override readonly name = 'TransferSignatureInvalidError'
}
/** Hours ledger: the transfer itself is malformed (zero amount, self transfer, bad key). */
export class TransferInvalidError extends PopError {
  override readonly name = 'TransferInvalidError'
}
/** Hours ledger: the contract's hours were already credited. */
export class AlreadyCreditedError extends PopError {
  override readonly name = 'AlreadyCreditedError'
}
/** A deployment (contract file with endpoints and keys) is malformed. */
export class DeploymentInvalidError extends PopError {
  override readonly name = 'DeploymentInvalidError'
}
