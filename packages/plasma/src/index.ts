/**
 * A Plasma chain with bonded master nodes. The root contract (Solidity, compiled in-process
 * with solc-js) follows Plasma MVP — deposits, block roots, exits with inclusion proofs and
 * bonds, challenges with later spends, finalisation in priority order — and adds master
 * nodes (anyone who posts the bond may submit blocks) and fraud evidence (a double spend,
 * an invalid signature, a spend of a non-existent output or value creation) that freezes
 * the guilty operator's bond forever. The child chain, operator, watcher, swaps and root
 * relaying are TypeScript over a {@link RootChain} port; `@atmosphere/plasma/adapters`
 * implements it with viem over any Ethereum JSON-RPC endpoint.
 *
 * @example A transfer on the child chain.
 * ```ts
 * import { ChildChain, ETH, addressOfKey, buildTransfer, signTransaction } from '@atmosphere/plasma'
 *
 * const alice = new Uint8Array(32).fill(1)
 * const bob = addressOfKey(new Uint8Array(32).fill(2))
 * const chain = new ChildChain()
 * chain.addDeposit(1n, { owner: addressOfKey(alice), token: ETH, amount: 10n })
 * const tx = buildTransfer(chain.utxosOf(addressOfKey(alice)), addressOfKey(alice), bob, ETH, 3n)
 * const [error] = await chain.submit([signTransaction(tx, alice)])
 * console.log(error ?? 'accepted', chain.buildBlock().root)
 * ```
 *
 * @packageDocumentation
 */
export { type BlockSource, decodeBlock, encodeBlock } from './block-codec.js'
export {
  blockRoot,
  type ChildBlock,
  ChildChain,
  type ChildChainOptions,
  findViolation,
  type OutputOrigin,
  type SubmitError,
  type Violation,
} from './child-chain.js'
export {
  EVM_VERSION,
  plasmaRootAbi,
  plasmaRootBytecode,
  SOLC_VERSION,
  testTokenAbi,
  testTokenBytecode,
} from './contracts/artifacts.generated.js'
export {
  BlockFullError,
  BlockRootMismatchError,
  BlockWithheldError,
  InvalidProofError,
  InvalidTransactionError,
  MalformedDataError,
  PlasmaError,
  RootChainRevertError,
  SignatureError,
} from './errors.js'
export { type FraudProof, fraudProofFor, type IncludedTxArg, includedArg, type OutputSourceArg } from './fraud.js'
export { EMPTY_ROOT, type Keccak256, MerkleTree, rootFromProof } from './merkle.js'
export { Operator, type OperatorOptions } from './operator.js'
export {
  BLKNUM_FACTOR,
  CHILD_BLOCK_INTERVAL,
  decodePosition,
  encodePosition,
  isDepositBlock,
  MAX_TXS_PER_BLOCK,
  type Position,
  TREE_DEPTH,
  TXINDEX_FACTOR,
  txPosition,
} from './position.js'
export { nobleRecoverer, recoverWith, type SignatureRecoverer } from './recoverer.js'
export { checkRelayedRoots, type RelayMismatch, relayRoots } from './relay.js'
export type {
  BlockSubmittedEvent,
  DepositEvent,
  ExitStartedEvent,
  Hex,
  RootChain,
  RootChainEvents,
  Sent,
} from './root-chain.js'
export { toHex } from './root-chain.js'
export {
  type Address,
  addressFromBytes,
  addressOf,
  addressOfKey,
  decodeSignedTransaction,
  decodeTransaction,
  decodeTransactionFast,
  EMPTY_OUTPUT,
  ETH,
  encodeSignedTransaction,
  encodeTransaction,
  leafOf,
  mergeSignatures,
  type Output,
  recoverSigner,
  SIGS_LENGTH,
  type SignedTransaction,
  signDigest,
  signInput,
  signTransaction,
  type Transaction,
  TX_LENGTH,
  transactionHash,
  transactionLayout,
} from './transaction.js'
export { buildSwap, buildTransfer, type Utxo } from './wallet.js'
export { Watcher, type WatcherEvent, type WatcherOptions } from './watcher.js'
