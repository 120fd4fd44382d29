// The two builds of libsecp256k1 (native N-API binding, WebAssembly fallback) must agree on
// every operation Seth uses, on valid and invalid input; and a chain runs on either.
import { memoryStore, randomSecretKey } from '@atmosphere/ledger'
import { secp256k1 as noble } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import test from 'ava'
import { Wallet } from 'ethers'
import fc from 'fast-check'
import { createDevChain, loadNativeSecp, type SecpBackend, secpBackend, sethFamily, wasmSecp } from '../src/index.js'
import { KEYS } from './helpers.js'

const native = loadNativeSecp()
const N = noble.Point.CURVE().n

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
  const x = BigInt(`0x${Buffer.from(k).toString('hex')}`)
  return x > 0n && x < N
})
const digest = fc.uint8Array({ minLength: 32, maxLength: 32 })

function be32(x: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'))
}

test('the native binding loads on this machine (linux-x64 prebuild) and is the default', (t) => {
  t.not(native, undefined)
  t.is(secpBackend.name, process.env.SETH_SECP === 'wasm' ? 'wasm' : 'native')
})

test('native and WebAssembly libsecp256k1 agree: keys, signatures, verification and recovery', (t) => {
  if (native === undefined) return t.fail('native binding missing')
  const backends: SecpBackend[] = [native, wasmSecp]
  fc.assert(
    fc.property(key, digest, digest, fc.boolean(), (sk, msg, other, flipS) => {
      const [a, b] = backends as [SecpBackend, SecpBackend]
      const pa = a.publicKey(sk)
      t.deepEqual(pa, b.publicKey(sk))
      const sig = a.sign(msg, sk)
      t.deepEqual(sig, b.sign(msg, sk), 'RFC 6979 signatures are identical')
      t.deepEqual(sig, noble.sign(msg, sk, { prehash: false, format: 'compact' }), 'and match @noble/curves')
      for (const x of backends) {
        t.true(x.verify(msg, pa, sig))
        t.is(x.verify(other, pa, sig), a.verify(other, pa, sig))
      }
      // High s is refused by both; recovery with either id gives the same answer on both.
      const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`)
      const high = new Uint8Array(64)
      high.set(sig.subarray(0, 32))
      high.set(be32(N - s), 32)
      for (const x of backends) t.false(x.verify(msg, pa, high))
      const used = flipS ? high : sig
      for (const id of [0, 1] as const) {
        const ra = a.recover(msg, used, id)
        const rb = b.recover(msg, used, id)
        t.deepEqual(ra, rb)
        if (ra !== null) t.deepEqual(a.compress(ra), b.compress(ra))
      }
      const full = noble.Point.fromBytes(pa).toBytes(false)
      t.deepEqual(a.compress(full), pa)
      t.deepEqual(b.compress(full), pa)
    }),
    { numRuns: 200 },
  )
})

test('both builds refuse the same malformed signatures and keys', (t) => {
  if (native === undefined) return t.fail('native binding missing')
  const msg = sha256(new Uint8Array([1, 2, 3]))
  const zero = new Uint8Array(64)
  const overflow = new Uint8Array(64).fill(0xff)
  const sk = randomSecretKey()
  const pub = native.publicKey(sk)
  for (const x of [native, wasmSecp]) {
    t.is(x.recover(msg, zero, 0), null, `${x.name}: r = s = 0`)
    t.is(x.recover(msg, overflow, 1), null, `${x.name}: r, s ≥ n`)
    t.false(x.verify(msg, pub, zero), `${x.name}: verify r = s = 0`)
    t.false(x.verify(msg, pub, overflow), `${x.name}: verify r, s ≥ n`)
    t.false(x.verify(msg, new Uint8Array(33), x.sign(msg, sk)), `${x.name}: bad public key`)
    t.throws(() => x.publicKey(new Uint8Array(32)), undefined, `${x.name}: zero key`)
    t.throws(() => x.publicKey(be32(N)), undefined, `${x.name}: key = n`)
  }
})

test('SETH_SECP=wasm forces the WebAssembly fallback', (t) => {
  const before = process.env.SETH_SECP
  process.env.SETH_SECP = 'wasm'
  try {
    t.is(loadNativeSecp(), undefined)
  } finally {
    if (before === undefined) delete process.env.SETH_SECP
    else process.env.SETH_SECP = before
  }
})

test('a transaction decodes to the same sender, key and signature on either build, and a chain runs on each', async (t) => {
  if (native === undefined) return t.fail('native binding missing')
  const families = await Promise.all([
    sethFamily({ chainId: 31337n, secpBackend: native }),
    sethFamily({ chainId: 31337n, secpBackend: wasmSecp }),
  ])
  const w = new Wallet(KEYS[1])
  for (const [nonce, type] of [
    [0, 0],
    [1, 1],
    [2, 2],
  ] as const) {
    const raw = Buffer.from(
      (
        await w.signTransaction({
          type,
          chainId: 31337n,
          nonce,
          to: '0x000000000000000000000000000000000000dEaD',
          value: 5n,
          gasLimit: 21000n,
          ...(type === 2 ? { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n } : { gasPrice: 0n }),
        })
      ).slice(2),
      'hex',
    )
    const [a, b] = families.map((f) => f.decode(Uint8Array.from(raw)))
    t.is(a!.sender.toString(), w.address.toLowerCase() as `0x${string}`)
    t.is(b!.sender.toString(), a!.sender.toString())
    t.deepEqual(b!.publicKey, a!.publicKey)
    t.deepEqual(b!.signature, a!.signature)
  }
  for (const backend of [native, wasmSecp]) {
    const chain = await createDevChain({
      store: memoryStore(),
      secretKey: randomSecretKey(),
      alloc: { [w.address]: 10n ** 18n },
      mining: { mode: 'manual' },
      secpBackend: backend,
    })
    try {
      const raw = await w.signTransaction({
        type: 2,
        chainId: 31337n,
        nonce: 0,
        to: '0x000000000000000000000000000000000000dEaD',
        value: 7n,
        gasLimit: 21000n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
      })
      const hash = await chain.node.sendRawTransaction(Uint8Array.from(Buffer.from(raw.slice(2), 'hex')))
      const block = await chain.node.mine()
      t.truthy(block, backend.name)
      t.is((await chain.node.transaction(hash.slice(2)))?.receipt.status, 1, backend.name)
      t.is((await chain.node.account('000000000000000000000000000000000000dead')).balance, 7n, backend.name)
    } finally {
      await chain.close()
    }
  }
})
