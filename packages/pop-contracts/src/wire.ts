// Wire format of a PoP message unit (paper §6): a Header datagram and a Payload datagram, sent
// separately and in either order; each unit carries the CRC-32 of the previous unit of its
// stream and is signed with ed25519 (the paper's hashes alone authenticate nothing).
// Byte tables: docs/pop.md §4.
import { ed25519 } from '@noble/curves/ed25519.js'
import { type DeriveType, deserialize, type Layout, serialize } from 'binary-layout'
import { crc32 } from './crc32.js'
import { MalformedUnitError } from './errors.js'
import { concat } from './identity.js'

export const MAGIC = 0x506f // "Po"
export const VERSION = 1
export const PART_HEADER = 1
export const PART_PAYLOAD = 2
export const FLAG_CONTROL = 0x01
/** Largest payload; keeps a payload datagram under a 1500-byte Ethernet MTU. */
export const MAX_PAYLOAD = 1200
export const UNIT_SIGNATURE_DOMAIN = 'atmosphere/pop/unit/v1'

/** Unit types. 1..8 are sequenced (chained, retransmittable); 16..18 are control units. */
export const UnitType = {
  Signature: 1,
  Job: 2,
  Receipt: 3,
  RecoveryRequest: 4,
  RecoveryResponse: 5,
  Accusation: 6,
  Vote: 7,
  Close: 8,
  RetransmitRequest: 16,
  StatusRequest: 17,
  StatusResponse: 18,
} as const
export type UnitTypeName = keyof typeof UnitType
export type UnitTypeCode = (typeof UnitType)[UnitTypeName]
const TYPE_NAMES = new Map<number, UnitTypeName>(Object.entries(UnitType).map(([k, v]) => [v, k as UnitTypeName]))
/** Name of a unit type code, or undefined. */
export function unitTypeName(code: number): UnitTypeName | undefined {
  return TYPE_NAMES.get(code)
}
/** Control units are outside the sequence: not chained, not stored, not retransmitted. */
export function isControlType(code: number): boolean {
  return code >= 16
}

const prefixLayout = [
  { name: 'magic', binary: 'uint', size: 2 },
  { name: 'version', binary: 'uint', size: 1 },
  { name: 'part', binary: 'uint', size: 1 },
  { name: 'flags', binary: 'uint', size: 1 },
  { name: 'contract', binary: 'bytes', size: 32 },
  { name: 'sender', binary: 'bytes', size: 32 },
  { name: 'seq', binary: 'uint', size: 4 },
] as const satisfies Layout

/** Header datagram: 180 bytes. The signature covers bytes 0..115 and the payload. */
export const headerLayout = [
  ...prefixLayout,
  { name: 'receiver', binary: 'bytes', size: 32 },
  { name: 'type', binary: 'uint', size: 1 },
  { name: 'payloadLength', binary: 'uint', size: 2 },
  { name: 'payloadCrc', binary: 'uint', size: 4 },
  { name: 'prevCrc', binary: 'uint', size: 4 },
  { name: 'signature', binary: 'bytes', size: 64 },
] as const satisfies Layout
export const HEADER_SIZE = 180
export const HEADER_SIGNED_SIZE = 116
/** Payload datagram: the 73-byte prefix and the payload bytes. */
export const payloadDatagramLayout = [...prefixLayout, { name: 'payload', binary: 'bytes' }] as const satisfies Layout
export const PREFIX_SIZE = 73

export type UnitHeader = DeriveType<typeof headerLayout>
export type PayloadDatagram = DeriveType<typeof payloadDatagramLayout>

/** Fields the sender chooses; lengths, CRCs and the signature are computed. */
export interface UnitFields {
  readonly contract: Uint8Array
  readonly sender: Uint8Array
  readonly receiver: Uint8Array
  readonly seq: number
  readonly type: UnitTypeCode
  readonly prevCrc: number
}

/** An encoded unit: its two datagrams and its chain CRC. */
export interface EncodedUnit {
  readonly header: Uint8Array
  readonly payloadDatagram: Uint8Array
  /** CRC-32 of header || payload; the next unit of the stream carries it as `prevCrc`. */
  readonly crc: number
}

/** Encodes and signs a unit. */
export function encodeUnit(fields: UnitFields, payload: Uint8Array, secretKey: Uint8Array): EncodedUnit {
  if (payload.length > MAX_PAYLOAD) throw new MalformedUnitError(`payload exceeds ${MAX_PAYLOAD} bytes`, payload.length)
  const flags = isControlType(fields.type) ? FLAG_CONTROL : 0
  const base = {
    magic: MAGIC,
    version: VERSION,
    flags,
    contract: fields.contract,
    sender: fields.sender,
    seq: fields.seq,
  }
  const header = serialize(headerLayout, {
    ...base,
    part: PART_HEADER,
    receiver: fields.receiver,
    type: fields.type,
    payloadLength: payload.length,
    payloadCrc: crc32(payload),
    prevCrc: fields.prevCrc >>> 0,
    signature: new Uint8Array(64),
  })
  const signature = ed25519.sign(signedMessage(header, payload), secretKey)
  header.set(signature, HEADER_SIGNED_SIZE)
  const payloadDatagram = serialize(payloadDatagramLayout, { ...base, part: PART_PAYLOAD, payload })
  return { header, payloadDatagram, crc: crc32(header, payload) }
}

function signedMessage(header: Uint8Array, payload: Uint8Array): Uint8Array {
  return concat(new TextEncoder().encode(UNIT_SIGNATURE_DOMAIN), header.subarray(0, HEADER_SIGNED_SIZE), payload)
}

/** True when the header's signature verifies over header and payload; never throws. */
export function verifyUnitSignature(header: Uint8Array, payload: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(header.subarray(HEADER_SIGNED_SIZE, HEADER_SIZE), signedMessage(header, payload), publicKey)
  } catch {
    return false
  }
}

/** Chain CRC of a unit from its raw header and payload. */
export function unitCrc(header: Uint8Array, payload: Uint8Array): number {
  return crc32(header, payload)
}

/** One decoded datagram. */
export type DecodedHalf =
  | { readonly part: 'header'; readonly header: UnitHeader; readonly raw: Uint8Array }
  | { readonly part: 'payload'; readonly datagram: PayloadDatagram }

/** Decodes one datagram; throws {@link MalformedUnitError} naming the field and offset. */
export function decodeHalf(bytes: Uint8Array): DecodedHalf {
  if (bytes.length < PREFIX_SIZE)
    throw new MalformedUnitError(`datagram shorter than the ${PREFIX_SIZE}-byte prefix`, bytes.length)
  const magic = ((bytes[0] as number) << 8) | (bytes[1] as number)
  if (magic !== MAGIC) throw new MalformedUnitError('field magic at offset 0: expected 0x506f', magic)
  if (bytes[2] !== VERSION) throw new MalformedUnitError(`field version at offset 2: expected ${VERSION}`, bytes[2])
  const flags = bytes[4] as number
  if ((flags & ~FLAG_CONTROL) !== 0) throw new MalformedUnitError('field flags at offset 4: reserved bits set', flags)
  if (bytes[3] === PART_HEADER) {
    if (bytes.length !== HEADER_SIZE)
      throw new MalformedUnitError(`header datagram must be ${HEADER_SIZE} bytes`, bytes.length)
    const header = deserialize(headerLayout, bytes)
    if (unitTypeName(header.type) === undefined)
      throw new MalformedUnitError('field type at offset 105: unknown unit type', header.type)
    if (isControlType(header.type) !== ((flags & FLAG_CONTROL) !== 0)) {
      throw new MalformedUnitError('field flags at offset 4: control bit disagrees with the unit type', flags)
    }
    if (header.payloadLength > MAX_PAYLOAD)
      throw new MalformedUnitError('field payloadLength at offset 106: too large', header.payloadLength)
    return { part: 'header', header, raw: bytes }
  }
  if (bytes[3] === PART_PAYLOAD) {
    if (bytes.length > PREFIX_SIZE + MAX_PAYLOAD)
      throw new MalformedUnitError('payload datagram too large', bytes.length)
    return { part: 'payload', datagram: deserialize(payloadDatagramLayout, bytes) }
  }
  throw new MalformedUnitError('field part at offset 3: expected 1 (header) or 2 (payload)', bytes[3])
}

// ---- payloads --------------------------------------------------------------------------

const u8 = <const N extends string>(name: N) => ({ name, binary: 'uint', size: 1 }) as const
const b = <const N extends string, const S extends number>(name: N, size: S) =>
  ({ name, binary: 'bytes', size }) as const

export const payloadLayouts = {
  Signature: [b('signature', 64)],
  Job: [u8('phase'), u8('job'), b('digest', 32), b('jobSig', 64), { name: 'data', binary: 'bytes' }],
  Receipt: [u8('phase'), u8('job'), b('digest', 32), b('jobSig', 64), b('receiptSig', 64)],
  RecoveryRequest: [u8('subject'), u8('phase'), u8('job'), u8('recipient'), u8('item')],
  RecoveryResponse: [
    u8('item'),
    u8('phase'),
    u8('job'),
    u8('recipient'),
    b('digest', 32),
    b('jobSig', 64),
    b('receiptSig', 64),
    { name: 'data', binary: 'bytes' },
  ],
  Accusation: [
    u8('kind'),
    u8('subject'),
    u8('phase'),
    u8('job'),
    u8('recipient'),
    u8('item'),
    u8('attempt'),
    b('digestA', 32),
    b('sigA', 64),
    b('digestB', 32),
    b('sigB', 64),
  ],
  Vote: [b('accusation', 32), u8('subject'), u8('guilty'), b('voteSig', 64)],
  Close: [b('hoursDigest', 32)],
  RetransmitRequest: [
    { name: 'counter', binary: 'uint', size: 4 },
    { name: 'expectFrom', binary: 'uint', size: 4 },
    { name: 'head', binary: 'uint', size: 4 },
    { name: 'missing', binary: 'array', lengthSize: 1, layout: { binary: 'uint', size: 4 } },
  ],
  StatusRequest: [
    { name: 'counter', binary: 'uint', size: 4 },
    { name: 'expectFrom', binary: 'uint', size: 4 },
    { name: 'head', binary: 'uint', size: 4 },
  ],
  StatusResponse: [
    { name: 'counter', binary: 'uint', size: 4 },
    { name: 'expectFrom', binary: 'uint', size: 4 },
    { name: 'head', binary: 'uint', size: 4 },
    { name: 'closed', binary: 'bytes', lengthSize: 2 },
    { name: 'faulty', binary: 'bytes', lengthSize: 1 },
  ],
} as const satisfies Record<UnitTypeName, Layout>

export type PayloadOf<T extends UnitTypeName> = DeriveType<(typeof payloadLayouts)[T]>

/** Item kinds named by recovery requests and silence accusations. */
export const Item = { JobData: 0, Receipt: 1 } as const
/** Accusation kinds. */
export const AccusationKind = { Violation: 1, Silence: 2 } as const

/** Encodes a payload of the given type. */
export function encodePayload<T extends UnitTypeName>(type: T, value: PayloadOf<T>): Uint8Array {
  return serialize(payloadLayouts[type] as Layout, value as never)
}

/** Decodes a payload; throws {@link MalformedUnitError} naming the field. */
export function decodePayload<T extends UnitTypeName>(type: T, bytes: Uint8Array): PayloadOf<T> {
  try {
    return deserialize(payloadLayouts[type] as Layout, bytes) as PayloadOf<T>
  } catch (cause) {
    throw new MalformedUnitError(`${type} payload: ${(cause as Error).message}`, bytes, { cause })
  }
}
