// Known-answer encodings, round trips, and never-crash-on-arbitrary-bytes for the wire codec.
import test from 'ava'
import fc from 'fast-check'
import {
  type Control,
  decodeControl,
  decodeGossip,
  encodeControl,
  encodeGossip,
  PROTOCOL_VERSION,
} from '../src/codec.js'
import { MeshError } from '../src/errors.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// Hand-derived from the protobuf encoding rules (field number << 3 | wire type).
test('known answers: GetPeersRequest, GetPeersResponse, PeerRegisterResponse, GossipEnvelope', (t) => {
  // field 1 varint 1; field 2 (len) empty message
  t.is(hex(encodeControl({ kind: 'get-peers-request' })), '08011200')
  // field 1 varint 1; field 3 (len 5) { field 1 (len 3) "a/b" }
  t.is(hex(encodeControl({ kind: 'get-peers-response', peerEndpoints: ['a/b'] })), '08011a050a03612f62')
  // field 5 (len 4) { status 1, peer_count 10 }
  t.is(
    hex(encodeControl({ kind: 'peer-register-response', status: 'rejected-at-maximum', peerCount: 10 })),
    '08012a040801100a',
  )
  // proto3 omits the default status OK (0)
  t.is(hex(encodeControl({ kind: 'peer-register-response', status: 'ok', peerCount: 3 })), '08012a021003')
  t.is(hex(encodeGossip(Uint8Array.of(0xde, 0xad))), '08011202dead')
})

const controlArb: fc.Arbitrary<Control> = fc.oneof(
  fc.constant<Control>({ kind: 'get-peers-request' }),
  fc
    .array(fc.string({ minLength: 1, maxLength: 80 }), { maxLength: 20 })
    .map((peerEndpoints): Control => ({ kind: 'get-peers-response', peerEndpoints })),
  fc.string({ maxLength: 100 }).map((endpoint): Control => ({ kind: 'peer-register-request', endpoint })),
  fc
    .record({
      status: fc.constantFrom('ok' as const, 'rejected-at-maximum' as const, 'rejected-banned' as const),
      peerCount: fc.nat({ max: 1000 }),
    })
    .map((r): Control => ({ kind: 'peer-register-response', ...r })),
  fc.constant<Control>({ kind: 'peer-unregister-request' }),
  fc.constant<Control>({ kind: 'acknowledgement' }),
)

test('control messages round-trip', (t) => {
  fc.assert(
    fc.property(controlArb, (m) => {
      t.deepEqual(decodeControl(encodeControl(m)), m)
    }),
  )
})

test('gossip envelopes round-trip', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (payload) => {
      t.deepEqual(decodeGossip(encodeGossip(payload)), payload)
    }),
  )
})

test('arbitrary bytes never crash the decoders: they decode or throw a MeshError', (t) => {
  let typed = 0
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      for (const decode of [decodeControl, decodeGossip]) {
        try {
          decode(bytes)
        } catch (e) {
          if (!(e instanceof MeshError)) throw e
          typed++
        }
      }
    }),
    { numRuns: 2000 },
  )
  t.true(typed > 0)
})

test('a truncated field is MalformedMessageError naming the message type and bytes', (t) => {
  const e = t.throws(() => decodeControl(Uint8Array.of(0x12, 0x7f, 0x01)))
  t.is(e?.name, 'MalformedMessageError')
  t.regex(e?.message ?? '', /ControlMessage.*3 bytes.*127f01/)
})

test('an unknown protocol version is UnsupportedVersionError with the version', (t) => {
  const e = t.throws(() => decodeControl(encodeControl({ kind: 'get-peers-request' }, 7)))
  t.is(e?.name, 'UnsupportedVersionError')
  t.like(e, { version: 7, supported: PROTOCOL_VERSION })
  const g = t.throws(() => decodeGossip(encodeGossip(Uint8Array.of(1), 0)))
  t.like(g, { name: 'UnsupportedVersionError', version: 0 })
})

test('oversized input is MessageTooLargeError before any parsing', (t) => {
  const e = t.throws(() => decodeGossip(new Uint8Array(2000), 1000))
  t.like(e, { name: 'MessageTooLargeError', size: 2000, limit: 1000 })
  const c = t.throws(() => decodeControl(new Uint8Array(17 * 1024)))
  t.like(c, { name: 'MessageTooLargeError', size: 17 * 1024 })
})

test('a control message with no or two request fields is UnexpectedMessageError', (t) => {
  t.like(
    t.throws(() => decodeControl(Uint8Array.of(0x08, 0x01))),
    { name: 'UnexpectedMessageError' },
  )
  // GetPeersRequest and PeerUnregisterRequest at once
  t.like(
    t.throws(() => decodeControl(Uint8Array.of(0x08, 0x01, 0x12, 0x00, 0x32, 0x00))),
    { name: 'UnexpectedMessageError' },
  )
})

test('an undefined PeerRegisterResponse status is rejected', (t) => {
  // status 9 is not in the enum
  t.like(
    t.throws(() => decodeControl(Uint8Array.of(0x08, 0x01, 0x2a, 0x02, 0x08, 0x09))),
    { name: 'MalformedMessageError' },
  )
})
