// The framer yields whole frames however TCP splits or coalesces them, and stops at garbage with a
// typed error after handing out every frame before it.

import test from 'ava'
import fc from 'fast-check'
import { FrameGarbageError, FrameTooLargeError } from '../src/errors.js'
import { createFramer } from '../src/framer.js'
import { ATT_SEND, decodeAttFrame, encodeAttFrame } from '../src/layouts/att.js'

const frame = (payload: Uint8Array, channelId = 0x03eb) =>
  encodeAttFrame({ type: ATT_SEND, initiator: 6, channelId, flag: 0x70, payload })

const payloads = fc.array(fc.uint8Array({ maxLength: 400 }), { minLength: 1, maxLength: 12 })

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts))
}

test('frames split at arbitrary points come out whole and in order', (t) => {
  fc.assert(
    fc.property(payloads, fc.array(fc.nat(), { maxLength: 30 }), (ps, cuts) => {
      const frames = ps.map((p) => frame(p))
      const stream = concat(frames)
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b)
      const framer = createFramer()
      const out: Uint8Array[] = []
      let last = 0
      for (const p of [...points, stream.length]) {
        const r = framer.push(stream.subarray(last, p))
        t.is(r.error, undefined)
        out.push(...r.frames)
        last = p
      }
      t.deepEqual(
        out.map((f) => decodeAttFrame(f).payload),
        ps,
      )
      t.is(framer.buffered, 0)
      t.is(framer.offset, stream.length)
    }),
    { numRuns: 200 },
  )
})

test('one byte at a time works', (t) => {
  const frames = [frame(new Uint8Array(200).fill(7)), frame(Uint8Array.of(1, 2, 3))]
  const stream = concat(frames)
  const framer = createFramer()
  const out: Uint8Array[] = []
  for (const b of stream) out.push(...framer.push(Uint8Array.of(b)).frames)
  t.deepEqual(out, frames)
})

test('garbage after two frames: both frames are delivered, then a typed error with the stream offset', (t) => {
  const good = [frame(Uint8Array.of(1)), frame(Uint8Array.of(2, 2))]
  const framer = createFramer()
  const r = framer.push(concat([...good, Uint8Array.of(0x47, 0x45, 0x54, 0x20)]))
  t.deepEqual(r.frames, good)
  t.true(r.error instanceof FrameGarbageError)
  t.is((r.error as FrameGarbageError).offset, good[0]!.length + good[1]!.length)
  // The framer stays failed: later bytes are not misread as frames.
  const again = framer.push(frame(Uint8Array.of(3)))
  t.deepEqual(again.frames, [])
  t.is(again.error, r.error)
})

test('a bad reserved byte or a length below 7 is garbage', (t) => {
  t.true(createFramer().push(Uint8Array.of(3, 1, 0, 9)).error instanceof FrameGarbageError)
  t.true(createFramer().push(Uint8Array.of(3, 0, 0, 6)).error instanceof FrameGarbageError)
})

test('a frame above the configured maximum is refused before its bytes arrive', (t) => {
  const framer = createFramer({ maxFrameSize: 100 })
  const ok = frame(new Uint8Array(50))
  const big = frame(new Uint8Array(200))
  const r = framer.push(concat([ok, big.subarray(0, 4)]))
  t.deepEqual(r.frames, [ok])
  t.true(r.error instanceof FrameTooLargeError)
  t.is((r.error as FrameTooLargeError).length, big.length)
  t.is((r.error as FrameTooLargeError).offset, ok.length)
})

test('frames are copies: reusing the input chunk does not change them', (t) => {
  const bytes = frame(Uint8Array.of(9, 9, 9)).slice()
  const framer = createFramer()
  const [f] = framer.push(bytes).frames
  bytes.fill(0)
  t.deepEqual(decodeAttFrame(f!).payload, Uint8Array.of(9, 9, 9))
})
