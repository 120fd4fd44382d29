// Encryption and licence layers (seed 5.3.3 end, 5.3.4): the [MS-RDPBCGR] 2.2.8.1.1.2.1 basic security
// header, and the licensing preamble with the Client Platform Challenge Response ([MS-RDPELE] 2.2.2.5)
// and the licensing Error Alert that carries the result ([MS-RDPBCGR] 2.2.1.12.1.3). Little-endian.

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { exactSize, oneOf } from '../codec/items.js'
import { LengthMismatchError, MalformedFieldError, OutOfRangeError } from '../errors.js'

/** SEC_LICENSE_PKT: the security header's flag for licensing layers ("80 00 00 00"). */
export const SEC_LICENSE_PKT = 0x0080
/** SEC_INFO_PKT: the flag that precedes a login structure ("40 00 00 00"). */
export const SEC_INFO_PKT = 0x0040
/** Preamble versions: RDP 4.0 → 2, RDP 5.x and later → 3; 0x80 = EXTENDED_ERROR_MSG_SUPPORTED. */
export const LICENCE_VERSION_4 = 0x02
export const LICENCE_VERSION_5 = 0x03
/** BB_DATA_BLOB and BB_ENCRYPTED_DATA_BLOB; BB_ERROR_BLOB. */
export const BB_DATA_BLOB = 0x0001
export const BB_ENCRYPTED_DATA_BLOB = 0x0009
export const BB_ERROR_BLOB = 0x0004

export const securityHeaderLayout = [
  { name: 'flags', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'flagsHi', binary: 'uint', size: 2, endianness: 'little' },
] as const satisfies Layout

/** Seed 5.3.3: licence flag 0x15 (authreq = CLIENT_PLATFORM_CHALLENGE_RESPONSE), token, hardware id, signature. */
export const licenceRequestLayout = [
  ...securityHeaderLayout,
  { name: 'msgType', binary: 'uint', size: 1, custom: 0x15, omit: true },
  { name: 'version', binary: 'uint', size: 1 },
  { name: 'msgSize', binary: 'uint', size: 2, endianness: 'little' },
  // The seed's "Flag 01 00": the first blob's type.
  {
    name: 'tokenBlobType',
    binary: 'uint',
    size: 2,
    endianness: 'little',
    custom: oneOf([BB_DATA_BLOB, BB_ENCRYPTED_DATA_BLOB]),
  },
  { name: 'token', binary: 'bytes', lengthSize: 2, lengthEndianness: 'little', custom: exactSize(10) },
  // Not in the seed's table; required by its own length 0x3a (see decision 0033).
  {
    name: 'hwidBlobType',
    binary: 'uint',
    size: 2,
    endianness: 'little',
    custom: oneOf([BB_DATA_BLOB, BB_ENCRYPTED_DATA_BLOB]),
  },
  { name: 'hwid', binary: 'bytes', lengthSize: 2, lengthEndianness: 'little', custom: exactSize(20) },
  { name: 'signature', binary: 'bytes', size: 16 },
] as const satisfies Layout

/** Seed 5.3.4: licence flag 0xff (result = ERROR_ALERT), error code, state transition, error blob. */
export const licenceResultLayout = [
  ...securityHeaderLayout,
  { name: 'msgType', binary: 'uint', size: 1, custom: 0xff, omit: true },
  { name: 'version', binary: 'uint', size: 1 },
  { name: 'msgSize', binary: 'uint', size: 2, endianness: 'little' },
  // STATUS_VALID_CLIENT = 7, ERR_INVALID_CLIENT = 8, ...
  { name: 'errorCode', binary: 'uint', size: 4, endianness: 'little' },
  // ST_TOTAL_ABORT 1, ST_NO_TRANSITION 2, ST_RESET_PHASE_TO_START 3, ST_RESEND_LAST_MESSAGE 4
  { name: 'stateTransition', binary: 'uint', size: 4, endianness: 'little', custom: oneOf([1, 2, 3, 4]) },
  { name: 'errorBlobType', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'errorBlob', binary: 'bytes', lengthSize: 2, lengthEndianness: 'little' },
] as const satisfies Layout

export type SecurityHeader = DeriveType<typeof securityHeaderLayout>
export type LicenceRequest = DeriveType<typeof licenceRequestLayout>
export type LicenceResult = DeriveType<typeof licenceResultLayout>

function checkLicence(v: { flags: number; version: number; msgSize: number }, bytes: Uint8Array) {
  if (!(v.flags & SEC_LICENSE_PKT)) {
    throw new MalformedFieldError({
      field: 'flags',
      offset: 0,
      expected: 'SEC_LICENSE_PKT (0x0080) set',
      actual: v.flags,
    })
  }
  const version = v.version & 0x7f
  if (version !== LICENCE_VERSION_4 && version !== LICENCE_VERSION_5) {
    throw new OutOfRangeError({ field: 'version', offset: 5, expected: '2 or 3 (| 0x80)', actual: v.version })
  }
  // MS-RDPELE counts the preamble onwards; IronRDP's vector also counts the security header.
  if (v.msgSize !== bytes.length - 4 && v.msgSize !== bytes.length) {
    throw new LengthMismatchError({
      field: 'msgSize',
      offset: 6,
      expected: `${bytes.length - 4} or ${bytes.length}`,
      actual: v.msgSize,
    })
  }
}

export const securityHeaderCodec = defineCodec('securityHeader', securityHeaderLayout)
export const licenceRequestCodec = defineCodec('licenceRequest', licenceRequestLayout, { check: checkLicence })
export const licenceResultCodec = defineCodec('licenceResult', licenceResultLayout, { check: checkLicence })

/** Size from the preamble on: 4 + (4 + 10) + (4 + 20) + 16 = 58 = 0x3a, the seed's "length of this layer". */
export const LICENCE_REQUEST_MSG_SIZE = 58
