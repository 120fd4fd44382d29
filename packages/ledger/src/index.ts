/**
 * A persistent block chain after Hyperledger Sawtooth's journal: signed transactions in
 * atomic batches, transaction families and consensus engines as plug-ins, a pool with
 * nonce ordering, fork switching with revert to the fork point, catch-up through a port,
 * and an embedded LevelDB store (`@atmosphere/ledger/level`).
 *
 * @example Open a chain in memory, submit a batch and build a block.
 * ```ts
 * import { createLedger, devConsensus, memoryStore, randomSecretKey, secp256k1Signer, signBatch, signTransaction, systemClock } from '@atmosphere/ledger'
 *
 * const signer = secp256k1Signer(randomSecretKey())
 * const ledger = await createLedger({ store: memoryStore(), families: [counter], consensus: devConsensus(), signer, clock: systemClock() })
 * const tx = await signTransaction(signer, { familyName: 'counter', familyVersion: '1.0', nonce: 0n, payload, batcherPublicKey: signer.publicKey, inputs: ['c0ffee'], outputs: ['c0ffee'] })
 * await ledger.submit(await signBatch(signer, [tx]))
 * const built = await ledger.buildBlock()
 * ```
 *
 * @packageDocumentation
 */

export { catchUpHandler, requestCatchUpPort } from './catch-up.js'
export { decodeReceipt, encodeReceipt, type ReceiptRecord, type UndoRecord } from './chain-store.js'
export { systemClock } from './clock.js'
export {
  idFromSignature,
  randomSecretKey,
  secp256k1Signer,
  secp256k1Verifier,
  signBatch,
  signTransaction,
  type TransactionFields,
} from './crypto.js'
export { type DevConsensusInit, devConsensus } from './dev-consensus.js'
export {
  bigintToBytes,
  bytesToBigint,
  bytesToHex,
  decodeBatch,
  decodeBlock,
  decodeTransaction,
  encodeBatch,
  encodeBatchHeader,
  encodeBlock,
  encodeBlockHeader,
  encodeTransaction,
  encodeTransactionHeader,
  hexToBytes,
} from './encoding.js'
export * from './errors.js'
export {
  type BuildOptions,
  type CatchUpPort,
  type CommitEvent,
  createLedger,
  type GenesisConfig,
  genesisBlock,
  Ledger,
  type LedgerFamily,
  type LedgerInit,
  type ReceiveOutcome,
  type RejectedBatch,
} from './ledger.js'
export { memoryStore } from './memory-store.js'
export { type PoolEntry, TransactionPool } from './pool.js'
export { type RlpInput, rlpEncode, utf8Bytes } from './rlp.js'
export { chainedStateRoot, Overlay, type StateReader, transactionView } from './state.js'
