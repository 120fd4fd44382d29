// A client that follows the root chain, fetches every child block from its operator,
// re-validates it, and reacts as Plasma MVP expects of users: prove fraud, challenge exits
// of spent outputs, and (through the wallet) exit when it sees fraud or withholding.
import { type BlockSource, decodeBlock } from './block-codec.js'
import { ChildChain, type ChildChainOptions } from './child-chain.js'
import { BlockRootMismatchError, BlockWithheldError, type PlasmaError, RootChainRevertError } from './errors.js'
import { type FraudProof, fraudProofFor, includedArg } from './fraud.js'
import { isDepositBlock, txPosition } from './position.js'
import { type Hex, type RootChain, toHex } from './root-chain.js'
import type { Address, SignedTransaction } from './transaction.js'

export type WatcherEvent =
  | { readonly type: 'deposit'; readonly blknum: bigint; readonly owner: Address; readonly amount: bigint }
  | { readonly type: 'block'; readonly blknum: bigint; readonly transactions: number }
  | { readonly type: 'halt'; readonly blknum: bigint; readonly error: PlasmaError }
  | {
      readonly type: 'fraud'
      readonly blknum: bigint
      readonly txindex: number
      readonly rule: string
      readonly proof?: FraudProof
      readonly proven: boolean
    }
  | { readonly type: 'challenged'; readonly utxoPos: bigint; readonly how: 'spent' | 'invalid-source' }

export interface WatcherOptions extends ChildChainOptions {
  readonly rootChain: RootChain
  readonly source: BlockSource
  /** Submit fraud proofs and challenges itself (default true). */
  readonly respond?: boolean
  readonly fromBlock?: bigint
}

export class Watcher {
  readonly chain: ChildChain
  private readonly rootChain: RootChain
  private readonly source: BlockSource
  private readonly respond: boolean
  private nextEventBlock: bigint
  /** Set once a block is withheld, mismatched or fraudulent: later blocks are not trusted. */
  halted: { readonly blknum: bigint; readonly error: PlasmaError } | undefined
  private readonly seenExits = new Set<bigint>()
  private readonly invalidTxs = new Set<bigint>()

  constructor(options: WatcherOptions) {
    this.chain = new ChildChain(options)
    this.rootChain = options.rootChain
    this.source = options.source
    this.respond = options.respond ?? true
    this.nextEventBlock = options.fromBlock ?? 0n
  }

  /** Processes everything new on the root chain; returns what happened. */
  async sync(): Promise<WatcherEvent[]> {
    const out: WatcherEvent[] = []
    const ev = await this.rootChain.events(this.nextEventBlock)
    this.nextEventBlock = ev.toBlock + 1n
    const items = [
      ...ev.deposits.map((d) => ({ blknum: d.blknum, deposit: d })),
      ...ev.blocks.map((b) => ({ blknum: b.blknum, block: b })),
    ].sort((a, b) => (a.blknum < b.blknum ? -1 : a.blknum > b.blknum ? 1 : 0))
    for (const item of items) {
      if ('deposit' in item && item.deposit) {
        const d = item.deposit
        this.chain.addDeposit(d.blknum, { owner: d.owner, token: d.token, amount: d.amount })
        out.push({ type: 'deposit', blknum: d.blknum, owner: d.owner, amount: d.amount })
      } else if ('block' in item && item.block && !this.halted && !isDepositBlock(item.blknum)) {
        out.push(...(await this.processBlock(item.block.blknum, item.block.root)))
      }
    }
    for (const exit of ev.exits) out.push(...(await this.checkExit(exit.utxoPos)))
    return out
  }

  private halt(blknum: bigint, error: PlasmaError): WatcherEvent {
    this.halted = { blknum, error }
    return { type: 'halt', blknum, error }
  }

  private async processBlock(blknum: bigint, root: Hex): Promise<WatcherEvent[]> {
    const bytes = await this.source.getBlock(blknum)
    if (!bytes) return [this.halt(blknum, new BlockWithheldError(blknum))]
    let txs: SignedTransaction[]
    try {
      txs = decodeBlock(bytes)
    } catch (err) {
      return [this.halt(blknum, err as PlasmaError)]
    }
    const { block, violation } = await this.chain.applyBlock(blknum, txs)
    if (toHex(block.root) !== root) {
      this.chain.blocks.delete(blknum)
      return [this.halt(blknum, new BlockRootMismatchError(blknum, root, toHex(block.root)))]
    }
    if (!violation) return [{ type: 'block', blknum, transactions: txs.length }]
    const proof = fraudProofFor(this.chain, blknum, violation)
    let proven = false
    if (proof && this.respond) {
      try {
        await this.rootChain.proveFraud(proof)
        proven = true
      } catch (err) {
        // Someone else proved it first: the goal is met.
        if (!(err instanceof RootChainRevertError && /already proven/.test(err.message))) throw err
        proven = true
      }
    }
    if (proof) this.invalidTxs.add(txPosition(blknum, violation.txindex))
    return [
      {
        type: 'fraud',
        blknum,
        txindex: violation.txindex,
        rule: violation.error.rule,
        ...(proof ? { proof } : {}),
        proven,
      },
      this.halt(blknum, violation.error),
    ]
  }

  /** Challenges an exit of an output this watcher saw spent, or whose source was proven invalid. */
  private async checkExit(utxoPos: bigint): Promise<WatcherEvent[]> {
    if (this.seenExits.has(utxoPos)) return []
    this.seenExits.add(utxoPos)
    if (!this.respond) return []
    const spend = this.chain.spentBy.get(utxoPos)
    if (spend) {
      const inc = includedArg(this.chain, spend.blknum, spend.txindex)
      const sig = `0x${inc.sigs.slice(2 + spend.inputIndex * 130, 2 + spend.inputIndex * 130 + 130)}` as Hex
      await this.rootChain.challengeExit(utxoPos, inc.txBytes, BigInt(spend.inputIndex), sig)
      return [{ type: 'challenged', utxoPos, how: 'spent' }]
    }
    const txPos = utxoPos - (utxoPos % 10_000n)
    if (this.invalidTxs.has(txPos)) {
      await this.rootChain.challengeInvalidExit(utxoPos)
      return [{ type: 'challenged', utxoPos, how: 'invalid-source' }]
    }
    return []
  }

  /**
   * Starts exits of every output `owner` holds in the last state this watcher trusts.
   * Returns the positions exited.
   */
  async exitAll(owner: Address, rootChain: RootChain = this.rootChain): Promise<bigint[]> {
    const out: bigint[] = []
    for (const { pos, output } of this.chain.utxosOf(owner)) {
      const origin = this.chain.origins.get(pos)
      if (!origin) continue
      if (origin.kind === 'deposit') await rootChain.startDepositExit(pos, output.token, output.amount)
      else {
        const inc = includedArg(this.chain, origin.blknum, origin.txindex)
        await rootChain.startExit(pos, inc.txBytes, inc.sigs, inc.proof)
      }
      out.push(pos)
    }
    return out
  }
}
