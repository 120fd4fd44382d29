/**
 * Types shared by the Atmosphere protocol packages. This package has no runtime code and
 * no dependencies: it is the contract between the chain driver (`@atmosphere/ledger`),
 * the transaction families (`@atmosphere/seth`), consensus engines
 * (`@atmosphere/poet-consensus`) and the adapters that give them clocks, stores, keys and
 * networks.
 *
 * @example A transaction family that counts how often each key was written.
 * ```ts
 * import type { TransactionFamily } from '@atmosphere/interfaces'
 *
 * export const counter: TransactionFamily = {
 *   name: 'counter',
 *   versions: ['1.0'],
 *   namespaces: ['c0ffee'],
 *   async apply(tx, state) {
 *     const address = `c0ffee${Buffer.from(tx.payload).toString('hex').padEnd(64, '0').slice(0, 64)}`
 *     const old = await state.get(address)
 *     const count = old === undefined ? 0n : BigInt(new TextDecoder().decode(old))
 *     await state.set(address, new TextEncoder().encode(String(count + 1n)))
 *     return { valid: true }
 *   },
 * }
 * ```
 *
 * @packageDocumentation
 */
export type {
  Batch,
  BatchHeader,
  Block,
  BlockHeader,
  HexId,
  StateAddress,
  Transaction,
  TransactionHeader,
} from './block.js'
export type { Clock, RealClock, TimerHandle, VirtualClock } from './clock.js'
export type {
  BlockCandidate,
  BlockVerdict,
  ChainBlock,
  ChainReader,
  ConsensusContext,
  ConsensusEngine,
  ForkChoice,
  PublishDecision,
} from './consensus.js'
export type { MaybePromise, Signer, Verifier } from './crypto.js'
export type { KeyValueStore, StoreOperation, StoreRange } from './store.js'
export type {
  ApplyResult,
  BlockContext,
  StateView,
  TransactionEvent,
  TransactionFamily,
} from './transaction-family.js'
export type { RequestTransport, Transport, Unsubscribe } from './transport.js'
