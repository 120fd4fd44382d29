// MCS domain PDUs of the RDP channel-connection and disconnection sequences: Erect Domain Request,
// Attach User Request/Confirm, Channel Join Request/Confirm ([MS-RDPBCGR] 2.2.1.5–2.2.1.9) and
// Disconnect Provider Ultimatum (2.2.2.3), T.125 clause 7 parts 4–6 and 10, in the aligned PER that
// RDP stacks write. The ATT seed does not describe them (decision 0030, amendment); they
// are here so att-wire reads and writes the lineage's whole MCS layer, and the conformance vectors of
// ../shared/vectors/rdp decode byte for byte. The first byte is the DomainMCSPDU CHOICE index in its
// top 6 bits; what follows is bit-packed as X.691 aligned PER packs it: a confirm's OPTIONAL bit,
// then its 4-bit Result, padded to the octet boundary (FreeRDP and IronRDP write the Result as a
// whole octet instead, which gives the same bytes only for rt-successful; Wireshark's T.125
// dissector reads the PER form, and so do we).

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { inRange, mapped, oneOf, optionalUint16, perUint } from '../codec/items.js'
import { EncodeError, MalformedFieldError } from '../errors.js'

/** DomainMCSPDU CHOICE indexes (T.125 clause 7, part 10) as the first byte carries them: index << 2. */
export const MCS_ERECT_DOMAIN_REQUEST = 1 << 2
export const MCS_DISCONNECT_PROVIDER_ULTIMATUM = 8 << 2
export const MCS_ATTACH_USER_REQUEST = 10 << 2
export const MCS_ATTACH_USER_CONFIRM = 11 << 2
export const MCS_CHANNEL_JOIN_REQUEST = 14 << 2
export const MCS_CHANNEL_JOIN_CONFIRM = 15 << 2
/** Set in the first byte of a confirm when its OPTIONAL field (initiator / channelId) is present. */
export const MCS_OPTIONAL_PRESENT = 0x02

/** T.125 Result (16 values): 0 = rt-successful; [MS-RDPBCGR] clients drop the connection on any other. */
export const MCS_RESULT_SUCCESSFUL = 0
/** T.125 Reason of a Disconnect Provider Ultimatum; RDP uses provider-initiated (1) and user-requested (3). */
export const MCS_REASON = {
  domainDisconnected: 0,
  providerInitiated: 1,
  tokenPurged: 2,
  userRequested: 3,
  channelPurged: 4,
} as const
/** Largest UserId − 1001 (UserId is 1001..65535), as `initiator` carries it (seed 3.2.3 does the same). */
export const MCS_INITIATOR_MAX = 0xfc16

const initiator = { name: 'initiator', binary: 'uint', size: 2, custom: inRange(0, MCS_INITIATOR_MAX) } as const

/**
 * The first two bytes of a confirm: CHOICE index (6 bits), OPTIONAL bit, Result (4 bits), 5 zero
 * bits. `present` says whether the confirm's OPTIONAL field follows.
 */
export function mcsConfirmHead(choiceByte: number, result: number, present: boolean): number {
  return (choiceByte << 8) | (present ? MCS_OPTIONAL_PRESENT << 8 : 0) | (result << 5)
}
/** The Result carried in a confirm's head. */
export function mcsResult(head: number): number {
  return (head >> 5) & 15
}
/** Whether a confirm's head announces its OPTIONAL field. */
export function mcsOptionalPresent(head: number): boolean {
  return (head & (MCS_OPTIONAL_PRESENT << 8)) !== 0
}
const confirmHeads = (choiceByte: number) =>
  [false, true].flatMap((present) => Array.from({ length: 16 }, (_, r) => mcsConfirmHead(choiceByte, r, present)))

/** 2.2.1.5: `04`, subHeight and subInterval as PER INTEGERs (length octet + 1, 2 or 4 octets; RDP sends 0 and 0). */
export const erectDomainRequestLayout = [
  { name: 'pdu', binary: 'uint', size: 1, custom: MCS_ERECT_DOMAIN_REQUEST, omit: true },
  { name: 'subHeight', binary: 'bytes', lengthSize: 1, custom: perUint },
  { name: 'subInterval', binary: 'bytes', lengthSize: 1, custom: perUint },
] as const satisfies Layout

/** 2.2.1.6: the single byte `28`. */
export const attachUserRequestLayout = [
  { name: 'pdu', binary: 'uint', size: 1, custom: MCS_ATTACH_USER_REQUEST, omit: true },
] as const satisfies Layout

/** 2.2.1.7: head (`2c`/`2e` + Result bits), then the user channel as UserId − 1001 (OPTIONAL). */
export const attachUserConfirmLayout = [
  { name: 'head', binary: 'uint', size: 2, custom: oneOf(confirmHeads(MCS_ATTACH_USER_CONFIRM)) },
  { name: 'initiator', binary: 'bytes', custom: optionalUint16(MCS_INITIATOR_MAX) },
] as const satisfies Layout

/** 2.2.1.8: `38`, initiator (UserId − 1001), channelId (16 bits). */
export const channelJoinRequestLayout = [
  { name: 'pdu', binary: 'uint', size: 1, custom: MCS_CHANNEL_JOIN_REQUEST, omit: true },
  initiator,
  { name: 'channelId', binary: 'uint', size: 2 },
] as const satisfies Layout

/** 2.2.1.9: head (`3c`/`3e` + Result bits), initiator, requested channel, joined channel (OPTIONAL). */
export const channelJoinConfirmLayout = [
  { name: 'head', binary: 'uint', size: 2, custom: oneOf(confirmHeads(MCS_CHANNEL_JOIN_CONFIRM)) },
  initiator,
  { name: 'requested', binary: 'uint', size: 2 },
  { name: 'channelId', binary: 'bytes', custom: optionalUint16(0xffff) },
] as const satisfies Layout

/**
 * 2.2.2.3: two bytes, bit-packed: CHOICE index 8 (6 bits), the Reason (3 bits, 5 values), 7 zero
 * bits of padding — `21 80` is user-requested.
 */
export const disconnectProviderUltimatumLayout = [
  {
    name: 'reason',
    binary: 'uint',
    size: 2,
    custom: mapped(
      Object.values(MCS_REASON),
      (reason) => (MCS_DISCONNECT_PROVIDER_ULTIMATUM << 8) | (reason << 7),
      (raw) => ((raw & 0xfc7f) === MCS_DISCONNECT_PROVIDER_ULTIMATUM << 8 ? (raw >> 7) & 7 : -1),
    ),
  },
] as const satisfies Layout

export type ErectDomainRequest = DeriveType<typeof erectDomainRequestLayout>
export type AttachUserConfirm = DeriveType<typeof attachUserConfirmLayout>
export type ChannelJoinRequest = DeriveType<typeof channelJoinRequestLayout>
export type ChannelJoinConfirm = DeriveType<typeof channelJoinConfirmLayout>
export type DisconnectProviderUltimatum = DeriveType<typeof disconnectProviderUltimatumLayout>

/** The OPTIONAL bit of a confirm's head must say whether its trailing OPTIONAL field is there. */
function presence(field: string) {
  const expectation = (present: boolean) =>
    `the OPTIONAL bit ${present ? 'set' : 'clear'} (${field} ${present ? 'present' : 'absent'})`
  return {
    check(v: { head: number } & Record<string, unknown>) {
      const present = v[field] !== null
      if (mcsOptionalPresent(v.head) !== present)
        throw new MalformedFieldError({ field: 'head', offset: 0, expected: expectation(present), actual: v.head })
    },
    checkEncode(v: { head: number } & Record<string, unknown>) {
      const present = v[field] !== null
      if (mcsOptionalPresent(v.head) !== present) throw new EncodeError('head', expectation(present), v.head)
    },
  }
}

export const erectDomainRequestCodec = defineCodec('erectDomainRequest', erectDomainRequestLayout)
export const attachUserRequestCodec = defineCodec('attachUserRequest', attachUserRequestLayout)
export const attachUserConfirmCodec = defineCodec('attachUserConfirm', attachUserConfirmLayout, presence('initiator'))
export const channelJoinRequestCodec = defineCodec('channelJoinRequest', channelJoinRequestLayout)
export const channelJoinConfirmCodec = defineCodec(
  'channelJoinConfirm',
  channelJoinConfirmLayout,
  presence('channelId'),
)
export const disconnectProviderUltimatumCodec = defineCodec(
  'disconnectProviderUltimatum',
  disconnectProviderUltimatumLayout,
)

/** An Attach User Confirm value: the head from `result` and whether `initiator` is given. */
export function attachUserConfirm(result: number, userInitiator: number | null): AttachUserConfirm {
  return { head: mcsConfirmHead(MCS_ATTACH_USER_CONFIRM, result, userInitiator !== null), initiator: userInitiator }
}

/** A Channel Join Confirm value: the head from `result` and whether `channelId` is given. */
export function channelJoinConfirm(v: {
  result: number
  initiator: number
  requested: number
  channelId: number | null
}): ChannelJoinConfirm {
  return {
    head: mcsConfirmHead(MCS_CHANNEL_JOIN_CONFIRM, v.result, v.channelId !== null),
    initiator: v.initiator,
    requested: v.requested,
    channelId: v.channelId,
  }
}
