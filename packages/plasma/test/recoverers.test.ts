// libsecp256k1 and worker-thread recovery agree with the pure-JS recovery, including on
// unused inputs and on signatures that do not recover.
import test from 'ava'
import { nativeRecoverer, nativeRecoveryAvailable, workerRecoverer } from '../src/adapters/index.js'
import {
  addressOfKey,
  ETH,
  encodePosition,
  leafOf,
  nobleRecoverer,
  type SignedTransaction,
  signTransaction,
} from '../src/index.js'

function batch(n: number): SignedTransaction[] {
  const out: SignedTransaction[] = []
  for (let i = 0; i < n; i++) {
    const key = new Uint8Array(32).fill((i % 200) + 1)
    const s = signTransaction(
      {
        inputs: [
          encodePosition({ blknum: BigInt(i + 1), txindex: 0, oindex: 0 }),
          i % 3 === 0 ? encodePosition({ blknum: 1000n, txindex: i, oindex: 1 }) : 0n,
        ],
        outputs: [
          { owner: addressOfKey(key), token: ETH, amount: BigInt(i + 1) },
          { owner: ETH, token: ETH, amount: 0n },
        ],
      },
      key,
    )
    if (i % 7 === 0) {
      const sigs = s.sigs.slice()
      sigs[64] = 31 // an impossible v: does not recover
      out.push({ ...s, sigs })
    } else out.push(s)
  }
  return out
}

test('native and worker recovery give the same signers as pure JS', async (t) => {
  const txs = batch(300)
  const expected = await nobleRecoverer().recoverInputs(txs)
  t.true(nativeRecoveryAvailable, 'the prebuilt libsecp256k1 binding loads on this platform')
  t.deepEqual(await nativeRecoverer().recoverInputs(txs), expected)
  const pool = workerRecoverer({ threads: 2, minBatchPerThread: 16 })
  try {
    const [a, b] = await Promise.all([pool.recoverInputs(txs.slice(0, 150)), pool.recoverInputs(txs.slice(150))])
    t.deepEqual([...a, ...b], expected)
  } finally {
    await pool.close?.()
  }
  const hashed = await workerRecoverer({ threads: 2, minBatchPerThread: 16 })
  try {
    const { leaves } = await (hashed.recoverAndHash?.(txs) ?? Promise.reject(new Error('no recoverAndHash')))
    t.deepEqual(leaves, txs.map(leafOf), 'workers compute the same block leaves')
  } finally {
    await hashed.close?.()
  }
  t.is(expected[0]?.[0], undefined, 'a signature with v = 31 recovers to nobody')
  t.is(expected[1]?.[1], undefined, 'an unused input has no signer')
  t.is(expected[1]?.[0], addressOfKey(new Uint8Array(32).fill(2)))
})
