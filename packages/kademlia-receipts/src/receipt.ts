// Signed, versioned receipts (seed "Deep storage": an updater signs receipts; versions form
// the linked list v0 <- v1 <- ...; two receipts for one version are fork evidence).
// Byte table: docs/kademlia-receipts.md §Receipt.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes, Reader, toHex, Writer } from './bytes.js'
import { BadSignatureError, InvalidForkEvidenceError, InvalidParameterError, MalformedMessageError } from './errors.js'
import { keyLocation } from './id.js'

export const RECEIPT_FORMAT = 1
/** Longest application key. */
export const MAX_KEY_BYTES = 1024
const DOMAIN = new TextEncoder().encode('atmo-kad-receipt-v1')
const ZERO32 = new Uint8Array(32)

/** The signed fields of a receipt. */
export interface ReceiptFields {
  /** ed25519 public key of the updater. */
  readonly updater: Uint8Array
  /** Application key (the mutable resource name). */
  readonly key: Uint8Array
  readonly version: bigint
  /** SHA-256 of the value this version points to. */
  readonly valueHash: Uint8Array
  /** SHA-256 of the encoded previous receipt; 32 zero bytes for version 0. */
  readonly prev: Uint8Array
  /** Milliseconds since the Unix epoch, as the updater's clock read it. */
  readonly time: bigint
}

export interface Receipt extends ReceiptFields {
  readonly signature: Uint8Array
  /** The full encoding (fields + signature). */
  readonly bytes: Uint8Array
  /** SHA-256 of `bytes`: what the next version links to. */
  readonly hash: Uint8Array
  /** SHA-256 of the key: where in the DHT the receipt lives. */
  readonly location: Uint8Array
}

function encodeFields(f: ReceiptFields): Uint8Array {
  if (f.updater.length !== 32)
    throw new InvalidParameterError('updater', f.updater.length, '32-byte ed25519 public key')
  if (f.key.length > MAX_KEY_BYTES)
    throw new InvalidParameterError('key length', f.key.length, `at most ${MAX_KEY_BYTES}`)
  if (f.valueHash.length !== 32) throw new InvalidParameterError('valueHash', f.valueHash.length, '32 bytes')
  if (f.prev.length !== 32) throw new InvalidParameterError('prev', f.prev.length, '32 bytes')
  if (f.version < 0n || f.version >= 2n ** 64n) throw new InvalidParameterError('version', f.version, 'a u64')
  if (f.time < 0n || f.time >= 2n ** 64n) throw new InvalidParameterError('time', f.time, 'a u64')
  if (f.version === 0n && !equalBytes(f.prev, ZERO32))
    throw new InvalidParameterError('prev', toHex(f.prev), 'zero for version 0')
  return new Writer()
    .u8(RECEIPT_FORMAT)
    .bytes(f.updater)
    .varBytes(f.key)
    .u64(f.version)
    .bytes(f.valueHash)
    .bytes(f.prev)
    .u64(f.time)
    .finish()
}

const signingBytes = (fields: Uint8Array): Uint8Array => {
  const out = new Uint8Array(DOMAIN.length + fields.length)
  out.set(DOMAIN)
  out.set(fields, DOMAIN.length)
  return out
}

/** Signs receipt fields with the updater's ed25519 secret key. */
export function signReceipt(fields: ReceiptFields, secretKey: Uint8Array): Receipt {
  const body = encodeFields(fields)
  const signature = ed25519.sign(signingBytes(body), secretKey)
  const bytes = new Writer().bytes(body).bytes(signature).finish()
  return { ...fields, signature, bytes, hash: sha256(bytes), location: keyLocation(fields.key) }
}

/** Parses a receipt's structure (no signature check). Throws MalformedMessageError. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  const r = new Reader(bytes)
  const format = r.u8('receipt.format')
  if (format !== RECEIPT_FORMAT) throw new MalformedMessageError('receipt.format', 0, `${RECEIPT_FORMAT}`, format)
  const updater = r.bytes(32, 'receipt.updater')
  const key = r.varBytes('receipt.key', MAX_KEY_BYTES)
  const versionAt = r.offset
  const version = r.u64('receipt.version')
  const valueHash = r.bytes(32, 'receipt.valueHash')
  const prevAt = r.offset
  const prev = r.bytes(32, 'receipt.prev')
  const time = r.u64('receipt.time')
  const signature = r.bytes(64, 'receipt.signature')
  r.end('receipt')
  if (version === 0n && !equalBytes(prev, ZERO32))
    throw new MalformedMessageError('receipt.prev', prevAt, `zero for version 0 (version at ${versionAt})`, toHex(prev))
  const copy = Uint8Array.from(bytes)
  return {
    updater,
    key,
    version,
    valueHash,
    prev,
    time,
    signature,
    bytes: copy,
    hash: sha256(copy),
    location: keyLocation(key),
  }
}

/** True when the receipt's signature verifies under its updater key. */
export function receiptSignatureValid(r: Receipt): boolean {
  try {
    return ed25519.verify(r.signature, signingBytes(r.bytes.subarray(0, r.bytes.length - 64)), r.updater)
  } catch {
    return false
  }
}

/** Decodes and verifies; throws MalformedMessageError or BadSignatureError. */
export function openReceipt(bytes: Uint8Array): Receipt {
  const r = decodeReceipt(bytes)
  if (!receiptSignatureValid(r)) throw new BadSignatureError('receipt', toHex(r.updater))
  return r
}

/** Two receipts that together prove an updater signed two versions with the same number. */
export interface ForkEvidence {
  readonly a: Receipt
  readonly b: Receipt
}

/**
 * Checks fork evidence anyone can present: both receipts verify, one updater, one key, one
 * version, different contents. Throws InvalidForkEvidenceError (or the decode errors).
 */
export function verifyForkEvidence(a: Uint8Array, b: Uint8Array): ForkEvidence {
  const ra = decodeReceipt(a)
  const rb = decodeReceipt(b)
  if (!equalBytes(ra.updater, rb.updater)) throw new InvalidForkEvidenceError('different updaters')
  if (!equalBytes(ra.key, rb.key)) throw new InvalidForkEvidenceError('different keys')
  if (ra.version !== rb.version)
    throw new InvalidForkEvidenceError(`different versions ${ra.version} and ${rb.version}`)
  if (equalBytes(ra.bytes, rb.bytes)) throw new InvalidForkEvidenceError('the two receipts are identical')
  if (!receiptSignatureValid(ra)) throw new InvalidForkEvidenceError('first receipt has a bad signature')
  if (!receiptSignatureValid(rb)) throw new InvalidForkEvidenceError('second receipt has a bad signature')
  return { a: ra, b: rb }
}

/** Keeps an updater's chain for one key: each `next` links to the previous receipt. */
export class ReceiptChain {
  private last: Receipt | undefined
  constructor(
    private readonly secretKey: Uint8Array,
    readonly key: Uint8Array,
    last?: Receipt,
  ) {
    this.last = last
  }
  get head(): Receipt | undefined {
    return this.last
  }
  /** Signs the next version for `value` (hashed with SHA-256) at `time`. */
  next(value: Uint8Array, time: bigint): Receipt {
    const updater = ed25519.getPublicKey(this.secretKey)
    const r = signReceipt(
      {
        updater,
        key: this.key,
        version: this.last === undefined ? 0n : this.last.version + 1n,
        valueHash: sha256(value),
        prev: this.last === undefined ? ZERO32 : this.last.hash,
        time,
      },
      this.secretKey,
    )
    this.last = r
    return r
  }
}
