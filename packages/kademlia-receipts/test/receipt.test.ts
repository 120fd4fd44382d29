import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import test from 'ava'
import fc from 'fast-check'
import { toHex } from '../src/bytes.js'
import {
  BadSignatureError,
  InvalidForkEvidenceError,
  InvalidParameterError,
  KademliaError,
  MalformedMessageError,
} from '../src/errors.js'
import { keyLocation } from '../src/id.js'
import { decodeReceipt, openReceipt, ReceiptChain, signReceipt, verifyForkEvidence } from '../src/receipt.js'
import { ReceiptStore } from '../src/receipt-store.js'

const sk = ed25519.utils.randomSecretKey(new Uint8Array(32).fill(3))
const enc = new TextEncoder()

test('a chain links each version to the hash of the previous receipt', (t) => {
  const chain = new ReceiptChain(sk, enc.encode('res'))
  const v0 = chain.next(enc.encode('a'), 1n)
  const v1 = chain.next(enc.encode('b'), 2n)
  const v2 = chain.next(enc.encode('c'), 3n)
  t.is(v0.version, 0n)
  t.deepEqual(v0.prev, new Uint8Array(32))
  t.is(toHex(v1.prev), toHex(sha256(v0.bytes)))
  t.is(toHex(v2.prev), toHex(v1.hash))
  t.is(toHex(v2.valueHash), toHex(sha256(enc.encode('c'))))
  t.is(toHex(v2.location), toHex(keyLocation(enc.encode('res'))))
  const back = openReceipt(v2.bytes)
  t.is(back.version, 2n)
  t.is(back.time, 3n)
  t.is(toHex(back.updater), toHex(ed25519.getPublicKey(sk)))
})

test('receipt layout: 1 + 32 + 2 + key + 8 + 32 + 32 + 8 + 64 bytes', (t) => {
  const r = new ReceiptChain(sk, enc.encode('abc')).next(enc.encode('v'), 0n)
  t.is(r.bytes.length, 1 + 32 + 2 + 3 + 8 + 32 + 32 + 8 + 64)
  t.is(r.bytes[0], 1)
  t.is(r.bytes[33], 0)
  t.is(r.bytes[34], 3)
})

test('a tampered receipt fails its signature check', (t) => {
  const r = new ReceiptChain(sk, enc.encode('k')).next(enc.encode('v'), 5n)
  const bad = Uint8Array.from(r.bytes)
  bad[40] = (bad[40] as number) ^ 1
  const e = t.throws(() => openReceipt(bad), { instanceOf: BadSignatureError })
  t.is(e?.what, 'receipt')
})

test('version 0 must have a zero prev link', (t) => {
  t.throws(
    () =>
      signReceipt(
        {
          updater: ed25519.getPublicKey(sk),
          key: enc.encode('k'),
          version: 0n,
          valueHash: new Uint8Array(32),
          prev: new Uint8Array(32).fill(1),
          time: 0n,
        },
        sk,
      ),
    { instanceOf: InvalidParameterError },
  )
})

test('two receipts for one version are fork evidence anyone can verify', (t) => {
  const a = new ReceiptChain(sk, enc.encode('k'))
  a.next(enc.encode('v0'), 1n)
  const b = new ReceiptChain(sk, enc.encode('k'), a.head)
  const x = a.next(enc.encode('honest'), 2n)
  const y = b.next(enc.encode('fork'), 2n)
  const ev = verifyForkEvidence(x.bytes, y.bytes)
  t.is(ev.a.version, 1n)
  t.throws(() => verifyForkEvidence(x.bytes, x.bytes), { instanceOf: InvalidForkEvidenceError })
  const other = new ReceiptChain(ed25519.utils.randomSecretKey(new Uint8Array(32).fill(4)), enc.encode('k'))
  other.next(enc.encode('0'), 0n)
  t.throws(() => verifyForkEvidence(x.bytes, other.next(enc.encode('1'), 0n).bytes), {
    instanceOf: InvalidForkEvidenceError,
  })
  const forged = Uint8Array.from(y.bytes)
  forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1
  const e = t.throws(() => verifyForkEvidence(x.bytes, forged), { instanceOf: InvalidForkEvidenceError })
  t.regex(e?.message ?? '', /bad signature/)
})

test('the store keeps the latest version, refuses stale and broken links, records forks', (t) => {
  const store = new ReceiptStore()
  const chain = new ReceiptChain(sk, enc.encode('k'))
  const v0 = chain.next(enc.encode('0'), 0n)
  const v1 = chain.next(enc.encode('1'), 1n)
  t.is(store.put(v0).kind, 'stored')
  t.is(store.put(v0).kind, 'duplicate')
  t.is(store.put(v1).kind, 'stored')
  t.is(store.put(v0).kind, 'held-newer')
  t.is(store.get(v1.location, v1.updater)?.version, 1n)
  const fork = new ReceiptChain(sk, enc.encode('k'), v0).next(enc.encode('other'), 9n)
  t.is(store.put(fork).kind, 'fork')
  t.truthy(store.forkOf(v1.location, v1.updater))
  t.is(store.get(v1.location, v1.updater)?.version, 1n, 'the held receipt is not replaced by a fork')
  const skip = new ReceiptChain(sk, enc.encode('k'), fork).next(enc.encode('2'), 10n)
  t.is(store.put(skip).kind, 'broken-chain', 'v2 linking to the forked v1 does not extend the held v1')
})

test('arbitrary bytes never crash the receipt decoder', (t) => {
  const r = new ReceiptChain(sk, enc.encode('k')).next(enc.encode('v'), 0n)
  t.throws(() => decodeReceipt(r.bytes.subarray(0, 50)), { instanceOf: MalformedMessageError })
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          decodeReceipt(b)
        } catch (e) {
          return e instanceof KademliaError
        }
        return true
      }),
    ),
  )
})
