// Chain data: transactions, batches and blocks, in the shape of Hyperledger Sawtooth's
// journal (a block holds batches; a batch is the atomic unit; a transaction names its family).

/** Lowercase hex without `0x`: the id of a transaction, batch or block (its header signature or hash). */
export type HexId = string

/** A state address: lowercase hex, namespaced by the transaction family that owns it. */
export type StateAddress = string

/** What a transaction declares about itself; signed by its signer. */
export interface TransactionHeader {
  /** Name of the {@link TransactionFamily} that applies it, e.g. `"seth"`. */
  readonly familyName: string
  /** Version of that family, e.g. `"1.0"`. */
  readonly familyVersion: string
  /** Public key of the account that signed the transaction. */
  readonly signerPublicKey: Uint8Array
  /** Public key of the account that signed the enclosing batch. */
  readonly batcherPublicKey: Uint8Array
  /** Per-signer replay protection; families define its meaning (a counter for Seth). */
  readonly nonce: bigint
  /** State addresses (or address prefixes) the transaction may read. */
  readonly inputs: readonly StateAddress[]
  /** State addresses (or address prefixes) the transaction may write. */
  readonly outputs: readonly StateAddress[]
  /** Ids of transactions that must be committed before this one. */
  readonly dependencies: readonly HexId[]
  /** Hash of {@link Transaction.payload}; the family defines the hash function. */
  readonly payloadHash: Uint8Array
}

/** One signed request to a transaction family. */
export interface Transaction {
  readonly header: TransactionHeader
  /** Signature by `header.signerPublicKey` over the encoded header. */
  readonly headerSignature: Uint8Array
  /** Family-specific body, opaque to the ledger. */
  readonly payload: Uint8Array
  /** Derived from the header signature. */
  readonly id: HexId
}

/** What a batch declares about itself; signed by its signer. */
export interface BatchHeader {
  readonly signerPublicKey: Uint8Array
  /** Ids of the transactions, in order. */
  readonly transactionIds: readonly HexId[]
}

/** Transactions that commit together or not at all. */
export interface Batch {
  readonly header: BatchHeader
  readonly headerSignature: Uint8Array
  readonly transactions: readonly Transaction[]
  readonly id: HexId
}

/** The signed part of a block. */
export interface BlockHeader {
  /** Distance from genesis; genesis is 0. */
  readonly height: bigint
  /** Id of the parent block; genesis uses the all-zero id. */
  readonly parentId: HexId
  /** Root of the state after applying this block (32 bytes). */
  readonly stateRoot: Uint8Array
  /** Ids of the batches, in order. */
  readonly batchIds: readonly HexId[]
  /** Opaque bytes produced and checked by the {@link ConsensusEngine} (a PoET wait certificate, say). */
  readonly consensus: Uint8Array
  /** Public key of the validator that published the block. */
  readonly signerPublicKey: Uint8Array
  /** Publisher's time in milliseconds since the Unix epoch; checked by consensus, read by families. */
  readonly timestamp: number
}

/** A block as it travels and is stored. */
export interface Block {
  readonly header: BlockHeader
  /** Signature by `header.signerPublicKey` over the encoded header. */
  readonly headerSignature: Uint8Array
  readonly batches: readonly Batch[]
  /** Derived from the header signature. */
  readonly id: HexId
}
