import { sha256 } from '@noble/hashes/sha2.js'
import test from 'ava'
import fc from 'fast-check'
import { CHUNK_HEADER, chainChunks, FIRST_HEADER, reassembleChunks } from '../src/chained.js'
import {
  ChunkHashMismatchError,
  ChunkMissingError,
  ChunkOrderError,
  ChunkSizeError,
  DlxError,
  SegmentationError,
} from '../src/errors.js'
import { holds } from './helpers.js'

const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255)
const metadata = new TextEncoder().encode('{"maxCost":3}')
const LIMIT = 128

test('every chunk but the last is exactly the limit; the first carries the metadata; each names the next', (t) => {
  const chunks = chainChunks({ metadata, payload }, LIMIT)
  const firstCap = LIMIT - CHUNK_HEADER - FIRST_HEADER - metadata.length
  t.is(chunks.length, 1 + Math.ceil((payload.length - firstCap) / (LIMIT - CHUNK_HEADER)))
  for (const c of chunks.slice(0, -1)) t.is(c.length, LIMIT)
  t.true(chunks.at(-1)!.length <= LIMIT)
  t.deepEqual(chunks[0]!.subarray(CHUNK_HEADER + FIRST_HEADER, CHUNK_HEADER + FIRST_HEADER + metadata.length), metadata)
  for (let i = 0; i + 1 < chunks.length; i++) t.deepEqual(chunks[i]!.subarray(10, 42), sha256(chunks[i + 1]!))
  t.deepEqual(chunks.at(-1)!.subarray(10, 42), new Uint8Array(32))
  const back = reassembleChunks(chunks, LIMIT)
  t.deepEqual(back.payload, payload)
  t.deepEqual(back.metadata, metadata)
})

test('a missing, reordered or altered chunk is rejected with a typed error', (t) => {
  const chunks = chainChunks({ metadata, payload }, LIMIT)
  t.throws(
    () =>
      reassembleChunks(
        chunks.filter((_, i) => i !== 3),
        LIMIT,
      ),
    { instanceOf: ChunkMissingError },
  )
  t.throws(() => reassembleChunks(chunks.slice(0, -1), LIMIT), { instanceOf: ChunkMissingError })
  const swapped = [...chunks]
  ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
  t.is(t.throws(() => reassembleChunks(swapped, LIMIT), { instanceOf: ChunkOrderError })?.position, 2)
  const altered = chunks.map((c) => c.slice())
  altered[4]![60] = altered[4]![60]! ^ 0x40
  t.is(t.throws(() => reassembleChunks(altered, LIMIT), { instanceOf: ChunkHashMismatchError })?.index, 4)
  const firstAltered = chunks.map((c) => c.slice())
  firstAltered[0]![LIMIT - 1] = firstAltered[0]![LIMIT - 1]! ^ 1
  t.is(t.throws(() => reassembleChunks(firstAltered, LIMIT), { instanceOf: ChunkHashMismatchError })?.index, 0)
  const shortMiddle = [...chunks]
  shortMiddle[1] = shortMiddle[1]!.subarray(0, LIMIT - 4)
  t.throws(() => reassembleChunks(shortMiddle, LIMIT), { instanceOf: ChunkSizeError })
  t.throws(() => chainChunks({ metadata, payload }, CHUNK_HEADER + FIRST_HEADER + metadata.length), {
    instanceOf: SegmentationError,
  })
})

test('property: chunks round-trip, and any single-byte change or drop is detected', (t) => {
  holds(
    t,
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 1500 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: 130, max: 400 }),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (pl, meta, limit, which, where, flip) => {
        const chunks = chainChunks({ metadata: meta, payload: pl }, limit)
        const back = reassembleChunks(chunks, limit)
        if (!Buffer.from(back.payload).equals(Buffer.from(pl))) return false
        if (!chunks.slice(0, -1).every((c) => c.length === limit)) return false
        const i = which % chunks.length
        const changed = chunks.map((c) => c.slice())
        const pos = where % changed[i]!.length
        changed[i]![pos] = changed[i]![pos]! ^ flip
        const detect = (cs: Uint8Array[]) => {
          try {
            reassembleChunks(cs, limit)
            return false
          } catch (e) {
            return e instanceof DlxError
          }
        }
        const dropped = chunks.filter((_, k) => k !== i)
        return detect(changed) && (chunks.length === 1 || detect(dropped))
      },
    ),
    200,
  )
})
