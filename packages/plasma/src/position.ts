// UTXO positions as Plasma MVP numbers them: blknum * 1e9 + txindex * 1e4 + oindex.
// Child blocks are multiples of 1000; deposit blocks take the numbers in between.
import { MalformedDataError } from './errors.js'

export const CHILD_BLOCK_INTERVAL = 1000n
export const BLKNUM_FACTOR = 1_000_000_000n
export const TXINDEX_FACTOR = 10_000n
/** Depth of the block Merkle tree: a block holds at most 2^16 transactions. */
export const TREE_DEPTH = 16
export const MAX_TXS_PER_BLOCK = 1 << TREE_DEPTH

export interface Position {
  readonly blknum: bigint
  readonly txindex: number
  readonly oindex: number
}

export function encodePosition({ blknum, txindex, oindex }: Position): bigint {
  if (blknum < 1n) throw new MalformedDataError('position', 'blknum', 0, '≥ 1', String(blknum))
  if (!Number.isInteger(txindex) || txindex < 0 || txindex >= MAX_TXS_PER_BLOCK) {
    throw new MalformedDataError('position', 'txindex', 0, `0..${MAX_TXS_PER_BLOCK - 1}`, String(txindex))
  }
  if (oindex !== 0 && oindex !== 1) throw new MalformedDataError('position', 'oindex', 0, '0 or 1', String(oindex))
  return blknum * BLKNUM_FACTOR + BigInt(txindex) * TXINDEX_FACTOR + BigInt(oindex)
}

export function decodePosition(pos: bigint): Position {
  return {
    blknum: pos / BLKNUM_FACTOR,
    txindex: Number((pos % BLKNUM_FACTOR) / TXINDEX_FACTOR),
    oindex: Number(pos % TXINDEX_FACTOR),
  }
}

/** The position of a transaction (its output 0), used to name invalidated transactions. */
export function txPosition(blknum: bigint, txindex: number): bigint {
  return blknum * BLKNUM_FACTOR + BigInt(txindex) * TXINDEX_FACTOR
}

export const isDepositBlock = (blknum: bigint): boolean => blknum % CHILD_BLOCK_INTERVAL !== 0n
