// Chained submission: a payload larger than the transaction size limit travels as chunks; every chunk but
// the last is exactly the limit, the first carries the metadata, each carries the SHA-256 of the next.
// Byte layout in docs/dlx.md "Chained submission".
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { deserialize, serialize } from 'binary-layout'
import {
  ChunkDecodeError,
  ChunkHashMismatchError,
  ChunkMissingError,
  ChunkOrderError,
  ChunkSizeError,
  SegmentationError,
} from './errors.js'
import { chunkHeaderLayout, firstChunkLayout } from './layouts.js'

export const CHUNK_MAGIC = 0x444c5843 // "DLXC"
export const CHUNK_VERSION = 1
/** magic u32, version u8, flags u8, index u32, next SHA-256 [32]. */
export const CHUNK_HEADER = 4 + 1 + 1 + 4 + 32
/** First chunk only: chunkCount u32, payloadLength u32, content SHA-256 [32], metadataLength u32. */
export const FIRST_HEADER = 4 + 4 + 32 + 4
const FLAG_FIRST = 1
const FLAG_LAST = 2

export interface Submission {
  readonly metadata: Uint8Array
  readonly payload: Uint8Array
}

/** Splits metadata + payload into chained chunks of exactly `limit` bytes (the last at most `limit`). */
export function chainChunks(sub: Submission, limit: number): Uint8Array[] {
  const { metadata, payload } = sub
  const firstCap = limit - CHUNK_HEADER - FIRST_HEADER - metadata.length
  const otherCap = limit - CHUNK_HEADER
  if (!Number.isInteger(limit) || firstCap < 1 || otherCap < 1)
    throw new SegmentationError('limit', limit, `at least ${CHUNK_HEADER + FIRST_HEADER + metadata.length + 1} bytes`)
  const count = payload.length <= firstCap ? 1 : 1 + Math.ceil((payload.length - firstCap) / otherCap)
  const chunks: Uint8Array[] = new Array(count)
  let next = new Uint8Array(32)
  for (let i = count - 1; i >= 0; i--) {
    const from = i === 0 ? 0 : firstCap + (i - 1) * otherCap
    const to = i === 0 ? Math.min(payload.length, firstCap) : Math.min(payload.length, from + otherCap)
    const extra = i === 0 ? FIRST_HEADER + metadata.length : 0
    const c = new Uint8Array(CHUNK_HEADER + extra + (to - from))
    serialize(
      chunkHeaderLayout,
      {
        magic: CHUNK_MAGIC,
        version: CHUNK_VERSION,
        flags: (i === 0 ? FLAG_FIRST : 0) | (i === count - 1 ? FLAG_LAST : 0),
        index: i,
        next,
      },
      c,
    )
    let o = CHUNK_HEADER
    if (i === 0) {
      const first = {
        chunkCount: count,
        payloadLength: payload.length,
        contentHash: contentHash(metadata, payload),
        metadata,
      }
      c.set(serialize(firstChunkLayout, first), o)
      o += FIRST_HEADER + metadata.length
    }
    c.set(payload.subarray(from, to), o)
    chunks[i] = c
    next = sha256(c)
  }
  return chunks
}

/** SHA-256 over metadataLength (u32 BE) || metadata || payload: the first chunk's commitment to both. */
function contentHash(metadata: Uint8Array, payload: Uint8Array): Uint8Array {
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, metadata.length)
  return sha256.create().update(len).update(metadata).update(payload).digest()
}

interface Parsed {
  readonly index: number
  readonly flags: number
  readonly next: Uint8Array
  readonly body: Uint8Array
}

function parseChunk(c: Uint8Array, position: number): Parsed {
  if (c.length < CHUNK_HEADER) throw new ChunkDecodeError(position, 'length', 0, `>= ${CHUNK_HEADER} bytes`, c.length)
  const h = deserialize(chunkHeaderLayout, c.subarray(0, CHUNK_HEADER))
  if (h.magic !== CHUNK_MAGIC)
    throw new ChunkDecodeError(position, 'magic', 0, '0x444c5843', `0x${h.magic.toString(16)}`)
  if (h.version !== CHUNK_VERSION) throw new ChunkDecodeError(position, 'version', 4, String(CHUNK_VERSION), h.version)
  if ((h.flags & ~3) !== 0) throw new ChunkDecodeError(position, 'flags', 5, 'only bits 0..1', h.flags)
  return { index: h.index, flags: h.flags, next: h.next, body: c.subarray(CHUNK_HEADER) }
}

/** The identifier of a chained submission: SHA-256 (hex) of its first chunk, which commits to all others. */
export function submissionId(chunks: readonly Uint8Array[]): string {
  const first = chunks[0]
  if (first === undefined) throw new ChunkMissingError(1, 0)
  return bytesToHex(sha256(first))
}

/**
 * Verifies and reassembles chained chunks. Throws {@link ChunkMissingError}, {@link ChunkOrderError},
 * {@link ChunkHashMismatchError}, {@link ChunkSizeError} or {@link ChunkDecodeError}; never returns partial data.
 */
export function reassembleChunks(chunks: readonly Uint8Array[], limit: number): Submission {
  if (chunks.length === 0) throw new ChunkMissingError(1, 0)
  const first = parseChunk(chunks[0]!, 0)
  if (first.index !== 0 || (first.flags & FLAG_FIRST) === 0) throw new ChunkOrderError(0, first.index)
  if (first.body.length < FIRST_HEADER)
    throw new ChunkDecodeError(0, 'firstHeader', CHUNK_HEADER, `>= ${FIRST_HEADER} bytes`, first.body.length)
  // The metadata length prefix is checked against the chunk before binary-layout reads it.
  const metaLength = new DataView(first.body.buffer, first.body.byteOffset, first.body.byteLength).getUint32(40)
  if (FIRST_HEADER + metaLength > first.body.length)
    throw new ChunkDecodeError(
      0,
      'metadataLength',
      CHUNK_HEADER + 40,
      `<= ${first.body.length - FIRST_HEADER}`,
      metaLength,
    )
  const [fh] = deserialize(firstChunkLayout, first.body, false)
  const count = fh.chunkCount
  const payloadLength = fh.payloadLength
  const payloadHash = fh.contentHash
  if (count === 0) throw new ChunkDecodeError(0, 'chunkCount', CHUNK_HEADER, '>= 1', count)
  if (chunks.length !== count) throw new ChunkMissingError(count, chunks.length)
  const parsed: Parsed[] = []
  for (let i = 0; i < count; i++) {
    const c = chunks[i]!
    const p = i === 0 ? first : parseChunk(c, i)
    if (p.index !== i) throw new ChunkOrderError(i, p.index)
    const isLast = i === count - 1
    if (((p.flags & FLAG_LAST) !== 0) !== isLast || ((p.flags & FLAG_FIRST) !== 0) !== (i === 0))
      throw new ChunkOrderError(i, p.index)
    if (isLast ? c.length > limit : c.length !== limit) throw new ChunkSizeError(i, c.length, limit)
    if (i > 0) {
      const expected = parsed[i - 1]!.next
      const actual = sha256(c)
      if (!actual.every((b, k) => b === expected[k]))
        throw new ChunkHashMismatchError(i, bytesToHex(expected), bytesToHex(actual))
    }
    parsed.push(p)
  }
  const lastNext = parsed[count - 1]!.next
  if (!lastNext.every((b) => b === 0)) throw new ChunkDecodeError(count - 1, 'next', 10, '32 zero bytes', 'a hash')
  const metadata = fh.metadata.slice()
  const payload = new Uint8Array(payloadLength)
  let o = 0
  for (let i = 0; i < count; i++) {
    const body = i === 0 ? first.body.subarray(FIRST_HEADER + metaLength) : parsed[i]!.body
    if (o + body.length > payloadLength)
      throw new ChunkDecodeError(
        i,
        'payload',
        CHUNK_HEADER,
        `at most ${payloadLength} payload bytes in total`,
        o + body.length,
      )
    payload.set(body, o)
    o += body.length
  }
  if (o !== payloadLength) throw new ChunkDecodeError(count - 1, 'payload', CHUNK_HEADER, `${payloadLength} bytes`, o)
  const actual = contentHash(metadata, payload)
  if (!actual.every((b, k) => b === payloadHash[k]))
    throw new ChunkHashMismatchError(0, bytesToHex(payloadHash), bytesToHex(actual))
  return { metadata, payload }
}
