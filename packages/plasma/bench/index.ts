// Benchmarks of @atmosphere/plasma; one JSON line per result (format: docs/CONTRIBUTING.md).
//   plasma-child-tps  signed UTXO transfers/s through the operator: from signed bytes (386 per
//                     transfer, as POST /transactions receives them) through decoding, signature
//                     recovery, UTXO / double-spend / value checks, queueing, to a sealed block
//                     with its Merkle root applied to the UTXO set. Baseline: single-threaded
//                     pure-JS signature verification of the same transfers, in the same run.
//   plasma-gas-*      gas used by the root contract's operations on the in-process EVM.
import { createRequire } from 'node:module'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak256Wasm, nativeRecoverer, workerRecoverer } from '../src/adapters/index.js'
import {
  addressOfKey,
  ChildChain,
  ETH,
  encodePosition,
  encodeSignedTransaction,
  encodeTransaction,
  type Keccak256,
  nobleRecoverer,
  recoverSigner,
  type SignatureRecoverer,
  type SignedTransaction,
  transactionHash,
} from '../src/index.js'

const N = Number(process.env.PLASMA_BENCH_TXS ?? 20_000)
const OWNERS = 200

interface Fixture {
  deposits: Array<{ blknum: bigint; owner: `0x${string}`; amount: bigint }>
  txs: SignedTransaction[]
  /** Every transfer as the operator receives it: tx ‖ sigs, 386 bytes, back to back. */
  wire: Uint8Array
}

/** N transfers, each spending its own deposit; signed with libsecp256k1 to save setup time. */
function fixture(): Fixture {
  const native = createRequire(import.meta.url)('secp256k1/bindings') as {
    ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
  }
  const keys = Array.from({ length: OWNERS }, () => secp256k1.utils.randomSecretKey())
  const addrs = keys.map(addressOfKey)
  const deposits: Fixture['deposits'] = []
  const txs: SignedTransaction[] = []
  for (let i = 0; i < N; i++) {
    const owner = i % OWNERS
    // Deposit blocks 1..999 between each pair of child blocks; spread over intervals.
    const blknum = BigInt(Math.floor(i / 999)) * 1000n + BigInt((i % 999) + 1)
    deposits.push({ blknum, owner: addrs[owner] as `0x${string}`, amount: 1000n })
    const tx = {
      inputs: [encodePosition({ blknum, txindex: 0, oindex: 0 }), 0n] as const,
      outputs: [
        { owner: addrs[(owner + 1) % OWNERS] as `0x${string}`, token: ETH, amount: 600n },
        { owner: addrs[owner] as `0x${string}`, token: ETH, amount: 400n },
      ] as const,
    }
    const txBytes = encodeTransaction(tx)
    const { signature, recid } = native.ecdsaSign(transactionHash(txBytes), keys[owner] as Uint8Array)
    const sigs = new Uint8Array(130)
    sigs.set(signature, 0)
    sigs[64] = 27 + recid
    txs.push({ tx, txBytes, sigs })
  }
  const wire = new Uint8Array(386 * txs.length)
  for (const [i, s] of txs.entries()) wire.set(encodeSignedTransaction(s), 386 * i)
  return { deposits, txs, wire }
}

/**
 * Transfers/s from the first signed bytes submitted to a sealed, committed block with its
 * Merkle root. Batches of `batch` transfers (one HTTP request's worth each); with
 * `concurrent`, all batches are in flight together, so workers recover one batch while the
 * main thread decodes and validates another (an operator receiving from many clients).
 */
async function throughput(
  f: Fixture,
  recoverer: SignatureRecoverer,
  options: { concurrent?: boolean; keccak256?: Keccak256; batch?: number } = {},
): Promise<{ tps: number; cpuUsPerTx: number }> {
  const chain = new ChildChain({
    recoverer,
    nextBlknum: BigInt(Math.ceil(N / 999) + 1) * 1000n,
    ...(options.keccak256 ? { keccak256: options.keccak256 } : {}),
  })
  for (const d of f.deposits) chain.addDeposit(d.blknum, { owner: d.owner, token: ETH, amount: d.amount })
  const n = f.txs.length
  const step = 386 * (options.batch ?? 1000)
  const batches: Uint8Array[] = []
  for (let i = 0; i < 386 * n; i += step) batches.push(f.wire.subarray(i, Math.min(386 * n, i + step)))
  const c0 = process.cpuUsage() // every thread of the process: main and workers
  const t0 = performance.now()
  const results = options.concurrent ? await Promise.all(batches.map((b) => chain.submitEncoded(b))) : []
  if (!options.concurrent) for (const b of batches) results.push(await chain.submitEncoded(b))
  const bad = results.flat().find((e) => e !== undefined)
  if (bad) throw bad
  const built = chain.buildBlock()
  chain.commitBuiltBlock(chain.nextBlknum, built)
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  if (built.transactions.length !== n) throw new Error('not every transfer made it into the block')
  return { tps: n / seconds, cpuUsPerTx: (cpu.user + cpu.system) / n }
}

function verifyOnly(f: Fixture, count: number): number {
  const t0 = performance.now()
  for (const s of f.txs.slice(0, count)) {
    const owner = recoverSigner(transactionHash(s.txBytes), s.sigs.subarray(0, 65))
    if (owner.length !== 42) throw new Error('bad recovery')
  }
  return count / ((performance.now() - t0) / 1000)
}

const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o))

const f = fixture()
// Baseline first: pure-JS verification on one thread (a sample; it is slow).
const baseline = verifyOnly(f, Math.min(N, 2000))
const workers = workerRecoverer()
// Warm-up (JIT, worker start-up), then the measured run.
await throughput(f, workers, { concurrent: true, keccak256: keccak256Wasm })
const pooled = await throughput(f, workers, { concurrent: true, keccak256: keccak256Wasm })
await workers.close?.()
const nativeOne = await throughput(f, nativeRecoverer(), { keccak256: keccak256Wasm })
const small = { deposits: f.deposits.slice(0, 2000), txs: f.txs.slice(0, 2000), wire: f.wire.subarray(0, 386 * 2000) }
const nobleOne = await throughput(small, nobleRecoverer())
const r = (x: number) => Math.round(x)
line({
  bench: 'plasma-child-tps',
  value: r(pooled.tps),
  unit: 'tx/s',
  baseline: 'single-threaded pure-JS signature verification',
  baselineValue: r(baseline),
  ratio: +(pooled.tps / baseline).toFixed(2),
  threads: workers.threads,
  cpuUsPerTx: +pooled.cpuUsPerTx.toFixed(1),
  txs: N,
  target: 20000,
})
line({
  bench: 'plasma-child-tps-native-1-thread',
  value: r(nativeOne.tps),
  unit: 'tx/s',
  baseline: 'single-threaded pure-JS signature verification',
  baselineValue: r(baseline),
  ratio: +(nativeOne.tps / baseline).toFixed(2),
  cpuUsPerTx: +nativeOne.cpuUsPerTx.toFixed(1),
})
line({
  bench: 'plasma-child-tps-pure-js-1-thread',
  value: r(nobleOne.tps),
  unit: 'tx/s',
  baseline: 'single-threaded pure-JS signature verification',
  baselineValue: r(baseline),
  ratio: +(nobleOne.tps / baseline).toFixed(2),
})

// Gas on the in-process EVM.
const { gasReport } = await import('./gas.js')
for (const [op, gas] of Object.entries(await gasReport()))
  line({ bench: `plasma-gas-${op}`, value: Number(gas), unit: 'gas' })
process.exit(0)
