import test from 'ava'
import fc from 'fast-check'
import { crc32 } from '../src/crc32.js'
import { MalformedUnitError } from '../src/errors.js'
import {
  decodeHalf,
  decodePayload,
  encodePayload,
  encodeUnit,
  HEADER_SIZE,
  PREFIX_SIZE,
  UnitType,
  unitCrc,
  verifyUnitSignature,
} from '../src/wire.js'
import { testIdentity } from './helpers.js'

const a = testIdentity(0)
const b = testIdentity(1)
const contract = new Uint8Array(32).fill(9)

function sample(prevCrc = 0) {
  const payload = encodePayload('Job', {
    phase: 1,
    job: 0,
    digest: new Uint8Array(32).fill(1),
    jobSig: new Uint8Array(64).fill(2),
    data: new Uint8Array([1, 2, 3]),
  })
  const unit = encodeUnit(
    { contract, sender: a.partyHash, receiver: b.partyHash, seq: 5, type: UnitType.Job, prevCrc },
    payload,
    a.secretKey,
  )
  return { payload, unit }
}

test('a unit is a 180-byte header datagram and a 73-byte-prefixed payload datagram', (t) => {
  const { payload, unit } = sample(0xdeadbeef)
  t.is(unit.header.length, HEADER_SIZE)
  t.is(unit.payloadDatagram.length, PREFIX_SIZE + payload.length)
  const h = decodeHalf(unit.header)
  const p = decodeHalf(unit.payloadDatagram)
  if (h.part !== 'header' || p.part !== 'payload') return t.fail('wrong parts')
  t.is(h.header.seq, 5)
  t.is(h.header.type, UnitType.Job)
  t.is(h.header.prevCrc, 0xdeadbeef)
  t.is(h.header.payloadCrc, crc32(payload))
  t.deepEqual(h.header.sender, a.partyHash)
  t.deepEqual(p.datagram.payload, payload)
  t.is(unit.crc, unitCrc(unit.header, payload))
  t.deepEqual(decodePayload('Job', p.datagram.payload).data, new Uint8Array([1, 2, 3]))
})

test('the signature covers header and payload: any flipped bit fails verification', (t) => {
  const { payload, unit } = sample()
  t.true(verifyUnitSignature(unit.header, payload, a.publicKey))
  t.false(verifyUnitSignature(unit.header, payload, b.publicKey))
  for (const at of [0, 40, 75, 105, 112, 150]) {
    const h = unit.header.slice()
    h[at] = (h[at] as number) ^ 0x10
    t.false(verifyUnitSignature(h, payload, a.publicKey), `header byte ${at}`)
  }
  const p = payload.slice()
  p[p.length - 1] = (p[p.length - 1] as number) ^ 1
  t.false(verifyUnitSignature(unit.header, p, a.publicKey))
})

test('bad datagrams raise MalformedUnitError naming the field', (t) => {
  const { unit } = sample()
  const e1 = t.throws(() => decodeHalf(unit.header.subarray(0, 10)), { instanceOf: MalformedUnitError })
  t.regex(e1?.message ?? '', /prefix/)
  const wrongMagic = unit.header.slice()
  wrongMagic[0] = 0
  t.regex(t.throws(() => decodeHalf(wrongMagic), { instanceOf: MalformedUnitError })?.message ?? '', /magic/)
  const wrongPart = unit.header.slice()
  wrongPart[3] = 7
  t.regex(t.throws(() => decodeHalf(wrongPart), { instanceOf: MalformedUnitError })?.message ?? '', /part/)
  const wrongType = unit.header.slice()
  wrongType[105] = 99
  t.regex(t.throws(() => decodeHalf(wrongType), { instanceOf: MalformedUnitError })?.message ?? '', /type/)
  t.throws(() => decodePayload('Receipt', new Uint8Array(5)), { instanceOf: MalformedUnitError })
})

test('decodeHalf on arbitrary bytes only ever throws MalformedUnitError', (t) => {
  const { unit } = sample()
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(179), fc.integer({ min: 1, max: 255 }), (junk, at, x) => {
        for (const bytes of [junk, Uint8Array.from(unit.header, (v, i) => (i === at ? v ^ x : v))]) {
          try {
            decodeHalf(bytes)
          } catch (e) {
            if (!(e instanceof MalformedUnitError)) return false
          }
        }
        return true
      }),
    ),
  )
})
