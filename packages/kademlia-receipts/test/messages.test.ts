import test from 'ava'
import fc from 'fast-check'
import { BadSignatureError, KademliaError, MalformedMessageError } from '../src/errors.js'
import { generateIdentity, generateUnsignedIdentity } from '../src/identity.js'
import { type Body, type Contact, decodeMessage, encodeMessage, MessageType, StoreStatus } from '../src/messages.js'
import { seededRandom } from '../src/random.js'

const puzzle = { c1: 3, c2: 3 }
const rnd = seededRandom(42)
const signer = generateIdentity(puzzle, rnd)
const peers: Contact[] = Array.from({ length: 5 }, (_, i) => {
  const p = generateUnsignedIdentity(puzzle, rnd)
  return { publicKey: p.publicKey, x: p.x, address: `10.0.0.${i}:4000`, id: p.id, idHex: p.idHex }
})

const bodies: Body[] = [
  { type: MessageType.Ping },
  { type: MessageType.Pong },
  { type: MessageType.FindNode, target: new Uint8Array(32).fill(7) },
  { type: MessageType.Nodes, contacts: peers },
  { type: MessageType.Store, receipt: new Uint8Array([1, 2, 3]) },
  { type: MessageType.Stored, status: StoreStatus.Fork, held: new Uint8Array([9]) },
  { type: MessageType.FindReceipt, location: new Uint8Array(32).fill(1), updater: new Uint8Array(32).fill(2) },
  {
    type: MessageType.ReceiptAnswer,
    receipt: new Uint8Array(0),
    fork: [new Uint8Array([1]), new Uint8Array([2])],
    contacts: peers.slice(0, 2),
  },
  { type: MessageType.Fork, a: new Uint8Array([5]), b: new Uint8Array([6]) },
  { type: MessageType.ForkAck, accepted: true },
  { type: MessageType.Error, code: 3, message: 'nope' },
]

test('every message type round-trips signed, and the sender id is derived from its key', (t) => {
  for (const body of bodies) {
    const bytes = encodeMessage(signer, 77n, body)
    const msg = decodeMessage(bytes, { puzzle, authenticate: true })
    t.is(msg.nonce, 77n)
    t.is(msg.senderIdHex, signer.idHex)
    t.deepEqual(
      JSON.stringify(msg.body, (_, v) => (typeof v === 'bigint' ? `${v}` : v)),
      JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? `${v}` : v)),
    )
  }
})

test('a flipped bit anywhere in a signed message is rejected with a typed error', (t) => {
  const bytes = encodeMessage(signer, 1n, { type: MessageType.FindNode, target: new Uint8Array(32) })
  for (let i = 3; i < bytes.length; i += 7) {
    const bad = Uint8Array.from(bytes)
    bad[i] = (bad[i] as number) ^ 0x01
    const e = t.throws(() => decodeMessage(bad, { puzzle, authenticate: true }))
    t.true(e instanceof KademliaError, `offset ${i}: ${e?.name}`)
  }
  const tampered = Uint8Array.from(bytes)
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0xff
  t.throws(() => decodeMessage(tampered, { puzzle, authenticate: true }), { instanceOf: BadSignatureError })
})

test('an unsigned message is refused where authentication is required', (t) => {
  const unsigned = generateUnsignedIdentity(puzzle, rnd)
  const bytes = encodeMessage(unsigned, 1n, { type: MessageType.Ping })
  const e = t.throws(() => decodeMessage(bytes, { puzzle, authenticate: true }), { instanceOf: MalformedMessageError })
  t.is(e?.field, 'flags')
  t.is(decodeMessage(bytes, { puzzle, authenticate: false }).senderIdHex, unsigned.idHex)
})

test('truncations report the field and offset', (t) => {
  const bytes = encodeMessage(signer, 1n, { type: MessageType.Nodes, contacts: peers })
  const e = t.throws(() => decodeMessage(bytes.subarray(0, 20), { puzzle, authenticate: false }), {
    instanceOf: MalformedMessageError,
  })
  t.is(e?.field, 'sender.publicKey')
  t.is(e?.offset, 11)
})

test('arbitrary bytes never crash the decoder with anything but a KademliaError', (t) => {
  const valid = encodeMessage(signer, 5n, { type: MessageType.Nodes, contacts: peers })
  t.notThrows(() =>
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (junk, at, v) => {
          for (const input of [
            junk,
            (() => {
              const m = Uint8Array.from(valid)
              m[at] = v
              return m
            })(),
          ]) {
            try {
              decodeMessage(input, { puzzle, authenticate: false })
            } catch (e) {
              if (!(e instanceof KademliaError)) return false
            }
          }
          return true
        },
      ),
      { numRuns: 300 },
    ),
  )
})
