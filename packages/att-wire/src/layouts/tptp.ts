// TPTP message (seed 5.3.3): the three columns of the table are T.125 DomainParameters (target,
// minimum, maximum), BER-encoded inside MCS Connect-Initial / Connect-Response.

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { berUint, oneOf } from '../codec/items.js'
import { LengthMismatchError } from '../errors.js'

function berInteger<const N extends string>(name: N, min: number, max: number) {
  return [
    { name: `${name}Tag`, binary: 'uint', size: 1, custom: 0x02, omit: true },
    { name, binary: 'bytes', lengthSize: 1, custom: berUint(min, max) },
  ] as const
}

/**
 * Fields of DomainParameters with the envelope of seed table 5.3.3 (lowest..highest value of its
 * three columns) as the allowed range.
 */
export const domainParametersFields = [
  ...berInteger('maxChannelIds', 1, 0xffff),
  ...berInteger('maxUserIds', 1, 0xfc17),
  ...berInteger('maxTokenIds', 0, 0xffff),
  ...berInteger('numPriorities', 1, 1),
  ...berInteger('minThroughput', 0, 0),
  ...berInteger('maxHeight', 1, 1),
  ...berInteger('maxMcsPduSize', 0x0420, 0xffff),
  ...berInteger('protocolVersion', 2, 2),
] as const satisfies Layout

type Fields = DeriveType<typeof domainParametersFields>

/** A BER SEQUENCE (0x30, short-form length) of the eight INTEGERs, as a flat object. */
export const domainParametersItem = {
  binary: 'bytes',
  layout: [
    { name: 'tag', binary: 'uint', size: 1, custom: 0x30, omit: true },
    { name: 'fields', binary: 'bytes', lengthSize: 1, layout: domainParametersFields },
  ],
  custom: {
    to: (v: { readonly fields: Fields }): Fields => v.fields,
    from: (fields: Fields): { readonly fields: Fields } => ({ fields }),
  },
} as const satisfies Layout

export type DomainParameters = DeriveType<typeof domainParametersItem>

/** The three columns of seed table 5.3.3, as RDP clients send them. */
export const TPTP_TARGET: DomainParameters = {
  maxChannelIds: 0x22,
  maxUserIds: 2,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xffff,
  protocolVersion: 2,
}
export const TPTP_MINIMUM: DomainParameters = {
  maxChannelIds: 1,
  maxUserIds: 1,
  maxTokenIds: 1,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0x0420,
  protocolVersion: 2,
}
export const TPTP_MAXIMUM: DomainParameters = {
  maxChannelIds: 0xffff,
  maxUserIds: 0xfc17,
  maxTokenIds: 0xffff,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMcsPduSize: 0xffff,
  protocolVersion: 2,
}

export const domainParametersCodec = defineCodec('domainParameters', domainParametersItem)

/**
 * MCS Connect-Initial up to and including the length of its userData (the GCC conference
 * request that follows is not part of att-wire). BER lengths use the two-byte long form (0x82).
 */
export const connectInitialHeadLayout = [
  { name: 'tag', binary: 'bytes', custom: new Uint8Array([0x7f, 0x65, 0x82]), omit: true },
  { name: 'length', binary: 'uint', size: 2 },
  { name: 'callingTag', binary: 'uint', size: 1, custom: 0x04, omit: true },
  { name: 'callingDomainSelector', binary: 'bytes', lengthSize: 1 },
  { name: 'calledTag', binary: 'uint', size: 1, custom: 0x04, omit: true },
  { name: 'calledDomainSelector', binary: 'bytes', lengthSize: 1 },
  { name: 'upwardTag', binary: 'bytes', custom: new Uint8Array([0x01, 0x01]), omit: true },
  { name: 'upwardFlag', binary: 'uint', size: 1, custom: oneOf([0x00, 0xff]) },
  { name: 'targetParameters', ...domainParametersItem },
  { name: 'minimumParameters', ...domainParametersItem },
  { name: 'maximumParameters', ...domainParametersItem },
  { name: 'userDataTag', binary: 'bytes', custom: new Uint8Array([0x04, 0x82]), omit: true },
  { name: 'userDataLength', binary: 'uint', size: 2 },
] as const satisfies Layout

/** MCS Connect-Response up to and including the length of its userData. */
export const connectResponseHeadLayout = [
  { name: 'tag', binary: 'bytes', custom: new Uint8Array([0x7f, 0x66, 0x82]), omit: true },
  { name: 'length', binary: 'uint', size: 2 },
  { name: 'resultTag', binary: 'bytes', custom: new Uint8Array([0x0a, 0x01]), omit: true },
  { name: 'result', binary: 'uint', size: 1 },
  ...berInteger('calledConnectId', 0, 0xffff),
  { name: 'domainParameters', ...domainParametersItem },
  { name: 'userDataTag', binary: 'bytes', custom: new Uint8Array([0x04, 0x82]), omit: true },
  { name: 'userDataLength', binary: 'uint', size: 2 },
] as const satisfies Layout

export type ConnectInitialHead = DeriveType<typeof connectInitialHeadLayout>
export type ConnectResponseHead = DeriveType<typeof connectResponseHeadLayout>

/** The BER length counts everything after it, including the userData this head only announces. */
function checkHeadLength(v: { length: number; userDataLength: number }, bytes: Uint8Array) {
  const expected = bytes.length - 5 + v.userDataLength
  if (v.length !== expected) {
    throw new LengthMismatchError({
      field: 'length',
      offset: 3,
      expected: `${expected} (rest of head + userDataLength)`,
      actual: v.length,
    })
  }
}

export const connectInitialHeadCodec = defineCodec('connectInitialHead', connectInitialHeadLayout, {
  check: checkHeadLength,
})
export const connectResponseHeadCodec = defineCodec('connectResponseHead', connectResponseHeadLayout, {
  check: checkHeadLength,
})
