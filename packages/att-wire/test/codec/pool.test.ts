// Encoder results are views into a bump-allocated pool: regions are never reused, and encodings
// larger than the pool, or crossing its end, come out whole.
import test from 'ava'
import { ATT_SEND, decodeAttFrame, encodeAttFrame } from '../../src/layouts/att.js'
import { tptpMessageCodec } from '../../src/layouts/messages.js'

test('thousands of encodings keep their own bytes', (t) => {
  const frames: Uint8Array[] = []
  for (let i = 0; i < 5000; i++) {
    frames.push(
      encodeAttFrame({
        type: ATT_SEND,
        initiator: i % 100,
        channelId: 0x03eb,
        flag: 0x70,
        payload: new Uint8Array(i % 300).fill(i & 0xff),
      }),
    )
  }
  for (const [i, f] of frames.entries()) {
    const d = decodeAttFrame(f)
    t.is(d.initiator, i % 100)
    t.is(d.payload.length, i % 300)
    t.true(d.payload.every((b) => b === (i & 0xff)))
  }
})

test('an encoding larger than the pool grows it and stays intact', (t) => {
  const small = tptpMessageCodec.encode({ type: 'data', data: new Uint8Array(60_000).fill(1) })
  const big = tptpMessageCodec.encode({ type: 'data', data: new Uint8Array(200_000).fill(2) })
  const after = tptpMessageCodec.encode({ type: 'data', data: new Uint8Array(10).fill(3) })
  t.is(small.length, 60_001)
  t.is(big.length, 200_001)
  t.deepEqual(tptpMessageCodec.decode(small), { type: 'data', data: new Uint8Array(60_000).fill(1) })
  t.deepEqual(tptpMessageCodec.decode(big), { type: 'data', data: new Uint8Array(200_000).fill(2) })
  t.deepEqual(tptpMessageCodec.decode(after), { type: 'data', data: new Uint8Array(10).fill(3) })
})

test('a failed encoding leaves no trace in later results', (t) => {
  t.throws(() =>
    encodeAttFrame({ type: ATT_SEND, initiator: 1, channelId: 0x0400, flag: 0x70, payload: new Uint8Array(5) }),
  )
  const f = encodeAttFrame({ type: ATT_SEND, initiator: 1, channelId: 0x03ec, flag: 0x70, payload: Uint8Array.of(7) })
  t.is(decodeAttFrame(f).channelId, 0x03ec)
  t.is(f.length, 15)
})
