// Ethereum JSON-RPC value formats: quantities, data, blocks, transactions, receipts, logs.
import type { Block } from '@atmosphere/interfaces'
import { keccak_256 as keccak } from '@noble/hashes/sha3.js'
import type { DecodedTransaction } from './family.js'
import { hex } from './layout.js'
import type { BlockInfo, PositionedLog, TransactionInfo } from './node.js'

export const q = (n: bigint | number): string => `0x${n.toString(16)}`
export const data = (b: Uint8Array): string => `0x${hex(b)}`
const ZERO32 = `0x${'0'.repeat(64)}`
const EMPTY_UNCLES = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347'
const EMPTY_TRIE = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421'

export const blockHash = (b: Block): string => `0x${b.id}`

export function formatTransaction(
  d: DecodedTransaction,
  at?: { block: Block; index: number },
): Record<string, unknown> {
  const tx = d.tx
  const t = tx as unknown as Record<string, unknown>
  const out: Record<string, unknown> = {
    hash: `0x${d.hashHex}`,
    nonce: q(tx.nonce),
    blockHash: at === undefined ? null : blockHash(at.block),
    blockNumber: at === undefined ? null : q(at.block.header.height),
    transactionIndex: at === undefined ? null : q(at.index),
    from: d.sender.toString(),
    to: tx.to === undefined ? null : tx.to.toString(),
    value: q(tx.value),
    gas: q(tx.gasLimit),
    input: data(tx.data),
    type: q(tx.type),
    v: q(tx.v ?? 0n),
    r: q(tx.r ?? 0n),
    s: q(tx.s ?? 0n),
  }
  if (tx.type === 0) {
    out.gasPrice = q(t.gasPrice as bigint)
    if (tx.supports(155)) out.chainId = q(tx.common.chainId())
  } else {
    out.chainId = q(t.chainId as bigint)
    out.yParity = q(tx.v ?? 0n)
    out.accessList = ((t.accessList as [Uint8Array, Uint8Array[]][]) ?? []).map(([a, keys]) => ({
      address: data(a),
      storageKeys: keys.map(data),
    }))
    if (tx.type === 1) out.gasPrice = q(t.gasPrice as bigint)
    else {
      const maxFee = t.maxFeePerGas as bigint
      const tip = t.maxPriorityFeePerGas as bigint
      out.maxFeePerGas = q(maxFee)
      out.maxPriorityFeePerGas = q(tip)
      out.gasPrice = q(tip < maxFee ? tip : maxFee)
    }
  }
  return out
}

export function formatLog(p: PositionedLog, removed = false): Record<string, unknown> {
  const [address, topics, d] = p.log
  return {
    address: data(address),
    topics: topics.map(data),
    data: data(d),
    blockNumber: q(p.block.header.height),
    blockHash: blockHash(p.block),
    blockTimestamp: q(Math.floor(p.block.header.timestamp / 1000)),
    transactionHash: `0x${p.transaction.decoded.hashHex}`,
    transactionIndex: q(p.transaction.index),
    logIndex: q(p.logIndex),
    removed,
  }
}

export function formatReceipt(t: TransactionInfo): Record<string, unknown> {
  const tx = t.decoded.tx
  return {
    transactionHash: `0x${t.decoded.hashHex}`,
    transactionIndex: q(t.index),
    blockHash: blockHash(t.block),
    blockNumber: q(t.block.header.height),
    from: t.decoded.sender.toString(),
    to: tx.to === undefined ? null : tx.to.toString(),
    cumulativeGasUsed: q(t.cumulativeGasUsed),
    gasUsed: q(t.receipt.gasUsed),
    effectiveGasPrice: '0x0',
    contractAddress: t.receipt.contractAddress === undefined ? null : data(t.receipt.contractAddress),
    logs: t.receipt.logs.map((log, i) =>
      formatLog({ log, block: t.block, transaction: t, logIndex: t.firstLogIndex + i }),
    ),
    logsBloom: data(receiptBloom(t)),
    status: q(t.receipt.status),
    type: q(tx.type),
  }
}

function receiptBloom(t: TransactionInfo): Uint8Array {
  // Receipt blooms are rarely read; the block bloom covers filters. Recomputed on demand.
  const bloom = new Uint8Array(256)
  for (const [a, topics] of t.receipt.logs) {
    for (const v of [a, ...topics]) {
      const h = keccak(v)
      for (let i = 0; i < 6; i += 2) {
        const bit = ((h[i]! << 8) | h[i + 1]!) & 2047
        bloom[255 - (bit >> 3)]! |= 1 << (bit & 7)
      }
    }
  }
  return bloom
}

export function formatBlock(
  info: BlockInfo,
  full: boolean,
  miner: string,
  gasLimit = 30_000_000n,
): Record<string, unknown> {
  const b = info.block
  const h = b.header
  return {
    number: q(h.height),
    hash: blockHash(b),
    parentHash: h.height === 0n ? ZERO32 : `0x${h.parentId}`,
    nonce: '0x0000000000000000',
    mixHash: ZERO32,
    sha3Uncles: EMPTY_UNCLES,
    logsBloom: data(info.logsBloom),
    transactionsRoot:
      info.transactions.length === 0 ? EMPTY_TRIE : data(keccak(new TextEncoder().encode(h.batchIds.join('')))),
    stateRoot: data(h.stateRoot),
    receiptsRoot: EMPTY_TRIE,
    miner,
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: '0x',
    size: q(1000 + info.transactions.reduce((s, t) => s + t.decoded.tx.serialize().length, 0)),
    gasLimit: q(gasLimit),
    gasUsed: q(info.gasUsed),
    timestamp: q(Math.floor(h.timestamp / 1000)),
    baseFeePerGas: '0x0',
    transactions: full
      ? info.transactions.map((t) => formatTransaction(t.decoded, { block: b, index: t.index }))
      : info.transactions.map((t) => `0x${t.decoded.hashHex}`),
    uncles: [],
  }
}
