// The lean type-2 decoder against ethereumjs: on random valid transactions, re-encoded
// variants (leading zeros, high s, odd y-parity bytes, other chains, access lists, contract
// creation) and random byte mutations, both paths must accept the same transactions with the
// same hash, sender, key, signature and message, and refuse the same ones with the same error.
import { RLP } from '@ethereumjs/rlp'
import { secp256k1 as noble } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import test from 'ava'
import { Wallet } from 'ethers'
import fc from 'fast-check'
import { type DecodedTransaction, type SethFamily, sethFamily } from '../src/index.js'
import { chainIdBytes, leanDecode1559 } from '../src/lean-tx.js'

const N = noble.Point.CURVE().n
const CHAIN = 31337n

function bytesOf(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'))
}

function minimal(x: bigint): Uint8Array {
  return chainIdBytes(x)
}

type Outcome = { ok: true; d: DecodedTransaction } | { ok: false; error: string }

function attempt(f: SethFamily, raw: Uint8Array): Outcome {
  try {
    return { ok: true, d: f.decode(Uint8Array.from(raw)) }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}

const bigUint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n })

const txArb = fc.record({
  key: fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
    const x = BigInt(`0x${Buffer.from(k).toString('hex')}`)
    return x > 0n && x < N
  }),
  chainId: fc.oneof({ weight: 6, arbitrary: fc.constant(CHAIN) }, { weight: 1, arbitrary: fc.constant(1n) }),
  nonce: fc.oneof(
    bigUint(8),
    bigUint(56),
    fc.constantFrom(0n, (1n << 56n) - 1n, 1n << 56n, (1n << 64n) - 2n, (1n << 64n) - 1n, 1n << 64n, 1n << 72n),
  ),
  tip: fc.oneof(fc.constant(0n), bigUint(40), bigUint(130)),
  extraFee: fc.oneof(fc.constant(0n), bigUint(40)),
  gasLimit: fc.oneof(fc.constantFrom(21000n, 0n, (1n << 64n) - 1n), bigUint(32)),
  to: fc.option(fc.uint8Array({ minLength: 20, maxLength: 20 }), { freq: 6 }),
  value: fc.oneof(fc.constant(0n), bigUint(64), bigUint(256)),
  data: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 80 })),
  accessList: fc.oneof(
    { weight: 5, arbitrary: fc.constant([] as { address: string; storageKeys: string[] }[]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc.record({
          address: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
          storageKeys: fc.array(
            fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
            { maxLength: 2 },
          ),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    },
  ),
})

/** Re-encodings of a signed type-2 transaction that ethereumjs may read differently or refuse. */
type Variant =
  | 'as signed'
  | 're-signed with the full nonce'
  | 'leading zero'
  | 'high s'
  | 'y-parity 0x00'
  | 'y-parity 2'
  | 'r zero'
  | 'extra field'
const variants: Variant[] = [
  'as signed',
  're-signed with the full nonce',
  'leading zero',
  'high s',
  'y-parity 0x00',
  'y-parity 2',
  'r zero',
  'extra field',
]

function variant(raw: Uint8Array, kind: Variant, field: number, key: Uint8Array, nonce: bigint): Uint8Array {
  if (kind === 'as signed') return raw
  const values = RLP.decode(raw.subarray(1)) as unknown as Uint8Array[]
  const v = [...values]
  if (kind === 're-signed with the full nonce') {
    // ethers takes a JavaScript number as nonce: nonces above 2^53 are signed here with noble.
    v[1] = minimal(nonce)
    const unsigned = RLP.encode(v.slice(0, 9))
    const hash = keccak_256(Uint8Array.of(2, ...unsigned))
    const sig = noble.sign(hash, key, { prehash: false, format: 'recovered' })
    v[9] = sig[0] === 1 ? Uint8Array.of(1) : new Uint8Array(0)
    v[10] = minimal(BigInt(`0x${Buffer.from(sig.subarray(1, 33)).toString('hex')}`))
    v[11] = minimal(BigInt(`0x${Buffer.from(sig.subarray(33)).toString('hex')}`))
  } else if (kind === 'leading zero') {
    const i = [0, 1, 2, 3, 4, 6, 9, 10, 11][field % 9]!
    v[i] = Uint8Array.of(0, ...v[i]!)
  } else if (kind === 'high s') {
    const s = BigInt(`0x${Buffer.from(v[11]!).toString('hex')}`)
    v[11] = minimal(N - s)
    v[9] = v[9]!.length === 0 ? Uint8Array.of(1) : new Uint8Array(0)
  } else if (kind === 'y-parity 0x00') v[9] = Uint8Array.of(0)
  else if (kind === 'y-parity 2') v[9] = Uint8Array.of(2)
  else if (kind === 'r zero') v[10] = new Uint8Array(0)
  else v.push(Uint8Array.of(1))
  const body = RLP.encode(v)
  return Uint8Array.of(2, ...body)
}

test('the lean type-2 decoder agrees with ethereumjs on random, re-encoded and mutated transactions', async (t) => {
  t.timeout(300_000)
  const lean = await sethFamily({ chainId: CHAIN })
  const reference = await sethFamily({ chainId: CHAIN })
  reference.leanDecoding = false
  const counts = { lean: 0, accepted: 0, refused: 0 }
  await fc.assert(
    fc.asyncProperty(
      txArb,
      fc.oneof(
        { weight: 6, arbitrary: fc.constant<Variant>('as signed') },
        { weight: 3, arbitrary: fc.constant<Variant>('re-signed with the full nonce') },
        { weight: 6, arbitrary: fc.constantFrom(...variants) },
      ),
      fc.nat(),
      // A random byte flipped in one case of three.
      fc.oneof(
        { weight: 2, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })) },
      ),
      async (g, kind, field, mutation) => {
        const w = new Wallet(`0x${Buffer.from(g.key).toString('hex')}`)
        const signed = bytesOf(
          await w.signTransaction({
            type: 2,
            chainId: g.chainId,
            nonce: Number(g.nonce > BigInt(Number.MAX_SAFE_INTEGER) ? 0n : g.nonce),
            to: g.to === null ? null : `0x${Buffer.from(g.to).toString('hex')}`,
            value: g.value,
            data: `0x${Buffer.from(g.data).toString('hex')}`,
            gasLimit: g.gasLimit,
            maxPriorityFeePerGas: g.tip,
            maxFeePerGas: g.tip + g.extraFee,
            accessList: g.accessList,
          }),
        )
        let raw = variant(signed, kind, field, g.key, g.nonce)
        if (mutation !== null) {
          raw = Uint8Array.from(raw)
          const [at, xor] = mutation
          raw[at % raw.length]! ^= xor
        }
        const a = attempt(lean, raw)
        const b = attempt(reference, raw)
        t.is(
          a.ok,
          b.ok,
          `${kind}: ${a.ok ? 'lean accepted' : (a as { error: string }).error} / ${b.ok ? 'ethereumjs accepted' : (b as { error: string }).error}`,
        )
        if (!a.ok || !b.ok) {
          if (!a.ok && !b.ok) t.is(a.error, b.error)
          counts.refused++
          return
        }
        counts.accepted++
        if (a.d.lean !== undefined) counts.lean++
        t.is(b.d.lean, undefined)
        t.is(a.d.hashHex, b.d.hashHex)
        t.is(a.d.sender.toString(), b.d.sender.toString())
        t.deepEqual(a.d.publicKey, b.d.publicKey)
        t.deepEqual(a.d.signature, b.d.signature)
        t.is(a.d.nonce, b.d.nonce)
        t.deepEqual(lean.message(a.d), reference.message(b.d))
        t.deepEqual(a.d.tx.serialize(), b.d.tx.serialize())
        t.is(a.d.tx.getSenderAddress().toString(), b.d.sender.toString())
        // Plain signed type-2 calls on our chain without an access list take the lean path.
        const plain =
          (kind === 'as signed' || kind === 're-signed with the full nonce') &&
          mutation === null &&
          g.to !== null &&
          g.accessList.length === 0
        const nonce = kind === 'as signed' && g.nonce > BigInt(Number.MAX_SAFE_INTEGER) ? 0n : g.nonce
        if (plain && g.chainId === CHAIN && nonce < 1n << 56n && g.tip < 1n << 128n && g.tip + g.extraFee < 1n << 128n)
          t.not(a.d.lean, undefined, 'lean path taken')
      },
    ),
    { numRuns: 1500 },
  )
  t.log(`${counts.accepted} accepted (${counts.lean} by the lean decoder), ${counts.refused} refused by both`)
  t.true(counts.lean > 300)
  t.true(counts.refused > 300)
})

test('the lean decoder declines what it does not handle', (t) => {
  const chain = chainIdBytes(CHAIN)
  t.is(leanDecode1559(new Uint8Array(0), chain), undefined)
  t.is(leanDecode1559(Uint8Array.of(1, 0xc0), chain), undefined, 'type 1')
  t.is(leanDecode1559(Uint8Array.of(2, 0xc0), chain), undefined, 'empty list')
  t.is(leanDecode1559(Uint8Array.of(2, 0xff), chain), undefined, 'bad RLP')
  t.deepEqual(chainIdBytes(31337n), Uint8Array.of(0x7a, 0x69))
  t.deepEqual(chainIdBytes(1n), Uint8Array.of(1))
})
