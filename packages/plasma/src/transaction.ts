// Child-chain UTXO transactions: two inputs, two outputs with a token each, 256 bytes as
// eight 32-byte words (the root contract reads them with calldata slices), and two 65-byte
// secp256k1 signatures (r, s, v) over keccak256(tx). Layout: docs/plasma.md#transactions.
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { type CustomConversion, type DeriveType, deserialize, type Layout, serialize } from 'binary-layout'
import { MalformedDataError, SignatureError } from './errors.js'

/** A 20-byte account or token address, lowercase `0x` hex. */
export type Address = `0x${string}`

export const ETH: Address = '0x0000000000000000000000000000000000000000'
export const TX_LENGTH = 256
export const SIGS_LENGTH = 130

/** An address stored in a 32-byte word: 12 zero bytes, then the address. */
const addressWord = {
  to: (word: Uint8Array): Address => {
    for (let i = 0; i < 12; i++) {
      if (word[i] !== 0)
        throw new MalformedDataError('transaction', 'address word', i, '12 leading zero bytes', bytesToHex(word))
    }
    return `0x${bytesToHex(word.subarray(12))}`
  },
  from: (address: Address): Uint8Array => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new MalformedDataError('transaction', 'address', 0, '0x and 40 hex digits', String(address))
    }
    const word = new Uint8Array(32)
    word.set(hexToBytes(address.slice(2)), 12)
    return word
  },
} as const satisfies CustomConversion<Uint8Array, Address>

const outputLayout = [
  { name: 'owner', binary: 'bytes', size: 32, custom: addressWord },
  { name: 'token', binary: 'bytes', size: 32, custom: addressWord },
  { name: 'amount', binary: 'uint', size: 32 },
] as const satisfies Layout

/** The 256-byte transaction, declared once; the Solidity contract reads the same offsets. */
export const transactionLayout = [
  { name: 'input0', binary: 'uint', size: 32 },
  { name: 'input1', binary: 'uint', size: 32 },
  { name: 'output0', binary: 'bytes', layout: outputLayout },
  { name: 'output1', binary: 'bytes', layout: outputLayout },
] as const satisfies Layout

type Wire = DeriveType<typeof transactionLayout>
export type Output = Wire['output0']

/** A transaction: input positions (0n = unused) and outputs (amount 0n = unused). */
export interface Transaction {
  readonly inputs: readonly [bigint, bigint]
  readonly outputs: readonly [Output, Output]
}

export const EMPTY_OUTPUT: Output = { owner: ETH, token: ETH, amount: 0n }

export function encodeTransaction(tx: Transaction): Uint8Array {
  for (const [i, out] of tx.outputs.entries()) {
    if (out.amount < 0n)
      throw new MalformedDataError('transaction', `output${i}.amount`, 96 * i + 128, '≥ 0', String(out.amount))
  }
  const wire: Wire = { input0: tx.inputs[0], input1: tx.inputs[1], output0: tx.outputs[0], output1: tx.outputs[1] }
  return serialize(transactionLayout, wire)
}

export function decodeTransaction(bytes: Uint8Array): Transaction {
  if (!(bytes instanceof Uint8Array))
    throw new MalformedDataError('transaction', 'bytes', 0, 'Uint8Array', typeof bytes)
  if (bytes.length !== TX_LENGTH) {
    throw new MalformedDataError('transaction', 'length', 0, `${TX_LENGTH} bytes`, `${bytes.length} bytes`)
  }
  const w = deserialize(transactionLayout, bytes)
  return { inputs: [w.input0, w.input1], outputs: [w.output0, w.output1] }
}

/** Char codes of the two lowercase hex digits of each byte value. */
const HEX_CODES = Uint16Array.from({ length: 512 }, (_, i) =>
  '0123456789abcdef'.charCodeAt(i & 1 ? (i >> 1) & 15 : i >> 5),
)
const addressChars = new Uint16Array(42).fill(0x30)
addressChars[1] = 0x78 // 'x'

/** The 20 bytes at `off` as a lowercase `0x` address, built as one flat string. */
export function addressFromBytes(bytes: Uint8Array, off = 0): Address {
  if (!(off >= 0 && off + 20 <= bytes.length))
    throw new MalformedDataError('address', 'bytes', off, '20 bytes', `${Math.max(0, bytes.length - off)} bytes`)
  for (let i = 0; i < 20; i++) {
    const b = bytes[off + i] as number
    addressChars[2 + 2 * i] = HEX_CODES[2 * b] as number
    addressChars[3 + 2 * i] = HEX_CODES[2 * b + 1] as number
  }
  return String.fromCharCode.apply(null, addressChars as unknown as number[]) as Address
}

/** A 32-byte big-endian word as a bigint (four 64-bit reads). */
function wordAt(view: DataView, off: number): bigint {
  const a = view.getBigUint64(off)
  const b = view.getBigUint64(off + 8)
  const c = view.getBigUint64(off + 16)
  const d = view.getBigUint64(off + 24)
  if (a === 0n && b === 0n && c === 0n) return d
  return (a << 192n) | (b << 128n) | (c << 64n) | d
}

function addressAt(bytes: Uint8Array, off: number): Address {
  for (let i = 0; i < 12; i++) {
    if (bytes[off + i] !== 0) {
      throw new MalformedDataError(
        'transaction',
        'address word',
        i,
        '12 leading zero bytes',
        bytesToHex(bytes.subarray(off, off + 32)),
      )
    }
  }
  return addressFromBytes(bytes, off + 12)
}

/**
 * The same transaction (or the same MalformedDataError) as {@link decodeTransaction}, read
 * straight from the fixed offsets of `transactionLayout` instead of through binary-layout's
 * generic walk: the operator's hot path. test/decode.test.ts proves both equal.
 */
export function decodeTransactionFast(bytes: Uint8Array): Transaction {
  if (!(bytes instanceof Uint8Array))
    throw new MalformedDataError('transaction', 'bytes', 0, 'Uint8Array', typeof bytes)
  if (bytes.length !== TX_LENGTH) {
    throw new MalformedDataError('transaction', 'length', 0, `${TX_LENGTH} bytes`, `${bytes.length} bytes`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, TX_LENGTH)
  const input0 = wordAt(view, 0)
  const input1 = wordAt(view, 32)
  const owner0 = addressAt(bytes, 64)
  const token0 = addressAt(bytes, 96)
  const amount0 = wordAt(view, 128)
  const owner1 = addressAt(bytes, 160)
  const token1 = addressAt(bytes, 192)
  const amount1 = wordAt(view, 224)
  return {
    inputs: [input0, input1],
    outputs: [
      { owner: owner0, token: token0, amount: amount0 },
      { owner: owner1, token: token1, amount: amount1 },
    ],
  }
}

/** The digest every input owner signs. */
export const transactionHash = (txBytes: Uint8Array): Uint8Array => keccak_256(txBytes)

/** Ethereum address of a secp256k1 public key (compressed or not). */
export function addressOf(publicKey: Uint8Array): Address {
  const point = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false)
  return `0x${bytesToHex(keccak_256(point.subarray(1)).subarray(12))}`
}

export const addressOfKey = (secretKey: Uint8Array): Address => addressOf(secp256k1.getPublicKey(secretKey, false))

/** Signs a digest as the root contract's ecrecover expects: r ‖ s ‖ v, v = 27 + recovery id, low s. */
export function signDigest(digest: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const rec = secp256k1.sign(digest, secretKey, { prehash: false, format: 'recovered' })
  const out = new Uint8Array(65)
  out.set(rec.subarray(1, 65), 0)
  out[64] = 27 + (rec[0] as number)
  return out
}

/** The signer of a 65-byte r ‖ s ‖ v signature, or throws {@link SignatureError}. */
export function recoverSigner(digest: Uint8Array, sig: Uint8Array, inputIndex = 0): Address {
  if (sig.length !== 65) throw new SignatureError(inputIndex, `expected 65 bytes, got ${sig.length}`)
  const v = sig[64] as number
  if (v !== 27 && v !== 28) throw new SignatureError(inputIndex, `v must be 27 or 28, got ${v}`)
  const rec = new Uint8Array(65)
  rec[0] = v - 27
  rec.set(sig.subarray(0, 64), 1)
  try {
    return addressOf(secp256k1.recoverPublicKey(rec, digest, { prehash: false }))
  } catch (cause) {
    throw new SignatureError(inputIndex, `does not recover (${(cause as Error).message})`)
  }
}

/** A transaction with its bytes and both signature slots (zeros where an input is unused). */
export interface SignedTransaction {
  readonly tx: Transaction
  readonly txBytes: Uint8Array
  readonly sigs: Uint8Array
}

/**
 * Signs input `inputIndex` of a transaction; parties of a swap each sign their own input
 * and the results are merged with {@link mergeSignatures}.
 */
export function signInput(tx: Transaction | Uint8Array, inputIndex: 0 | 1, secretKey: Uint8Array): SignedTransaction {
  const txBytes = tx instanceof Uint8Array ? tx : encodeTransaction(tx)
  const decoded = tx instanceof Uint8Array ? decodeTransaction(tx) : tx
  const sigs = new Uint8Array(SIGS_LENGTH)
  sigs.set(signDigest(transactionHash(txBytes), secretKey), inputIndex * 65)
  return { tx: decoded, txBytes, sigs }
}

/** Signs every used input with the same key (the common one-owner transfer). */
export function signTransaction(tx: Transaction, secretKey: Uint8Array): SignedTransaction {
  const txBytes = encodeTransaction(tx)
  const sigs = new Uint8Array(SIGS_LENGTH)
  const sig = signDigest(transactionHash(txBytes), secretKey)
  for (const i of [0, 1] as const) if (tx.inputs[i] !== 0n) sigs.set(sig, i * 65)
  return { tx, txBytes, sigs }
}

/** Combines per-input signatures of the same transaction (one per party of a swap). */
export function mergeSignatures(...parts: readonly SignedTransaction[]): SignedTransaction {
  const first = parts[0]
  if (!first) throw new MalformedDataError('signatures', 'parts', 0, 'at least one', '0')
  const sigs = new Uint8Array(SIGS_LENGTH)
  for (const part of parts) {
    if (bytesToHex(part.txBytes) !== bytesToHex(first.txBytes)) {
      throw new MalformedDataError(
        'signatures',
        'txBytes',
        0,
        'the same transaction in every part',
        'different transactions',
      )
    }
    for (let i = 0; i < SIGS_LENGTH; i++) if (part.sigs[i] !== 0) sigs[i] = part.sigs[i] as number
  }
  return { tx: first.tx, txBytes: first.txBytes, sigs }
}

/** Wire form of a signed transaction: tx ‖ sigs (386 bytes), also the preimage of its block leaf. */
export function encodeSignedTransaction(s: Pick<SignedTransaction, 'txBytes' | 'sigs'>): Uint8Array {
  const out = new Uint8Array(TX_LENGTH + SIGS_LENGTH)
  out.set(s.txBytes, 0)
  out.set(s.sigs, TX_LENGTH)
  return out
}

export function decodeSignedTransaction(bytes: Uint8Array): SignedTransaction {
  if (bytes.length !== TX_LENGTH + SIGS_LENGTH) {
    throw new MalformedDataError(
      'signed transaction',
      'length',
      0,
      `${TX_LENGTH + SIGS_LENGTH} bytes`,
      `${bytes.length} bytes`,
    )
  }
  const txBytes = bytes.slice(0, TX_LENGTH)
  return { tx: decodeTransaction(txBytes), txBytes, sigs: bytes.slice(TX_LENGTH) }
}

/** The block leaf of a signed transaction: keccak256(tx ‖ sigs), as the contract computes it. */
export const leafOf = (s: Pick<SignedTransaction, 'txBytes' | 'sigs'>): Uint8Array =>
  keccak_256(encodeSignedTransaction(s))
