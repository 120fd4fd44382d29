// The plug-in point for application logic: a transaction family applies transactions to
// a view of state, as Sawtooth's transaction processors do.
import type { StateAddress, Transaction } from './block.js'

/** Read/write access to global state, limited to the transaction's declared inputs and outputs. */
export interface StateView {
  /** Current value at an address, or `undefined` if unset. */
  get(address: StateAddress): Promise<Uint8Array | undefined>
  /** Stages a write; it becomes visible to later reads of the same transaction. */
  set(address: StateAddress, value: Uint8Array): Promise<void>
  /** Stages a deletion. */
  delete(address: StateAddress): Promise<void>
}

/** An event a transaction emits; stored with its receipt. */
export interface TransactionEvent {
  readonly type: string
  readonly attributes: ReadonlyArray<readonly [key: string, value: string]>
  readonly data: Uint8Array
}

/** Facts about the block a transaction is applied in. */
export interface BlockContext {
  readonly height: bigint
  /** Milliseconds since the Unix epoch, as agreed by consensus. */
  readonly timestamp: number
  /** Public key of the block's publisher. */
  readonly publisherPublicKey: Uint8Array
}

/** The outcome of applying a transaction. An internal error (a bug, a full disk) is thrown instead. */
export type ApplyResult =
  | {
      readonly valid: true
      /** Family-specific receipt bytes (for Seth: the EVM receipt). */
      readonly receipt?: Uint8Array
      readonly events?: readonly TransactionEvent[]
    }
  | {
      readonly valid: false
      /** Why the transaction was rejected; no state change of it survives. */
      readonly reason: string
    }

/** Application logic for one family of transactions. */
export interface TransactionFamily {
  /** Family name carried in {@link TransactionHeader.familyName}. */
  readonly name: string
  /** Versions this implementation applies. */
  readonly versions: readonly string[]
  /** Address prefixes the family owns. */
  readonly namespaces: readonly StateAddress[]
  /**
   * Applies one transaction. Must be deterministic: the same transaction on the same
   * state gives the same writes and result on every node.
   */
  apply(transaction: Transaction, state: StateView, block: BlockContext): Promise<ApplyResult>
}
