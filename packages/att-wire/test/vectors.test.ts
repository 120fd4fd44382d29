// Every IronRDP vector att-wire covers decodes and re-encodes byte for byte, on both code paths.
import { readFileSync } from 'node:fs'
import test from 'ava'
import type { Codec } from '../src/codec/codec.js'
import { MalformedFieldError } from '../src/errors.js'
import { ATT_RECEIVE, ATT_SEND, attMessageHeaderCodec } from '../src/layouts/att.js'
import { licenceResultCodec, securityHeaderCodec } from '../src/layouts/licence.js'
import { loginCodec } from '../src/layouts/login.js'
import {
  attachUserConfirmCodec,
  attachUserRequestCodec,
  channelJoinConfirm,
  channelJoinConfirmCodec,
  channelJoinRequestCodec,
  disconnectProviderUltimatumCodec,
  erectDomainRequestCodec,
  MCS_REASON,
  MCS_RESULT_SUCCESSFUL,
  mcsResult,
} from '../src/layouts/mcs.js'
import { shareDataCodec, shareDataHeaderCodec, shareHeadCodec } from '../src/layouts/share.js'
import {
  connectInitialHeadCodec,
  connectResponseHeadCodec,
  TPTP_MAXIMUM,
  TPTP_MINIMUM,
  TPTP_TARGET,
} from '../src/layouts/tptp.js'

const file = JSON.parse(readFileSync(new URL('../../test/vectors/ironrdp-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Record<string, string>
}
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// biome-ignore lint/suspicious/noExplicitAny: a table of heterogeneous codecs
export const COVERED: Record<string, Codec<any, any>> = {
  SEND_DATA_REQUEST_PDU_BUFFER_PREFIX: attMessageHeaderCodec,
  SEND_DATA_INDICATION_PDU_BUFFER_PREFIX: attMessageHeaderCodec,
  CONNECT_INITIAL_PREFIX_BUFFER: connectInitialHeadCodec,
  CONNECT_RESPONSE_PREFIX_BUFFER: connectResponseHeadCodec,
  CLIENT_INFO_PDU_SECURITY_HEADER_BUFFER: securityHeaderCodec,
  SERVER_DEMAND_ACTIVE_PDU_HEADERS_BUFFER: shareHeadCodec,
  CLIENT_DEMAND_ACTIVE_PDU_HEADERS_BUFFER: shareHeadCodec,
  MONITOR_LAYOUT_HEADERS_BUFFER: shareDataHeaderCodec,
  CLIENT_SYNCHRONIZE_BUFFER: shareDataCodec,
  CONTROL_COOPERATE_BUFFER: shareDataCodec,
  CONTROL_REQUEST_CONTROL_BUFFER: shareDataCodec,
  SERVER_GRANTED_CONTROL_BUFFER: shareDataCodec,
  CLIENT_FONT_LIST_BUFFER: shareDataCodec,
  SERVER_FONT_MAP_BUFFER: shareDataCodec,
  SERVER_LICENSE_BUFFER: licenceResultCodec,
  CLIENT_INFO_BUFFER_UNICODE: loginCodec,
  ERECT_DOMAIN_PDU_BUFFER: erectDomainRequestCodec,
  ATTACH_USER_REQUEST_PDU_BUFFER: attachUserRequestCodec,
  ATTACH_USER_CONFIRM_PDU_BUFFER: attachUserConfirmCodec,
  CHANNEL_JOIN_REQUEST_PDU_BUFFER: channelJoinRequestCodec,
  CHANNEL_JOIN_CONFIRM_PDU_BUFFER: channelJoinConfirmCodec,
  DISCONNECT_PROVIDER_ULTIMATUM_PDU_BUFFER: disconnectProviderUltimatumCodec,
}

/** Vectors outside the seed's structures, with the reason. */
export const NOT_COVERED: Record<string, string> = {
  CLIENT_INFO_BUFFER_ANSI:
    'TS_INFO_PACKET without INFO_UNICODE: the seed defines UTF-16LE strings only; rejected with a typed error',
}

test('every vector is either covered or listed with a reason', (t) => {
  const names = Object.keys(file.vectors).sort()
  t.deepEqual(names, [...Object.keys(COVERED), ...Object.keys(NOT_COVERED)].sort())
})

for (const [name, codec] of Object.entries(COVERED)) {
  test(`vector ${name} round-trips through ${codec.name} (fast path and binary-layout)`, (t) => {
    const bytes = hex(file.vectors[name]!)
    const fast = codec.decode(bytes)
    const reference = codec.decodeReference(bytes)
    t.deepEqual(fast, reference)
    t.is(toHex(codec.encode(fast)), file.vectors[name]!)
    t.is(toHex(codec.encodeReference(reference)), file.vectors[name]!)
  })
}

test('the MCS domain PDU vectors carry the channel-connection sequence of [MS-RDPBCGR] 2.2.1.5-2.2.1.9 and 2.2.2.3', (t) => {
  const v = (name: string) => hex(file.vectors[name]!)
  t.deepEqual(erectDomainRequestCodec.decode(v('ERECT_DOMAIN_PDU_BUFFER')), { subHeight: 0, subInterval: 0 })
  t.deepEqual(attachUserRequestCodec.decode(v('ATTACH_USER_REQUEST_PDU_BUFFER')), {})
  // User channel 1007 travels as UserId - 1001 = 6; the I/O channel 1003 and the user channel are joined.
  const auc = attachUserConfirmCodec.decode(v('ATTACH_USER_CONFIRM_PDU_BUFFER'))
  t.deepEqual(auc, { head: 0x2e00, initiator: 6 })
  t.is(mcsResult(auc.head), MCS_RESULT_SUCCESSFUL)
  t.deepEqual(channelJoinRequestCodec.decode(v('CHANNEL_JOIN_REQUEST_PDU_BUFFER')), { initiator: 6, channelId: 1007 })
  const cjc = channelJoinConfirmCodec.decode(v('CHANNEL_JOIN_CONFIRM_PDU_BUFFER'))
  t.deepEqual(
    cjc,
    channelJoinConfirm({ result: MCS_RESULT_SUCCESSFUL, initiator: 6, requested: 1007, channelId: 1007 }),
  )
  t.deepEqual(disconnectProviderUltimatumCodec.decode(v('DISCONNECT_PROVIDER_ULTIMATUM_PDU_BUFFER')), {
    reason: MCS_REASON.userRequested,
  })
})

test('the MCS send-data vectors carry the seed 3.2.3 fields', (t) => {
  const req = attMessageHeaderCodec.decode(hex(file.vectors['SEND_DATA_REQUEST_PDU_BUFFER_PREFIX']!))
  t.deepEqual(req, { type: ATT_SEND, initiator: 6, channelId: 0x03eb, flag: 0x70, payloadLength: 0x192 })
  const ind = attMessageHeaderCodec.decode(hex(file.vectors['SEND_DATA_INDICATION_PDU_BUFFER_PREFIX']!))
  t.deepEqual(ind, { type: ATT_RECEIVE, initiator: 1, channelId: 0x03eb, flag: 0x70, payloadLength: 0x14 })
})

test('the connect-initial vector carries exactly the three columns of seed table 5.3.3', (t) => {
  const head = connectInitialHeadCodec.decode(hex(file.vectors['CONNECT_INITIAL_PREFIX_BUFFER']!))
  t.deepEqual(head.targetParameters, TPTP_TARGET)
  t.deepEqual(head.minimumParameters, TPTP_MINIMUM)
  t.deepEqual(head.maximumParameters, TPTP_MAXIMUM)
  t.is(head.userDataLength, 0x133)
})

test('the licence result vector is the seed 5.3.4 result message', (t) => {
  const v = licenceResultCodec.decode(hex(file.vectors['SERVER_LICENSE_BUFFER']!))
  t.is(v.flags, 0x80)
  t.is(v.version, 3)
  t.is(v.errorCode, 7)
  t.is(v.stateTransition, 2)
  t.is(v.errorBlobType, 4)
})

test('the Unicode login vector decodes its strings', (t) => {
  const v = loginCodec.decode(hex(file.vectors['CLIENT_INFO_BUFFER_UNICODE']!))
  t.is(v.strings.domain, 'NTDEV')
  t.is(v.strings.userName, 'eltons')
  t.is(v.cbDomain, 10)
  t.is(v.strings.extra.length > 0, true)
})

test('the ANSI login vector is refused with a typed error naming flags at offset 4', (t) => {
  const e = t.throws(() => loginCodec.decode(hex(file.vectors['CLIENT_INFO_BUFFER_ANSI']!)), {
    instanceOf: MalformedFieldError,
  })
  t.is(e?.field, 'flags')
  t.is(e?.offset, 4)
})
