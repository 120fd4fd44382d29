// Canonical byte encodings of transactions, batches and blocks (RLP lists, after Sawtooth's
// protobuf messages), the bytes that signatures cover, and their typed decoders.
import type { Batch, BatchHeader, Block, BlockHeader, Transaction, TransactionHeader } from '@atmosphere/interfaces'
import { RLP } from '@ethereumjs/rlp'
import { DecodeError } from './errors.js'
import { rlpEncode, utf8Bytes } from './rlp.js'

type Nested = Uint8Array | Nested[]

const utf8d = new TextDecoder('utf-8', { fatal: true })

export function bigintToBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError('negative')
  if (n === 0n) return new Uint8Array(0)
  let hex = n.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return hexToBytes(hex)
}

export function bytesToBigint(b: Uint8Array): bigint {
  if (b.length === 0) return 0n
  return BigInt(`0x${bytesToHex(b)}`)
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
export function bytesToHex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!]
  return s
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new DecodeError('hex', 'string', 'even-length hex', hex)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

function str(s: string): Uint8Array {
  return utf8Bytes(s)
}

function hexList(ids: readonly string[]): Uint8Array[] {
  return ids.map((id) => utf8Bytes(id))
}

export function transactionHeaderFields(h: TransactionHeader): Nested[] {
  return [
    str(h.familyName),
    str(h.familyVersion),
    h.signerPublicKey,
    h.batcherPublicKey,
    bigintToBytes(h.nonce),
    hexList(h.inputs),
    hexList(h.outputs),
    hexList(h.dependencies),
    h.payloadHash,
  ]
}

/** Bytes a transaction's signer signs. */
export function encodeTransactionHeader(h: TransactionHeader): Uint8Array {
  return rlpEncode(transactionHeaderFields(h))
}

function transactionFields(tx: Transaction): Nested[] {
  return [transactionHeaderFields(tx.header), tx.headerSignature, tx.payload, str(tx.id)]
}

export function encodeTransaction(tx: Transaction): Uint8Array {
  return rlpEncode(transactionFields(tx))
}

/** Bytes a batch's signer signs. */
export function encodeBatchHeader(h: BatchHeader): Uint8Array {
  return rlpEncode([h.signerPublicKey, hexList(h.transactionIds)])
}

function batchFields(b: Batch): Nested[] {
  return [
    [b.header.signerPublicKey, hexList(b.header.transactionIds)],
    b.headerSignature,
    b.transactions.map(transactionFields),
    str(b.id),
  ]
}

export function encodeBatch(b: Batch): Uint8Array {
  return rlpEncode(batchFields(b))
}

function blockHeaderFields(h: BlockHeader): Nested[] {
  return [
    bigintToBytes(h.height),
    str(h.parentId),
    h.stateRoot,
    hexList(h.batchIds),
    h.consensus,
    h.signerPublicKey,
    bigintToBytes(BigInt(h.timestamp)),
  ]
}

/** Bytes a block's publisher signs. */
export function encodeBlockHeader(h: BlockHeader): Uint8Array {
  return rlpEncode(blockHeaderFields(h))
}

export function encodeBlock(b: Block): Uint8Array {
  return rlpEncode([blockHeaderFields(b.header), b.headerSignature, b.batches.map(batchFields), str(b.id)])
}

// --- decoding -------------------------------------------------------------------------

function list(v: Nested | undefined, structure: string, field: string, length?: number): Nested[] {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
    throw new DecodeError(structure, field, length === undefined ? 'a list' : `a list of ${length}`, v)
  }
  return v
}

function bytes(v: Nested | undefined, structure: string, field: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new DecodeError(structure, field, 'bytes', v)
  return v
}

function text(v: Nested | undefined, structure: string, field: string): string {
  const b = bytes(v, structure, field)
  try {
    return utf8d.decode(b)
  } catch (cause) {
    throw new DecodeError(structure, field, 'UTF-8 text', b, { cause })
  }
}

function uint(v: Nested | undefined, structure: string, field: string, maxBytes = 32): bigint {
  const b = bytes(v, structure, field)
  if (b.length > maxBytes || (b.length > 0 && b[0] === 0)) {
    throw new DecodeError(structure, field, `a minimal unsigned integer of at most ${maxBytes} bytes`, b)
  }
  return bytesToBigint(b)
}

function texts(v: Nested | undefined, structure: string, field: string): string[] {
  return list(v, structure, field).map((x, i) => text(x, structure, `${field}[${i}]`))
}

function decodeTransactionFields(v: Nested | undefined, at: string): Transaction {
  const f = list(v, 'Transaction', at, 4)
  const h = list(f[0], 'TransactionHeader', `${at}.header`, 9)
  const s = 'TransactionHeader'
  const header: TransactionHeader = {
    familyName: text(h[0], s, 'familyName'),
    familyVersion: text(h[1], s, 'familyVersion'),
    signerPublicKey: bytes(h[2], s, 'signerPublicKey'),
    batcherPublicKey: bytes(h[3], s, 'batcherPublicKey'),
    nonce: uint(h[4], s, 'nonce', 8),
    inputs: texts(h[5], s, 'inputs'),
    outputs: texts(h[6], s, 'outputs'),
    dependencies: texts(h[7], s, 'dependencies'),
    payloadHash: bytes(h[8], s, 'payloadHash'),
  }
  return {
    header,
    headerSignature: bytes(f[1], 'Transaction', `${at}.headerSignature`),
    payload: bytes(f[2], 'Transaction', `${at}.payload`),
    id: text(f[3], 'Transaction', `${at}.id`),
  }
}

function decodeBatchFields(v: Nested | undefined, at: string): Batch {
  const f = list(v, 'Batch', at, 4)
  const h = list(f[0], 'BatchHeader', `${at}.header`, 2)
  return {
    header: {
      signerPublicKey: bytes(h[0], 'BatchHeader', 'signerPublicKey'),
      transactionIds: texts(h[1], 'BatchHeader', 'transactionIds'),
    },
    headerSignature: bytes(f[1], 'Batch', `${at}.headerSignature`),
    transactions: list(f[2], 'Batch', `${at}.transactions`).map((t, i) =>
      decodeTransactionFields(t, `${at}.transactions[${i}]`),
    ),
    id: text(f[3], 'Batch', `${at}.id`),
  }
}

function rlpDecode(data: Uint8Array, structure: string): Nested {
  try {
    return RLP.decode(data) as Nested
  } catch (cause) {
    throw new DecodeError(structure, '(rlp)', 'well-formed RLP', data, { cause })
  }
}

export function decodeTransaction(data: Uint8Array): Transaction {
  return decodeTransactionFields(rlpDecode(data, 'Transaction'), 'transaction')
}

export function decodeBatch(data: Uint8Array): Batch {
  return decodeBatchFields(rlpDecode(data, 'Batch'), 'batch')
}

export function decodeBlock(data: Uint8Array): Block {
  const f = list(rlpDecode(data, 'Block'), 'Block', 'block', 4)
  const h = list(f[0], 'BlockHeader', 'header', 7)
  const s = 'BlockHeader'
  const ts = uint(h[6], s, 'timestamp', 7)
  const header: BlockHeader = {
    height: uint(h[0], s, 'height', 8),
    parentId: text(h[1], s, 'parentId'),
    stateRoot: bytes(h[2], s, 'stateRoot'),
    batchIds: texts(h[3], s, 'batchIds'),
    consensus: bytes(h[4], s, 'consensus'),
    signerPublicKey: bytes(h[5], s, 'signerPublicKey'),
    timestamp: Number(ts),
  }
  return {
    header,
    headerSignature: bytes(f[1], 'Block', 'headerSignature'),
    batches: list(f[2], 'Block', 'batches').map((b, i) => decodeBatchFields(b, `batches[${i}]`)),
    id: text(f[3], 'Block', 'id'),
  }
}
