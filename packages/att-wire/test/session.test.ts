// The encrypted session refuses replayed, reordered and tampered records with typed errors.
import { x25519 } from '@noble/curves/ed25519.js'
import test from 'ava'
import fc from 'fast-check'
import {
  AttWireError,
  ReorderedRecordError,
  ReplayedRecordError,
  TamperedRecordError,
  UnexpectedMessageError,
} from '../src/errors.js'
import { decodeAttFrame } from '../src/layouts/att.js'
import { createSession, deriveSessionKeys, MAX_RECORD_PLAINTEXT } from '../src/session/session.js'

function pair() {
  const a = x25519.utils.randomSecretKey()
  const b = x25519.utils.randomSecretKey()
  const transcript = Uint8Array.of(1, 2, 3)
  const ka = deriveSessionKeys('initiator', a, x25519.getPublicKey(b), transcript)
  const kb = deriveSessionKeys('responder', b, x25519.getPublicKey(a), transcript)
  return {
    initiator: createSession({ role: 'initiator', keys: ka }),
    responder: createSession({ role: 'responder', keys: kb }),
    ka,
    kb,
  }
}

test('keys are per direction and agree across the two sides', (t) => {
  const { ka, kb } = pair()
  t.deepEqual(ka.send, kb.receive)
  t.deepEqual(ka.receive, kb.send)
  t.notDeepEqual(ka.send, ka.receive)
})

test('records round-trip in both directions, on any channel', (t) => {
  const { initiator, responder } = pair()
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0x3eb, max: 0x3ee }), (data, channel) => {
      const r = responder.open(initiator.seal(data, channel))
      t.deepEqual(r.plaintext, data)
      t.is(r.channelId, channel)
      t.deepEqual(initiator.open(responder.seal(data)).plaintext, data)
    }),
    { numRuns: 100 },
  )
})

test('the ciphertext does not contain the plaintext and the frame is a valid ATT frame', (t) => {
  const { initiator } = pair()
  const secret = new TextEncoder().encode('the meeting is at noon')
  const frame = initiator.seal(secret)
  t.false(Buffer.from(frame).includes(Buffer.from(secret)))
  t.is(decodeAttFrame(frame).type, 0x68)
})

test('a replayed record is refused', (t) => {
  const { initiator, responder } = pair()
  const first = initiator.seal(Uint8Array.of(1))
  responder.open(first)
  const e = t.throws(() => responder.open(first), { instanceOf: ReplayedRecordError })
  t.is(e?.sequence, 0n)
})

test('a reordered record is refused', (t) => {
  const { initiator, responder } = pair()
  initiator.seal(Uint8Array.of(1))
  const second = initiator.seal(Uint8Array.of(2))
  const e = t.throws(() => responder.open(second), { instanceOf: ReorderedRecordError })
  t.is(e?.sequence, 1n)
  t.is(e?.expected, 0n)
})

test('any flipped byte in the header, sequence-protected payload or tag is refused', (t) => {
  const { initiator, responder } = pair()
  const frame = initiator.seal(new Uint8Array(40).fill(5))
  let tampered = 0
  for (let i = 0; i < frame.length; i++) {
    const bad = frame.slice()
    bad[i]! ^= 0x01
    t.throws(() => responder.open(bad), { instanceOf: AttWireError })
    tampered++
  }
  t.is(tampered, frame.length)
  // Flipping a ciphertext byte is specifically an authentication failure.
  const bad = frame.slice()
  bad[bad.length - 20]! ^= 0x80
  t.throws(() => responder.open(bad), { instanceOf: TamperedRecordError })
  // Moving a record to another channel (header is associated data) is also caught.
  const moved = frame.slice()
  moved[11] = 0xec
  t.throws(() => responder.open(moved), { instanceOf: TamperedRecordError })
  // The genuine record still opens afterwards: refusals do not advance the counter.
  t.deepEqual(responder.open(frame).plaintext, new Uint8Array(40).fill(5))
})

test('a record sealed under another key is refused as tampered', (t) => {
  const one = pair()
  const two = pair()
  t.throws(() => two.responder.open(one.initiator.seal(Uint8Array.of(1))), { instanceOf: TamperedRecordError })
})

test('a side refuses frames of its own direction (reflection)', (t) => {
  const { initiator } = pair()
  t.throws(() => initiator.open(initiator.seal(Uint8Array.of(1))), { instanceOf: UnexpectedMessageError })
})

test('plaintext above one record is refused at sealing time', (t) => {
  const { initiator } = pair()
  t.notThrows(() => initiator.seal(new Uint8Array(MAX_RECORD_PLAINTEXT)))
  t.throws(() => initiator.seal(new Uint8Array(MAX_RECORD_PLAINTEXT + 1)), { name: 'EncodeError' })
})
