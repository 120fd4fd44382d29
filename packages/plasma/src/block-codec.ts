// How an operator serves a block's transactions to watchers: a 4-byte big-endian count,
// then each signed transaction (tx ‖ sigs, 386 bytes).
import { MalformedDataError } from './errors.js'
import { MAX_TXS_PER_BLOCK } from './position.js'
import {
  decodeSignedTransaction,
  encodeSignedTransaction,
  SIGS_LENGTH,
  type SignedTransaction,
  TX_LENGTH,
} from './transaction.js'

const ITEM = TX_LENGTH + SIGS_LENGTH

export function encodeBlock(txs: readonly SignedTransaction[]): Uint8Array {
  const out = new Uint8Array(4 + ITEM * txs.length)
  new DataView(out.buffer).setUint32(0, txs.length)
  for (const [i, s] of txs.entries()) out.set(encodeSignedTransaction(s), 4 + i * ITEM)
  return out
}

export function decodeBlock(bytes: Uint8Array): SignedTransaction[] {
  if (bytes.length < 4) throw new MalformedDataError('block', 'count', 0, '4 bytes', `${bytes.length} bytes`)
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
  if (n > MAX_TXS_PER_BLOCK) throw new MalformedDataError('block', 'count', 0, `≤ ${MAX_TXS_PER_BLOCK}`, String(n))
  if (bytes.length !== 4 + n * ITEM) {
    throw new MalformedDataError(
      'block',
      'length',
      0,
      `${4 + n * ITEM} bytes for ${n} transactions`,
      `${bytes.length} bytes`,
    )
  }
  const out: SignedTransaction[] = []
  for (let i = 0; i < n; i++) {
    try {
      out.push(decodeSignedTransaction(bytes.subarray(4 + i * ITEM, 4 + (i + 1) * ITEM)))
    } catch (cause) {
      if (cause instanceof MalformedDataError) {
        throw new MalformedDataError(
          'block',
          `transaction ${i}: ${cause.field}`,
          4 + i * ITEM + cause.offset,
          cause.expected,
          cause.actual,
        )
      }
      throw cause
    }
  }
  return out
}

/** Where watchers get block contents: the operator's API, or an in-process map in tests. */
export interface BlockSource {
  /** The encoded block, or undefined if the operator does not serve it (withholding). */
  getBlock(blknum: bigint): Promise<Uint8Array | undefined>
}
