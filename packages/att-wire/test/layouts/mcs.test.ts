// MCS domain PDUs ([MS-RDPBCGR] 2.2.1.5-2.2.1.9, 2.2.2.3): the forms RDP stacks write round-trip,
// and every other form is a typed error naming the field.
import test from 'ava'
import {
  EncodeError,
  LengthMismatchError,
  MalformedFieldError,
  OutOfRangeError,
  TruncatedError,
} from '../../src/errors.js'
import {
  attachUserConfirm,
  attachUserConfirmCodec,
  channelJoinConfirm,
  channelJoinConfirmCodec,
  channelJoinRequestCodec,
  disconnectProviderUltimatumCodec,
  erectDomainRequestCodec,
  MCS_REASON,
  MCS_RESULT_SUCCESSFUL,
  mcsResult,
} from '../../src/layouts/mcs.js'

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex')

test('Erect Domain Request: PER integers in their 1-, 2- and 4-octet forms; other widths are refused', (t) => {
  for (const [subHeight, subInterval, bytes] of [
    [0, 0, '0401000100'],
    [0xff, 0x100, '0401ff020100'],
    [0xffff, 0x10000, '0402ffff0400010000'],
    [0xffffffff, 7, '0404ffffffff0107'],
  ] as const) {
    t.is(toHex(erectDomainRequestCodec.encode({ subHeight, subInterval })), bytes)
    t.deepEqual(erectDomainRequestCodec.decode(hex(bytes)), { subHeight, subInterval })
    t.deepEqual(erectDomainRequestCodec.decodeReference(hex(bytes)), { subHeight, subInterval })
  }
  t.throws(() => erectDomainRequestCodec.decode(hex('04020000 0100'.replace(' ', ''))), {
    instanceOf: MalformedFieldError,
  })
  t.throws(() => erectDomainRequestCodec.decode(hex('0403000001 0100'.replace(' ', ''))), {
    instanceOf: LengthMismatchError,
  })
  t.throws(() => erectDomainRequestCodec.decode(hex('040100')), { instanceOf: TruncatedError })
  t.throws(() => erectDomainRequestCodec.decode(hex('0501000100')))
  t.throws(() => erectDomainRequestCodec.encode({ subHeight: -1, subInterval: 0 }), { instanceOf: EncodeError })
})

test('Attach User Confirm: Result bit-packed after the OPTIONAL bit (X.691); the bit follows the initiator', (t) => {
  t.is(toHex(attachUserConfirmCodec.encode(attachUserConfirm(MCS_RESULT_SUCCESSFUL, 6))), '2e000006')
  // A refusal (rt-too-many-users = 11 = 1011b) without a user channel: 001011|0|1 011|00000.
  t.is(toHex(attachUserConfirmCodec.encode(attachUserConfirm(11, null))), '2d60')
  const refused = attachUserConfirmCodec.decode(hex('2d60'))
  t.deepEqual(refused, { head: 0x2d60, initiator: null })
  t.is(mcsResult(refused.head), 11)
  for (let r = 0; r < 16; r++) {
    const v = attachUserConfirm(r, r % 2 ? null : 0x1234)
    t.deepEqual(attachUserConfirmCodec.decode(attachUserConfirmCodec.encode(v)), v)
    t.is(mcsResult(v.head), r)
  }
  const e = t.throws(() => attachUserConfirmCodec.decode(hex('2e00')), { instanceOf: MalformedFieldError })
  t.is(e?.field, 'head')
  t.throws(() => attachUserConfirmCodec.decode(hex('2c000006')), { instanceOf: MalformedFieldError })
  t.throws(() => attachUserConfirmCodec.decode(hex('2e0000')), { instanceOf: LengthMismatchError })
  t.throws(() => attachUserConfirmCodec.decode(hex('2e010006')), { instanceOf: OutOfRangeError }, 'padding bits set')
  t.throws(() => attachUserConfirmCodec.decode(hex('2a000006')), { instanceOf: OutOfRangeError }, 'another CHOICE')
  t.throws(() => attachUserConfirmCodec.decode(hex('2e00fc17')), { instanceOf: OutOfRangeError })
  t.throws(() => attachUserConfirmCodec.encode({ head: 0x2c00, initiator: 6 }), { instanceOf: EncodeError })
})

test('Channel Join Request and Confirm: channel ids, the joined channel OPTIONAL', (t) => {
  t.is(toHex(channelJoinRequestCodec.encode({ initiator: 6, channelId: 0x03eb })), '38000603eb')
  const joined = channelJoinConfirm({ result: 0, initiator: 6, requested: 0x03eb, channelId: 0x03eb })
  t.is(toHex(channelJoinConfirmCodec.encode(joined)), '3e00000603eb03eb')
  // rt-unspecified-failure (14 = 1110b), channel absent: 001111|0|1 110|00000.
  const refused = channelJoinConfirm({ result: 14, initiator: 6, requested: 0x03f0, channelId: null })
  t.is(toHex(channelJoinConfirmCodec.encode(refused)), '3dc0000603f0')
  t.deepEqual(channelJoinConfirmCodec.decode(hex('3dc0000603f0')), refused)
  t.throws(() => channelJoinConfirmCodec.decode(hex('3fc0000603f0')), { instanceOf: MalformedFieldError })
  t.throws(() => channelJoinRequestCodec.decode(hex('38000603')), { instanceOf: TruncatedError })
})

test('Disconnect Provider Ultimatum: the 3-bit reason between the CHOICE index and zero padding', (t) => {
  const expected = {
    domainDisconnected: '2000',
    providerInitiated: '2080',
    tokenPurged: '2100',
    userRequested: '2180',
    channelPurged: '2200',
  }
  for (const [name, reason] of Object.entries(MCS_REASON)) {
    const bytes = expected[name as keyof typeof expected]
    t.is(toHex(disconnectProviderUltimatumCodec.encode({ reason })), bytes, name)
    t.deepEqual(disconnectProviderUltimatumCodec.decode(hex(bytes)), { reason })
    t.deepEqual(disconnectProviderUltimatumCodec.decodeReference(hex(bytes)), { reason })
  }
  for (const bad of ['2181', '2280', '2380', '2580', '24'])
    t.throws(() => disconnectProviderUltimatumCodec.decode(hex(bad)), { message: /reason/ }, bad)
  t.throws(() => disconnectProviderUltimatumCodec.encode({ reason: 5 }), { instanceOf: EncodeError })
})
