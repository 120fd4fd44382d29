// The child chain's state machine: the UTXO set, transaction validation, block building and
// the application of blocks built by others. The operator and every watcher run it; a
// watcher turns each rule a block breaks into the fraud proof the root contract accepts.
import { InvalidTransactionError } from './errors.js'
import { MerkleTree } from './merkle.js'
import { CHILD_BLOCK_INTERVAL, decodePosition, encodePosition, MAX_TXS_PER_BLOCK } from './position.js'
import { nobleRecoverer, type SignatureRecoverer } from './recoverer.js'
import { type Address, ETH, leafOf, type Output, type SignedTransaction } from './transaction.js'

/** Where an output came from: a deposit, or output `oindex` of an included transaction. */
export type OutputOrigin =
  | { readonly kind: 'deposit'; readonly blknum: bigint; readonly output: Output }
  | { readonly kind: 'tx'; readonly blknum: bigint; readonly txindex: number; readonly output: Output }

/** A child block: its number (once submitted), transactions and Merkle tree. */
export interface ChildBlock {
  readonly blknum: bigint
  readonly transactions: readonly SignedTransaction[]
  readonly tree: MerkleTree
  readonly root: Uint8Array
}

/** A rule a transaction broke, located, with everything a fraud proof needs. */
export interface Violation {
  readonly error: InvalidTransactionError
  readonly inputIndex?: 0 | 1
  /** For double spends: where the output was spent first. */
  readonly firstSpend?: { readonly blknum: bigint; readonly txindex: number; readonly inputIndex: 0 | 1 }
}

export const blockRoot = (txs: readonly SignedTransaction[]): MerkleTree => new MerkleTree(txs.map(leafOf))

/**
 * Checks one transaction against the UTXO set. Returns undefined when valid. `signers` are
 * the recovered signers of the two inputs.
 */
export function findViolation(
  s: SignedTransaction,
  signers: readonly [Address | undefined, Address | undefined],
  lookup: (pos: bigint) => Output | undefined,
  spentAt: (pos: bigint) => Violation['firstSpend'] | undefined,
): Violation | undefined {
  const [in0, in1] = s.tx.inputs
  if (in0 === 0n && in1 === 0n)
    return { error: new InvalidTransactionError('no-inputs', 'a transaction spends at least one output') }
  if (in0 === in1) {
    return { error: new InvalidTransactionError('duplicate-input', `both inputs spend ${in0}`, in0), inputIndex: 1 }
  }
  const totals = new Map<Address, bigint>()
  for (const i of [0, 1] as const) {
    const pos = s.tx.inputs[i]
    if (pos === 0n) continue
    const out = lookup(pos)
    if (!out) {
      const first = spentAt(pos)
      if (first) {
        return {
          error: new InvalidTransactionError('input-already-spent', `input ${i} (${pos}) was already spent`, pos),
          inputIndex: i,
          firstSpend: first,
        }
      }
      return {
        error: new InvalidTransactionError('unknown-input', `input ${i} (${pos}) does not exist`, pos),
        inputIndex: i,
      }
    }
    if (signers[i] !== out.owner) {
      return {
        error: new InvalidTransactionError(
          'bad-signature',
          `input ${i} is owned by ${out.owner}, signed by ${signers[i] ?? 'nobody'}`,
          pos,
        ),
        inputIndex: i,
      }
    }
    totals.set(out.token, (totals.get(out.token) ?? 0n) + out.amount)
  }
  const outs = new Map<Address, bigint>()
  for (const [o, out] of s.tx.outputs.entries()) {
    if (out.amount === 0n) {
      if (out.owner !== ETH || out.token !== ETH) {
        return { error: new InvalidTransactionError('bad-output', `output ${o} has amount 0 but an owner or token`) }
      }
      continue
    }
    if (out.owner === ETH)
      return { error: new InvalidTransactionError('bad-output', `output ${o} pays the zero address`) }
    outs.set(out.token, (outs.get(out.token) ?? 0n) + out.amount)
  }
  for (const token of new Set([...totals.keys(), ...outs.keys()])) {
    const a = totals.get(token) ?? 0n
    const b = outs.get(token) ?? 0n
    if (a !== b) {
      return {
        error: new InvalidTransactionError('value-not-conserved', `token ${token}: inputs ${a}, outputs ${b}`, token),
      }
    }
  }
  return undefined
}

export interface ChildChainOptions {
  readonly recoverer?: SignatureRecoverer
  /** Number the next child block will get if submitted now (the contract's currentChildBlock). */
  readonly nextBlknum?: bigint
}

/** UTXO set plus the operator's pending block. */
export class ChildChain {
  /** Unspent outputs by position. */
  readonly utxos = new Map<bigint, Output>()
  /** Every output ever created, by position (for proofs about spent outputs). */
  readonly origins = new Map<bigint, OutputOrigin>()
  /** Where each spent output was spent (in an included transaction). */
  readonly spentBy = new Map<bigint, { blknum: bigint; txindex: number; inputIndex: 0 | 1 }>()
  readonly blocks = new Map<bigint, ChildBlock>()
  private readonly recoverer: SignatureRecoverer
  private pending: SignedTransaction[] = []
  /** Leaves of the pending transactions, when the recoverer hashed them already. */
  private pendingLeaves: Array<Uint8Array | undefined> = []
  private readonly pendingSpent = new Set<bigint>()
  nextBlknum: bigint

  constructor(options: ChildChainOptions = {}) {
    this.recoverer = options.recoverer ?? nobleRecoverer()
    this.nextBlknum = options.nextBlknum ?? CHILD_BLOCK_INTERVAL
  }

  get pendingCount(): number {
    return this.pending.length
  }

  addDeposit(blknum: bigint, output: Output): bigint {
    const pos = encodePosition({ blknum, txindex: 0, oindex: 0 })
    this.utxos.set(pos, output)
    this.origins.set(pos, { kind: 'deposit', blknum, output })
    return pos
  }

  /** Unspent outputs owned by `owner`, not already spent by a pending transaction. */
  utxosOf(owner: Address): Array<{ pos: bigint; output: Output }> {
    const out: Array<{ pos: bigint; output: Output }> = []
    for (const [pos, output] of this.utxos)
      if (output.owner === owner && !this.pendingSpent.has(pos)) out.push({ pos, output })
    return out
  }

  private lookupForPending = (pos: bigint): Output | undefined =>
    this.pendingSpent.has(pos) ? undefined : this.utxos.get(pos)
  private spentAt = (pos: bigint) => this.spentBy.get(pos)

  /**
   * Validates transactions (signatures recovered in one batch) and queues the valid ones
   * for the next block. Returns, per transaction, undefined or the rule it broke.
   */
  async submit(txs: readonly SignedTransaction[]): Promise<Array<InvalidTransactionError | undefined>> {
    const { signers, leaves } = this.recoverer.recoverAndHash
      ? await this.recoverer.recoverAndHash(txs)
      : { signers: await this.recoverer.recoverInputs(txs), leaves: [] as Uint8Array[] }
    return txs.map((s, i) => {
      if (this.pending.length >= MAX_TXS_PER_BLOCK) {
        return new InvalidTransactionError('bad-output', `the pending block is full (${MAX_TXS_PER_BLOCK})`)
      }
      const v = findViolation(
        s,
        signers[i] as [Address | undefined, Address | undefined],
        this.lookupForPending,
        this.spentAt,
      )
      if (v) {
        // A pending spend is reported as such, not as an unknown output.
        const pos = v.error.value
        if (v.error.rule === 'unknown-input' && typeof pos === 'bigint' && this.pendingSpent.has(pos)) {
          return new InvalidTransactionError(
            'input-already-spent',
            `input ${v.inputIndex} (${pos}) is spent by a pending transaction`,
            pos,
          )
        }
        return v.error
      }
      for (const pos of s.tx.inputs) if (pos !== 0n) this.pendingSpent.add(pos)
      this.pending.push(s)
      this.pendingLeaves.push(leaves[i])
      return undefined
    })
  }

  /** Seals the pending transactions into a block (not yet numbered). */
  buildBlock(): { transactions: readonly SignedTransaction[]; root: Uint8Array; tree: MerkleTree } {
    const transactions = this.pending
    const tree = new MerkleTree(transactions.map((s, i) => this.pendingLeaves[i] ?? leafOf(s)))
    return { transactions, root: tree.root, tree }
  }

  /** The built block was submitted as `blknum`: its outputs become spendable. */
  commitBuiltBlock(
    blknum: bigint,
    built: { transactions: readonly SignedTransaction[]; tree: MerkleTree },
  ): ChildBlock {
    if (built.transactions !== this.pending)
      throw new Error('commitBuiltBlock: the pending block changed since buildBlock')
    this.pending = []
    this.pendingLeaves = []
    this.pendingSpent.clear()
    return this.applyValidBlock(blknum, built.transactions, built.tree)
  }

  /**
   * Applies a block someone else built, checking every transaction. Returns the first
   * violation (and its index) if the block is invalid; valid transactions before it are applied.
   */
  async applyBlock(
    blknum: bigint,
    transactions: readonly SignedTransaction[],
  ): Promise<{ block: ChildBlock; violation?: Violation & { txindex: number } }> {
    const tree = blockRoot(transactions)
    const signers = await this.recoverer.recoverInputs(transactions)
    const block: ChildBlock = { blknum, transactions, tree, root: tree.root }
    this.blocks.set(blknum, block)
    for (const [txindex, s] of transactions.entries()) {
      const v = findViolation(
        s,
        signers[txindex] as [Address | undefined, Address | undefined],
        (p) => this.utxos.get(p),
        this.spentAt,
      )
      if (v) {
        const firstSpend =
          v.error.rule === 'duplicate-input' ? { blknum, txindex, inputIndex: 0 as const } : v.firstSpend
        return { block, violation: { ...v, ...(firstSpend ? { firstSpend } : {}), txindex } }
      }
      this.applyTx(blknum, txindex, s)
    }
    if (blknum >= this.nextBlknum) this.nextBlknum = blknum + CHILD_BLOCK_INTERVAL
    return { block }
  }

  private applyValidBlock(blknum: bigint, transactions: readonly SignedTransaction[], tree: MerkleTree): ChildBlock {
    const block: ChildBlock = { blknum, transactions, tree, root: tree.root }
    this.blocks.set(blknum, block)
    for (const [txindex, s] of transactions.entries()) this.applyTx(blknum, txindex, s)
    if (blknum >= this.nextBlknum) this.nextBlknum = blknum + CHILD_BLOCK_INTERVAL
    return block
  }

  private applyTx(blknum: bigint, txindex: number, s: SignedTransaction): void {
    for (const i of [0, 1] as const) {
      const pos = s.tx.inputs[i]
      if (pos === 0n) continue
      this.utxos.delete(pos)
      this.spentBy.set(pos, { blknum, txindex, inputIndex: i })
    }
    for (const oindex of [0, 1] as const) {
      const output = s.tx.outputs[oindex]
      if (output.amount === 0n) continue
      const pos = encodePosition({ blknum, txindex, oindex })
      this.utxos.set(pos, output)
      this.origins.set(pos, { kind: 'tx', blknum, txindex, output })
    }
  }

  /** The included transaction at a position's (blknum, txindex), with its proof. */
  included(blknum: bigint, txindex: number) {
    const block = this.blocks.get(blknum)
    const s = block?.transactions[txindex]
    if (!block || !s) return undefined
    return { blknum, txindex, txBytes: s.txBytes, sigs: s.sigs, proof: block.tree.proof(txindex), signed: s }
  }

  /** The origin of the output a position names, if it ever existed. */
  origin(pos: bigint): OutputOrigin | undefined {
    const o = this.origins.get(pos)
    if (o) return o
    const { blknum, txindex, oindex } = decodePosition(pos)
    const s = this.blocks.get(blknum)?.transactions[txindex]
    if (!s || oindex > 1) return undefined
    return { kind: 'tx', blknum, txindex, output: s.tx.outputs[oindex as 0 | 1] }
  }
}
