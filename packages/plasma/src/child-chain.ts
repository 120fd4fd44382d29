// The child chain's state machine: the UTXO set, transaction validation, block building and
// the application of blocks built by others. The operator and every watcher run it; a
// watcher turns each rule a block breaks into the fraud proof the root contract accepts.
import { keccak_256 } from '@noble/hashes/sha3.js'
import { BlockFullError, InvalidTransactionError, MalformedDataError } from './errors.js'
import { type Keccak256, MerkleTree } from './merkle.js'
import { CHILD_BLOCK_INTERVAL, decodePosition, encodePosition, MAX_TXS_PER_BLOCK } from './position.js'
import { nobleRecoverer, type SignatureRecoverer } from './recoverer.js'
import {
  type Address,
  addressFromBytes,
  decodeTransaction,
  decodeTransactionFast,
  ETH,
  encodeSignedTransaction,
  type Output,
  SIGS_LENGTH,
  type SignedTransaction,
  TX_LENGTH,
} from './transaction.js'

const WIRE_ITEM = TX_LENGTH + SIGS_LENGTH
const INPUT_INDEXES = [0, 1] as const

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

export const blockRoot = (txs: readonly SignedTransaction[], hash: Keccak256 = keccak_256): MerkleTree =>
  new MerkleTree(
    txs.map((s) => hash(encodeSignedTransaction(s))),
    hash,
  )

/** Why a submitted transaction was refused. */
export type SubmitError = InvalidTransactionError | BlockFullError

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
  // Per-token sums in first-seen order (input tokens, then output tokens): at most 4
  // tokens, so flat arrays instead of Maps (the operator's hot path).
  const tokens: Address[] = []
  const ins: bigint[] = []
  const outs: bigint[] = []
  const slot = (token: Address): number => {
    let k = tokens.indexOf(token)
    if (k < 0) {
      k = tokens.push(token) - 1
      ins.push(0n)
      outs.push(0n)
    }
    return k
  }
  for (const i of INPUT_INDEXES) {
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
    const k = slot(out.token)
    ins[k] = (ins[k] as bigint) + out.amount
  }
  for (let o = 0; o < 2; o++) {
    const out = s.tx.outputs[o as 0 | 1]
    if (out.amount === 0n) {
      if (out.owner !== ETH || out.token !== ETH) {
        return { error: new InvalidTransactionError('bad-output', `output ${o} has amount 0 but an owner or token`) }
      }
      continue
    }
    if (out.owner === ETH)
      return { error: new InvalidTransactionError('bad-output', `output ${o} pays the zero address`) }
    const k = slot(out.token)
    outs[k] = (outs[k] as bigint) + out.amount
  }
  for (let k = 0; k < tokens.length; k++) {
    const a = ins[k] as bigint
    const b = outs[k] as bigint
    if (a !== b) {
      const token = tokens[k] as Address
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
  /** keccak256 for block leaves and trees; default @noble/hashes (adapters: `keccak256Wasm`). */
  readonly keccak256?: Keccak256
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
  private readonly hash: Keccak256
  private pending: SignedTransaction[] = []
  /** Leaves of the pending transactions, when the recoverer hashed them already. */
  private pendingLeaves: Array<Uint8Array | undefined> = []
  private readonly pendingSpent = new Set<bigint>()
  nextBlknum: bigint

  constructor(options: ChildChainOptions = {}) {
    this.recoverer = options.recoverer ?? nobleRecoverer()
    this.hash = options.keccak256 ?? keccak_256
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
  async submit(txs: readonly SignedTransaction[]): Promise<Array<SubmitError | undefined>> {
    const { signers, leaves } = this.recoverer.recoverAndHash
      ? await this.recoverer.recoverAndHash(txs)
      : { signers: await this.recoverer.recoverInputs(txs), leaves: [] as Uint8Array[] }
    return txs.map((s, i) => this.accept(s, signers[i] as [Address | undefined, Address | undefined], leaves[i]))
  }

  /**
   * The operator's batch path: `wire` holds signed transactions back to back (tx ‖ sigs, 386
   * bytes each, as `POST /transactions` receives them). The recoverer's `recoverEncoded`
   * (worker threads) recovers signers and hashes leaves while this thread decodes; then every
   * transaction goes through the same checks as {@link submit}. Throws MalformedDataError
   * (nothing queued) if any transaction does not decode.
   */
  async submitEncoded(wire: Uint8Array): Promise<Array<SubmitError | undefined>> {
    if (wire.length === 0 || wire.length % WIRE_ITEM !== 0) {
      throw new MalformedDataError(
        'signed transactions',
        'length',
        0,
        `a positive multiple of ${WIRE_ITEM} bytes`,
        `${wire.length} bytes`,
      )
    }
    const n = wire.length / WIRE_ITEM
    const bytes = wire.slice() // ours: the queued transactions are views of it
    if (!this.recoverer.recoverEncoded)
      return this.submit(Array.from({ length: n }, (_, k) => decodeSignedAt(bytes, k, decodeTransaction)))
    const recovered = this.recoverer.recoverEncoded(bytes, n)
    let txs: SignedTransaction[]
    try {
      txs = Array.from({ length: n }, (_, k) => decodeSignedAt(bytes, k, decodeTransactionFast))
    } catch (err) {
      recovered.catch(() => {})
      throw err
    }
    const out = await recovered
    const signer = (k: number, i: number): Address | undefined => {
      const at = 72 * k + 20 * i
      for (let b = at; b < at + 20; b++) if (out[b] !== 0) return addressFromBytes(out, at)
      return undefined
    }
    return txs.map((s, k) => this.accept(s, [signer(k, 0), signer(k, 1)], out.subarray(72 * k + 40, 72 * k + 72)))
  }

  /** Checks one transaction with its recovered signers and queues it if valid. */
  private accept(
    s: SignedTransaction,
    signers: readonly [Address | undefined, Address | undefined],
    leaf: Uint8Array | undefined,
  ): SubmitError | undefined {
    if (this.pending.length >= MAX_TXS_PER_BLOCK) return new BlockFullError(MAX_TXS_PER_BLOCK)
    const v = findViolation(s, signers, this.lookupForPending, this.spentAt)
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
    this.pendingLeaves.push(leaf)
    return undefined
  }

  /** Seals the pending transactions into a block (not yet numbered). */
  buildBlock(): { transactions: readonly SignedTransaction[]; root: Uint8Array; tree: MerkleTree } {
    const transactions = this.pending
    const tree = new MerkleTree(
      transactions.map((s, i) => this.pendingLeaves[i] ?? this.hash(encodeSignedTransaction(s))),
      this.hash,
    )
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
    const tree = blockRoot(transactions, this.hash)
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

/** Signed transaction `k` of a wire batch: views of `bytes`, errors located in the batch. */
function decodeSignedAt(
  bytes: Uint8Array,
  k: number,
  decode: (txBytes: Uint8Array) => SignedTransaction['tx'],
): SignedTransaction {
  const at = WIRE_ITEM * k
  const txBytes = bytes.subarray(at, at + TX_LENGTH)
  try {
    return { tx: decode(txBytes), txBytes, sigs: bytes.subarray(at + TX_LENGTH, at + WIRE_ITEM) }
  } catch (cause) {
    if (cause instanceof MalformedDataError) {
      throw new MalformedDataError(
        'signed transactions',
        `transaction ${k}: ${cause.field}`,
        at + cause.offset,
        cause.expected,
        cause.actual,
      )
    }
    throw cause
  }
}
