// ATT data-compression layer (seed 3.2.4): the [MS-RDPBCGR] 2.2.8.1.1.1 Share Control Header followed by
// the Share Data Header of a data PDU, all little-endian ("byte inversion").

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { oneOf } from '../codec/items.js'
import { EncodeError, LengthMismatchError } from '../errors.js'

/** Bytes of the share control (6) and share data (12) headers. */
export const SHARE_HEADERS_SIZE = 18

/** PDUTYPE_DEMANDACTIVEPDU, _CONFIRMACTIVEPDU, _DEACTIVATEALLPDU, _DATAPDU, each | TS_PROTOCOL_VERSION 0x10. */
export const SHARE_PDU_TYPES = [0x11, 0x13, 0x16, 0x17] as const

/**
 * The first ten bytes the seed lists (data length, type mark, two "basic channel numbers", "unknown
 * data 01 00"): totalLength, pduType, pduSource and the 32-bit shareId that every PDU of the
 * capability exchange and data phase starts with.
 */
export const shareHeadLayout = [
  { name: 'totalLength', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'pduType', binary: 'uint', size: 2, endianness: 'little', custom: oneOf(SHARE_PDU_TYPES) },
  { name: 'pduSource', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'shareId', binary: 'uint', size: 4, endianness: 'little' },
] as const satisfies Layout

const shareDataHeaderFields = [
  { name: 'totalLength', binary: 'uint', size: 2, endianness: 'little' },
  // 0x0017: PDUTYPE_DATAPDU (7) | TS_PROTOCOL_VERSION (0x10) — the seed's "17 00 stands for specific data".
  { name: 'pduType', binary: 'uint', size: 2, endianness: 'little', custom: 0x0017, omit: true },
  { name: 'pduSource', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'shareId', binary: 'uint', size: 4, endianness: 'little' },
  { name: 'pad1', binary: 'uint', size: 1, custom: 0, omit: true },
  // STREAM_UNDEFINED 0, STREAM_LOW 1, STREAM_MED 2, STREAM_HI 4
  { name: 'streamId', binary: 'uint', size: 1, custom: oneOf([0, 1, 2, 4]) },
  { name: 'uncompressedLength', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'pduType2', binary: 'uint', size: 1 },
  // Only uncompressed data is carried (seed: "00 Uncompressed", compressed length 0).
  { name: 'compressedType', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'compressedLength', binary: 'uint', size: 2, endianness: 'little', custom: 0, omit: true },
] as const satisfies Layout

/** The 18 header bytes of a data PDU alone (the payload follows elsewhere). */
export const shareDataHeaderLayout = shareDataHeaderFields

/** A whole data PDU: headers and payload. */
export const shareDataLayout = [
  ...shareDataHeaderFields,
  { name: 'payload', binary: 'bytes' },
] as const satisfies Layout

export type ShareHead = DeriveType<typeof shareHeadLayout>
export type ShareDataHeader = DeriveType<typeof shareDataHeaderLayout>
export type ShareData = DeriveType<typeof shareDataLayout>

function atLeast(min: number) {
  return (v: { totalLength: number }) => {
    if (v.totalLength < min) {
      throw new LengthMismatchError({
        field: 'totalLength',
        offset: 0,
        expected: `at least ${min}`,
        actual: v.totalLength,
      })
    }
  }
}
export const shareHeadCodec = defineCodec('shareHead', shareHeadLayout, { check: atLeast(10) })
export const shareDataHeaderCodec = defineCodec('shareDataHeader', shareDataHeaderLayout, {
  check: atLeast(SHARE_HEADERS_SIZE),
})
export type ShareDataInput = Omit<ShareData, 'totalLength' | 'uncompressedLength'>

export const shareDataCodec = defineCodec('shareData', shareDataLayout, {
  check(v, bytes) {
    if (v.totalLength !== bytes.length) {
      throw new LengthMismatchError({
        field: 'totalLength',
        offset: 0,
        expected: `${bytes.length}`,
        actual: v.totalLength,
      })
    }
    const n = v.payload.length
    // IronRDP writes the payload size, Windows totalLength − 14 (payload + 4); both are accepted.
    if (v.uncompressedLength !== n && v.uncompressedLength !== n + 4) {
      throw new LengthMismatchError({
        field: 'uncompressedLength',
        offset: 12,
        expected: `${n} or ${n + 4}`,
        actual: v.uncompressedLength,
      })
    }
  },
  checkEncode(v) {
    const size = SHARE_HEADERS_SIZE + (v.payload?.length ?? 0)
    if (v.totalLength !== size) throw new EncodeError('totalLength', `${size}`, v.totalLength)
  },
})

/** Completes the lengths (uncompressedLength = payload size, as IronRDP writes it). */
export function shareData(input: ShareDataInput): ShareData {
  return {
    ...input,
    totalLength: SHARE_HEADERS_SIZE + input.payload.length,
    uncompressedLength: input.payload.length,
  }
}
