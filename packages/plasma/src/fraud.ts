// Turns a violation a watcher found into the call of the root contract's fraud-evidence
// endpoint that proves it (docs/plasma.md#fraud-evidence). Violations the contract cannot
// judge (an output that burns value, a non-canonical empty output) yield undefined.
import type { ChildChain, Violation } from './child-chain.js'
import { decodePosition, isDepositBlock, TREE_DEPTH } from './position.js'
import { type Hex, toHex } from './root-chain.js'
import { type Address, ETH, type SignedTransaction } from './transaction.js'

/** The contract's IncludedTx struct. */
export interface IncludedTxArg {
  readonly blknum: bigint
  readonly txindex: bigint
  readonly txBytes: Hex
  readonly sigs: Hex
  readonly proof: Hex
}

/** The contract's OutputSource struct. */
export interface OutputSourceArg {
  readonly isDeposit: boolean
  readonly depositOwner: Address
  readonly depositToken: Address
  readonly depositAmount: bigint
  readonly tx: IncludedTxArg
}

export type FraudProof =
  | { readonly method: 'proveDoubleSpend'; readonly args: readonly [IncludedTxArg, bigint, IncludedTxArg, bigint] }
  | { readonly method: 'proveInvalidSignature'; readonly args: readonly [IncludedTxArg, bigint, OutputSourceArg] }
  | { readonly method: 'proveNonExistentInput'; readonly args: readonly [IncludedTxArg, bigint, Hex] }
  | { readonly method: 'proveUnusedOutputSpend'; readonly args: readonly [IncludedTxArg, bigint, IncludedTxArg] }
  | { readonly method: 'proveValueCreation'; readonly args: readonly [IncludedTxArg, OutputSourceArg, OutputSourceArg] }

const EMPTY_INCLUDED: IncludedTxArg = { blknum: 0n, txindex: 0n, txBytes: '0x', sigs: '0x', proof: '0x' }
const NO_SOURCE: OutputSourceArg = {
  isDeposit: false,
  depositOwner: ETH,
  depositToken: ETH,
  depositAmount: 0n,
  tx: EMPTY_INCLUDED,
}

export function includedArg(chain: ChildChain, blknum: bigint, txindex: number): IncludedTxArg {
  const inc = chain.included(blknum, txindex)
  if (!inc) throw new Error(`no transaction ${txindex} in known block ${blknum}`)
  return {
    blknum,
    txindex: BigInt(txindex),
    txBytes: toHex(inc.txBytes),
    sigs: toHex(inc.sigs),
    proof: toHex(inc.proof),
  }
}

function sourceArg(chain: ChildChain, pos: bigint): OutputSourceArg | undefined {
  if (pos === 0n) return NO_SOURCE
  const origin = chain.origin(pos)
  if (!origin) return undefined
  if (origin.kind === 'deposit') {
    return {
      isDeposit: true,
      depositOwner: origin.output.owner,
      depositToken: origin.output.token,
      depositAmount: origin.output.amount,
      tx: EMPTY_INCLUDED,
    }
  }
  return { ...NO_SOURCE, tx: includedArg(chain, origin.blknum, origin.txindex) }
}

function createsValue(chain: ChildChain, s: SignedTransaction): boolean {
  const inputs = new Map<Address, bigint>()
  for (const pos of s.tx.inputs) {
    const o = pos === 0n ? undefined : chain.origin(pos)?.output
    if (o) inputs.set(o.token, (inputs.get(o.token) ?? 0n) + o.amount)
  }
  const outputs = new Map<Address, bigint>()
  for (const o of s.tx.outputs) outputs.set(o.token, (outputs.get(o.token) ?? 0n) + o.amount)
  return [...outputs].some(([token, amount]) => amount > (inputs.get(token) ?? 0n))
}

/** The fraud proof for a violation found in block `blknum` (already applied to `chain` up to it). */
export function fraudProofFor(
  chain: ChildChain,
  blknum: bigint,
  violation: Violation & { txindex: number },
): FraudProof | undefined {
  const here = includedArg(chain, blknum, violation.txindex)
  const s = chain.blocks.get(blknum)?.transactions[violation.txindex]
  if (!s) return undefined
  const i = violation.inputIndex
  switch (violation.error.rule) {
    case 'input-already-spent':
    case 'duplicate-input': {
      const first = violation.firstSpend
      if (!first || i === undefined) return undefined
      return {
        method: 'proveDoubleSpend',
        args: [includedArg(chain, first.blknum, first.txindex), BigInt(first.inputIndex), here, BigInt(i)],
      }
    }
    case 'bad-signature': {
      if (i === undefined) return undefined
      const source = sourceArg(chain, s.tx.inputs[i])
      return source ? { method: 'proveInvalidSignature', args: [here, BigInt(i), source] } : undefined
    }
    case 'unknown-input': {
      if (i === undefined) return undefined
      const pos = s.tx.inputs[i]
      const { blknum: srcBlk, txindex, oindex } = decodePosition(pos)
      const srcBlock = chain.blocks.get(srcBlk)
      const srcTx = srcBlock?.transactions[txindex]
      if (srcTx && oindex <= 1 && !isDepositBlock(srcBlk)) {
        return { method: 'proveUnusedOutputSpend', args: [here, BigInt(i), includedArg(chain, srcBlk, txindex)] }
      }
      const emptyLeaf =
        srcBlock && !srcTx && txindex < 1 << TREE_DEPTH
          ? toHex(srcBlock.tree.proof(txindex))
          : (`0x${'00'.repeat(TREE_DEPTH * 32)}` as Hex)
      return { method: 'proveNonExistentInput', args: [here, BigInt(i), emptyLeaf] }
    }
    case 'no-inputs':
    case 'value-not-conserved': {
      if (!createsValue(chain, s)) return undefined
      const a = sourceArg(chain, s.tx.inputs[0])
      const b = sourceArg(chain, s.tx.inputs[1])
      return a && b ? { method: 'proveValueCreation', args: [here, a, b] } : undefined
    }
    default:
      return undefined
  }
}
