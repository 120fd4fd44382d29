// ATT protocol head (seed 3.2.2 = RFC 1006 TPKT), TPTP head (seed 5.3.2 = X.224 Data TPDU) and ATT
// message (seed 3.2.3 = T.125 MCS Send Data Request/Indication in aligned PER), and the whole frame.

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { inRange, oneOf, perLength, perLengthPrefixed } from '../codec/items.js'
import { EncodeError, LengthMismatchError, OutOfRangeError } from '../errors.js'

/** Content type 0x64: the client sends data (MCS Send Data Request). */
export const ATT_SEND = 0x64
/** Content type 0x68: the client receives data (MCS Send Data Indication). */
export const ATT_RECEIVE = 0x68
/** Lowest and highest virtual channel numbers of seed 3.2.3 (1003..1006; 1003 is RDP's I/O channel). */
export const ATT_CHANNEL_MIN = 0x03eb
export const ATT_CHANNEL_MAX = 0x03ee
/** Flag byte: data priority high (0x70) or low (0xf0), segmentation begin|end. */
export const ATT_FLAG_HIGH = 0x70
export const ATT_FLAG_LOW = 0xf0
/** Bytes before the payload when the PER length takes one byte: 4 (head) + 3 (TPTP head) + 7. */
export const ATT_FRAME_MIN_HEADER = 14

/** Seed 3.2.2 / RFC 1006: version 3, reserved 0, big-endian length of the whole frame including these 4 bytes. */
export const attHeadLayout = [
  { name: 'version', binary: 'uint', size: 1, custom: 3, omit: true },
  { name: 'reserved', binary: 'uint', size: 1, custom: 0, omit: true },
  { name: 'length', binary: 'uint', size: 2 },
] as const satisfies Layout

/** Seed 5.3.2 / X.224 (ISO 8073) Data TPDU: length indicator 2, code 0xf0 (DT), 0x80 (EOT, TPDU-NR 0). */
export const tptpHeadLayout = [
  { name: 'lengthIndicator', binary: 'uint', size: 1, custom: 2, omit: true },
  { name: 'packetType', binary: 'uint', size: 1, custom: 0xf0, omit: true },
  { name: 'eot', binary: 'uint', size: 1, custom: 0x80, omit: true },
] as const satisfies Layout

/**
 * Seed 3.2.3 / T.125 SendDataRequest (0x64) and SendDataIndication (0x68) in aligned PER:
 * initiator = UserId − 1001 (16 bits), channelId (16 bits), one byte of dataPriority + segmentation,
 * PER length determinant, user data.
 */
const attMessageFields = [
  { name: 'type', binary: 'uint', size: 1, custom: oneOf([ATT_SEND, ATT_RECEIVE]) },
  { name: 'initiator', binary: 'uint', size: 2, custom: inRange(0, 0xfc16) },
  { name: 'channelId', binary: 'uint', size: 2, custom: inRange(ATT_CHANNEL_MIN, ATT_CHANNEL_MAX) },
  { name: 'flag', binary: 'uint', size: 1, custom: oneOf([ATT_FLAG_HIGH, ATT_FLAG_LOW]) },
] as const satisfies Layout

export const attMessageLayout = [
  ...attMessageFields,
  { name: 'payload', binary: 'bytes', custom: perLengthPrefixed },
] as const satisfies Layout

/** The message header alone, up to and including the PER length of the payload that follows. */
export const attMessageHeaderLayout = [
  ...attMessageFields,
  { name: 'payloadLength', binary: 'bytes', custom: perLength },
] as const satisfies Layout

/** A whole frame as it travels on TCP: ATT head, TPTP head, ATT message. */
export const attFrameLayout = [...attHeadLayout, ...tptpHeadLayout, ...attMessageLayout] as const satisfies Layout

export type AttHead = DeriveType<typeof attHeadLayout>
export type AttMessage = DeriveType<typeof attMessageLayout>
export type AttMessageHeader = DeriveType<typeof attMessageHeaderLayout>
export type AttFrame = DeriveType<typeof attFrameLayout>
/** An ATT frame without its length, which {@link attFrame} computes. */
export type AttFrameInput = Omit<AttFrame, 'length'>

/** Size of the frame that carries `payloadLength` bytes. */
export function attFrameSize(payloadLength: number): number {
  return ATT_FRAME_MIN_HEADER + (payloadLength < 0x80 ? 0 : 1) + payloadLength
}

export const attHeadCodec = defineCodec('attHead', attHeadLayout, {
  check(v) {
    if (v.length < 7) {
      throw new OutOfRangeError({
        field: 'length',
        offset: 2,
        expected: 'at least 7 (head + TPTP head)',
        actual: v.length,
      })
    }
  },
})
export const tptpHeadCodec = defineCodec('tptpHead', tptpHeadLayout)
export const attMessageCodec = defineCodec('attMessage', attMessageLayout)
export const attMessageHeaderCodec = defineCodec('attMessageHeader', attMessageHeaderLayout)
export const attFrameCodec = defineCodec('attFrame', attFrameLayout, {
  check(v, bytes) {
    if (v.length !== bytes.length) {
      throw new LengthMismatchError({
        field: 'length',
        offset: 2,
        expected: `${bytes.length} (the frame size)`,
        actual: v.length,
      })
    }
  },
  checkEncode(v) {
    const size = attFrameSize(v.payload?.length ?? 0)
    if (v.length !== size) throw new EncodeError('length', `${size} (the frame size)`, v.length)
  },
})

/** Completes a frame with its length. */
export function attFrame(input: AttFrameInput): AttFrame {
  return { ...input, length: attFrameSize(input.payload.length) }
}

/** Encodes a frame, computing its length. */
export function encodeAttFrame(input: AttFrameInput): Uint8Array {
  return attFrameCodec.encode(attFrame(input))
}

/** Decodes one whole frame. */
export function decodeAttFrame(bytes: Uint8Array): AttFrame {
  return attFrameCodec.decode(bytes)
}
