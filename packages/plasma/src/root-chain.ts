// The root chain as a port: what the operator, watchers and wallets need from the
// PlasmaRoot contract. src/adapters/root-client.ts implements it over any Ethereum JSON-RPC
// endpoint with viem; tests may substitute their own.

import { bytesToHex } from '@noble/hashes/utils.js'
import type { FraudProof } from './fraud.js'
import type { Address } from './transaction.js'

export type Hex = `0x${string}`

/** Bytes as the `0x` hex the JSON-RPC and the contract's ABI take. */
export const toHex = (bytes: Uint8Array): Hex => `0x${bytesToHex(bytes)}`

export interface DepositEvent {
  readonly owner: Address
  readonly token: Address
  readonly amount: bigint
  readonly blknum: bigint
}

export interface BlockSubmittedEvent {
  readonly blknum: bigint
  readonly root: Hex
  readonly operator: Address
}

export interface ExitStartedEvent {
  readonly utxoPos: bigint
  readonly owner: Address
  readonly token: Address
  readonly amount: bigint
}

export interface RootChainEvents {
  /** The last root-chain block these events cover; pass toBlock + 1 next time. */
  readonly toBlock: bigint
  readonly deposits: readonly DepositEvent[]
  readonly blocks: readonly BlockSubmittedEvent[]
  readonly exits: readonly ExitStartedEvent[]
}

/** A sent root-chain transaction: its hash and the gas it used. */
export interface Sent {
  readonly hash: Hex
  readonly gasUsed: bigint
  /** gasUsed × effective gas price: what the sender paid. */
  readonly fee: bigint
}

export interface RootChain {
  /** Address of the PlasmaRoot contract. */
  readonly address: Address
  /** Address of the account that signs this client's transactions. */
  readonly account: Address
  chainId(): Promise<number>
  currentChildBlock(): Promise<bigint>
  blockRoot(blknum: bigint): Promise<{ root: Hex; timestamp: bigint; operator: Address }>
  events(fromBlock: bigint): Promise<RootChainEvents>

  bond(amount: bigint): Promise<Sent>
  requestUnbond(): Promise<Sent>
  withdrawBond(): Promise<Sent>
  submitBlock(root: Uint8Array): Promise<Sent & { blknum: bigint }>
  deposit(amount: bigint): Promise<Sent & { blknum: bigint }>
  depositToken(token: Address, amount: bigint): Promise<Sent & { blknum: bigint }>
  startDepositExit(utxoPos: bigint, token: Address, amount: bigint): Promise<Sent>
  startExit(utxoPos: bigint, txBytes: Hex, sigs: Hex, proof: Hex): Promise<Sent>
  challengeExit(utxoPos: bigint, spendTx: Hex, inputIndex: bigint, spendSig: Hex): Promise<Sent>
  challengeInvalidExit(utxoPos: bigint): Promise<Sent>
  finalizeExits(token: Address, max?: bigint): Promise<Sent & { finalized: readonly bigint[] }>
  withdraw(token: Address): Promise<Sent>
  withdrawFees(token: Address): Promise<Sent>
  proveFraud(proof: FraudProof): Promise<Sent>
  relayRoot(sourceChainId: bigint, sourceContract: Address, blknum: bigint, root: Hex): Promise<Sent>

  withdrawable(owner: Address, token: Address): Promise<bigint>
  operatorFees(operator: Address, token: Address): Promise<bigint>
  operator(address: Address): Promise<{ bond: bigint; active: boolean; frozen: boolean; frozenAtBlock: bigint }>
  exit(utxoPos: bigint): Promise<{ owner: Address; token: Address; amount: bigint; bond: bigint }>
  invalidTx(txPos: bigint): Promise<boolean>
  relayedRoot(sourceChainId: bigint, sourceContract: Address, blknum: bigint): Promise<{ root: Hex; relayer: Address }>
  params(): Promise<{ operatorBond: bigint; exitBond: bigint; challengePeriod: bigint; feeBasisPoints: bigint }>
}
