// Micro-profile of the operator's per-transfer work (docs/plasma.md#operator-throughput).
// Run under the bench lock: `flock /tmp/atmo-bench.lock node dist/bench/profile.js`.
// Prints one JSON line per component: microseconds per call (median of 5 repetitions).
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { keccak256Wasm, RESULT_ITEM, recoverBatch, WIRE_ITEM } from '../src/adapters/index.js'
import {
  addressFromBytes,
  addressOfKey,
  ChildChain,
  decodeTransaction,
  decodeTransactionFast,
  ETH,
  encodePosition,
  encodeTransaction,
  MerkleTree,
  recoverSigner,
  type SignatureRecoverer,
  transactionHash,
} from '../src/index.js'

const native = createRequire(import.meta.url)('secp256k1/bindings') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array
}

const N = 20_000
const keys = Array.from({ length: 200 }, () => secp256k1.utils.randomSecretKey())
const addrs = keys.map(addressOfKey)
const wire = new Uint8Array(WIRE_ITEM * N)
const blknumOf = (i: number) => BigInt(Math.floor(i / 999)) * 1000n + BigInt((i % 999) + 1)
for (let i = 0; i < N; i++) {
  const txBytes = encodeTransaction({
    inputs: [encodePosition({ blknum: blknumOf(i), txindex: 0, oindex: 0 }), 0n],
    outputs: [
      { owner: addrs[(i + 1) % 200] as `0x${string}`, token: ETH, amount: 600n },
      { owner: addrs[i % 200] as `0x${string}`, token: ETH, amount: 400n },
    ],
  })
  const { signature, recid } = native.ecdsaSign(transactionHash(txBytes), keys[i % 200] as Uint8Array)
  wire.set(txBytes, WIRE_ITEM * i)
  wire.set(signature, WIRE_ITEM * i + 256)
  wire[WIRE_ITEM * i + 256 + 64] = 27 + recid
}
const item = (i: number) => wire.subarray(WIRE_ITEM * i, WIRE_ITEM * (i + 1))
const txOf = (i: number) => wire.subarray(WIRE_ITEM * i, WIRE_ITEM * i + 256)
const sigOf = (i: number) => wire.subarray(WIRE_ITEM * i + 256, WIRE_ITEM * i + 256 + 65)
const digests = Array.from({ length: N }, (_, i) => transactionHash(txOf(i)))
const pubs = digests.map((d, i) =>
  native.ecdsaRecover(sigOf(i).subarray(0, 64), (sigOf(i)[64] as number) - 27, d, false),
)

const line = (o: Record<string, unknown>) => console.log(JSON.stringify(o))
let sink = 0
function time(component: string, count: number, fn: (i: number) => number): void {
  const samples: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    for (let i = 0; i < count; i++) sink ^= fn(i % N)
    samples.push(((performance.now() - t0) * 1000) / count)
  }
  samples.sort((a, b) => a - b)
  line({ component, usPerCall: +(samples[2] as number).toFixed(2) })
}

time('libsecp256k1 ecdsaRecover', 4000, (i) => {
  const sig = sigOf(i)
  return native.ecdsaRecover(
    sig.subarray(0, 64),
    (sig[64] as number) - 27,
    digests[i] as Uint8Array,
    false,
  )[1] as number
})
time('noble recoverPublicKey + address (pure JS)', 200, (i) => recoverSigner(digests[i] as Uint8Array, sigOf(i)).length)
for (const [what, data] of [
  ['public key 64 B', (i: number) => (pubs[i] as Uint8Array).subarray(1)],
  ['signing hash, tx 256 B', txOf],
  ['block leaf, tx ‖ sigs 386 B', item],
] as const) {
  time(`keccak256 ${what}: @noble/hashes`, N, (i) => keccak_256(data(i))[0] as number)
  time(`keccak256 ${what}: hash-wasm`, N, (i) => keccak256Wasm(data(i))[0] as number)
}
time('decode tx: binary-layout decodeTransaction', N, (i) => decodeTransaction(txOf(i)).outputs[0].owner.length)
time('decode tx: decodeTransactionFast', N, (i) => decodeTransactionFast(txOf(i)).outputs[0].owner.length)
time('address string: 0x + bytesToHex', N, (i) => `0x${bytesToHex((pubs[i] as Uint8Array).subarray(1, 21))}`.length)
time('address string: addressFromBytes', N, (i) => addressFromBytes(pubs[i] as Uint8Array, 1).length)
time('recoverBatch, whole worker job per tx (1 thread)', 4000, (i) => recoverBatch(item(i), 1)[0] as number)

// Main thread alone: submitEncoded + buildBlock + commit with the recovery already done (a
// recoverer answering precomputed results), so only decoding, checks, queueing, tree, commit.
const results: Uint8Array[] = []
for (let i = 0; i < N; i += 1000) results.push(recoverBatch(wire.subarray(WIRE_ITEM * i, WIRE_ITEM * (i + 1000)), 1000))
for (const [name, hash] of [
  ['noble', keccak_256],
  ['hash-wasm', keccak256Wasm],
] as const) {
  const samples: Record<string, number[]> = { submit: [], build: [], commit: [] }
  for (let rep = 0; rep < 5; rep++) {
    let call = 0
    const precomputed: SignatureRecoverer = {
      recoverInputs: () => Promise.reject(new Error('not used')),
      recoverEncoded: async () => results[call++] as Uint8Array,
    }
    const chain = new ChildChain({ recoverer: precomputed, keccak256: hash, nextBlknum: 1_000_000n })
    for (let i = 0; i < N; i++)
      chain.addDeposit(blknumOf(i), { owner: addrs[i % 200] as `0x${string}`, token: ETH, amount: 1000n })
    const t0 = performance.now()
    for (let i = 0; i < N; i += 1000) {
      const errors = await chain.submitEncoded(wire.subarray(WIRE_ITEM * i, WIRE_ITEM * (i + 1000)))
      if (errors.some((e) => e)) throw new Error('profile fixture rejected')
    }
    const t1 = performance.now()
    const built = chain.buildBlock()
    const t2 = performance.now()
    chain.commitBuiltBlock(1_000_000n, built)
    const t3 = performance.now()
    samples.submit?.push(((t1 - t0) * 1000) / N)
    samples.build?.push(((t2 - t1) * 1000) / N)
    samples.commit?.push(((t3 - t2) * 1000) / N)
  }
  for (const [phase, s] of Object.entries(samples)) {
    s.sort((a, b) => a - b)
    line({ component: `main thread per tx, ${phase} (tree: ${name})`, usPerCall: +(s[2] as number).toFixed(2) })
  }
}
{
  const leaves = Array.from({ length: N }, (_, i) =>
    (results[Math.floor(i / 1000)] as Uint8Array).subarray(
      RESULT_ITEM * (i % 1000) + 40,
      RESULT_ITEM * (i % 1000) + 72,
    ),
  )
  for (const [name, hash] of [
    ['noble', keccak_256],
    ['hash-wasm', keccak256Wasm],
  ] as const)
    time(`Merkle tree of ${N} leaves, whole tree (${name})`, 1, () => new MerkleTree(leaves, hash).root[0] as number)
}

// Worker round trip of one batch (n × 386 bytes there, n × 72 back, transferred), no work.
{
  const echo = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => { const out = new Uint8Array(72 * m.n); parentPort.postMessage({ out }, [out.buffer]) })`,
    { eval: true },
  )
  const once = (n: number) =>
    new Promise<void>((resolve) => {
      const buf = wire.slice(0, WIRE_ITEM * n)
      echo.once('message', () => resolve())
      echo.postMessage({ buf, n }, [buf.buffer])
    })
  for (const n of [1, 1000]) {
    for (let i = 0; i < 50; i++) await once(n)
    const t0 = performance.now()
    for (let i = 0; i < 200; i++) await once(n)
    const us = ((performance.now() - t0) * 1000) / 200
    line({ component: `worker round trip, batch of ${n}`, usPerCall: +us.toFixed(2), perTxUs: +(us / n).toFixed(3) })
  }
  await echo.terminate()
}
if (sink === 0.5) console.log(sink)
process.exit(0)
