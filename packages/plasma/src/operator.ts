// A master node's operator loop: bonds, follows deposits, accepts transactions into the
// child chain, submits block roots to the root contract and serves block contents.
import { type BlockSource, encodeBlock } from './block-codec.js'
import { blockRoot, ChildChain, type ChildChainOptions, type SubmitError } from './child-chain.js'
import type { RootChain } from './root-chain.js'
import type { SignedTransaction } from './transaction.js'

export interface OperatorOptions extends ChildChainOptions {
  readonly rootChain: RootChain
  /** First root-chain block to read events from. */
  readonly fromBlock?: bigint
  /** Blocks this operator refuses to serve (to test withholding); default none. */
  readonly withhold?: (blknum: bigint) => boolean
}

export class Operator implements BlockSource {
  readonly chain: ChildChain
  readonly rootChain: RootChain
  private nextEventBlock: bigint
  private readonly served = new Map<bigint, Uint8Array>()
  private readonly withhold: (blknum: bigint) => boolean

  constructor(options: OperatorOptions) {
    this.chain = new ChildChain(options)
    this.rootChain = options.rootChain
    this.nextEventBlock = options.fromBlock ?? 0n
    this.withhold = options.withhold ?? (() => false)
  }

  /** Reads new deposits (and blocks of other master nodes are the watcher's job). */
  async syncDeposits(): Promise<number> {
    const ev = await this.rootChain.events(this.nextEventBlock)
    this.nextEventBlock = ev.toBlock + 1n
    for (const d of ev.deposits) this.chain.addDeposit(d.blknum, { owner: d.owner, token: d.token, amount: d.amount })
    return ev.deposits.length
  }

  /** Validates and queues transactions; per transaction undefined (accepted) or the rule broken. */
  submit(txs: readonly SignedTransaction[]): Promise<Array<SubmitError | undefined>> {
    return this.chain.submit(txs)
  }

  /** The same for signed transactions as received (386 bytes each, back to back). */
  submitEncoded(wire: Uint8Array): Promise<Array<SubmitError | undefined>> {
    return this.chain.submitEncoded(wire)
  }

  /** Submits the pending transactions as a block; returns its number and the gas used. */
  async publishBlock(): Promise<{ blknum: bigint; transactions: number; gasUsed: bigint }> {
    const built = this.chain.buildBlock()
    const { blknum, gasUsed } = await this.rootChain.submitBlock(built.root)
    const block = this.chain.commitBuiltBlock(blknum, built)
    this.served.set(blknum, encodeBlock(block.transactions))
    return { blknum, transactions: block.transactions.length, gasUsed }
  }

  /** Publishes an arbitrary (possibly invalid) list of transactions; for fraud tests and demos. */
  async publishRaw(transactions: readonly SignedTransaction[]): Promise<bigint> {
    const tree = blockRoot(transactions)
    const { blknum } = await this.rootChain.submitBlock(tree.root)
    this.served.set(blknum, encodeBlock(transactions))
    return blknum
  }

  async getBlock(blknum: bigint): Promise<Uint8Array | undefined> {
    return this.withhold(blknum) ? undefined : this.served.get(blknum)
  }
}
