import test from 'ava'
import { type ForkHead, resolveFork } from '../src/index.js'

const head = (over: Partial<ForkHead>): ForkHead => ({
  id: 'h',
  parentId: 'p',
  duration: 10,
  aggregateLocalMean: 100,
  headerSignature: new Uint8Array([5]),
  ...over,
})

test('same parent: the smaller wait-certificate duration wins, whatever the aggregate', (t) => {
  t.is(resolveFork(head({ id: 'a', duration: 10 }), head({ id: 'b', duration: 9, aggregateLocalMean: 1 })), 'switch')
  t.is(resolveFork(head({ id: 'a', duration: 9 }), head({ id: 'b', duration: 10, aggregateLocalMean: 1e9 })), 'keep')
})

test('different parents: the larger aggregate local mean wins, whatever the duration', (t) => {
  t.is(
    resolveFork(
      head({ id: 'a', parentId: 'p1', aggregateLocalMean: 100 }),
      head({ id: 'b', parentId: 'p2', aggregateLocalMean: 101, duration: 1e6 }),
    ),
    'switch',
  )
  t.is(
    resolveFork(
      head({ id: 'a', parentId: 'p1', aggregateLocalMean: 101, duration: 1e6 }),
      head({ id: 'b', parentId: 'p2', aggregateLocalMean: 100, duration: 0 }),
    ),
    'keep',
  )
})

test('ties fall to the greater header signature (byte order = Sawtooth hex order)', (t) => {
  t.is(
    resolveFork(
      head({ id: 'a', headerSignature: new Uint8Array([1, 255]) }),
      head({ id: 'b', headerSignature: new Uint8Array([2, 0]) }),
    ),
    'switch',
  )
  t.is(
    resolveFork(
      head({ id: 'a', headerSignature: new Uint8Array([2, 0]) }),
      head({ id: 'b', headerSignature: new Uint8Array([1, 255]) }),
    ),
    'keep',
  )
  t.is(
    resolveFork(
      head({ id: 'a', parentId: 'x' }),
      head({ id: 'b', parentId: 'y', headerSignature: new Uint8Array([9]) }),
    ),
    'switch',
  )
  t.is(resolveFork(head({ id: 'a' }), head({ id: 'b' })), 'keep')
})

test('a non-PoET head (genesis) is replaced only by its own child', (t) => {
  t.is(resolveFork(head({ id: 'g', duration: undefined }), head({ id: 'c', parentId: 'g' })), 'switch')
  t.is(resolveFork(head({ id: 'g', duration: undefined }), head({ id: 'c', parentId: 'other' })), 'keep')
})
