// The operator's fast paths give exactly what the general paths give: the hand decoder and
// binary-layout, hash-wasm and @noble/hashes, the contiguous Merkle tree and the pairwise
// one, the flat-array findViolation and the Map-based one it replaced, the batch recovery and
// per-transaction pure-JS recovery, submitEncoded (workers) and submit (pure JS).

import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import test from 'ava'
import fc from 'fast-check'
import { keccak256Wasm, nativeRecoverer, recoverBatch, workerRecoverer } from '../src/adapters/index.js'
import {
  type Address,
  addressFromBytes,
  addressOfKey,
  ChildChain,
  decodeTransaction,
  decodeTransactionFast,
  ETH,
  encodePosition,
  encodeSignedTransaction,
  encodeTransaction,
  findViolation,
  InvalidTransactionError,
  leafOf,
  MalformedDataError,
  MerkleTree,
  nobleRecoverer,
  type Output,
  recoverSigner,
  type SignedTransaction,
  signInput,
  signTransaction,
  TREE_DEPTH,
  transactionHash,
  type Violation,
} from '../src/index.js'

const outcome = <T>(f: () => T): { ok: T } | { err: Record<string, unknown> } => {
  try {
    return { ok: f() }
  } catch (e) {
    const m = e as MalformedDataError
    return {
      err: { name: m.name, what: m.what, field: m.field, offset: m.offset, expected: m.expected, actual: m.actual },
    }
  }
}

/** 256 bytes that are mostly a well-formed transaction, sometimes with a bad address word. */
const txBytesArb = fc
  .tuple(
    fc.uint8Array({ minLength: 256, maxLength: 256 }),
    fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([raw, dirty, bigWords]) => {
    const b = raw.slice()
    // Address words 2, 3, 5, 6 (owner/token of each output) are clean unless listed in `dirty`.
    for (const [d, w] of [2, 3, 5, 6].entries()) if (!dirty.includes(d)) b.fill(0, 32 * w, 32 * w + 12)
    if (!bigWords) for (const w of [0, 1, 4, 7]) b.fill(0, 32 * w, 32 * w + 24) // small numbers too
    return b
  })

test('decodeTransactionFast equals binary-layout decodeTransaction, errors included', (t) => {
  fc.assert(
    fc.property(txBytesArb, (b) => {
      t.deepEqual(
        outcome(() => decodeTransactionFast(b)),
        outcome(() => decodeTransaction(b)),
      )
    }),
    { numRuns: 500 },
  )
  for (const n of [0, 255, 257, 386]) {
    const b = new Uint8Array(n)
    t.deepEqual(
      outcome(() => decodeTransactionFast(b)),
      outcome(() => decodeTransaction(b)),
    )
  }
  const max = new Uint8Array(256).fill(0xff)
  for (const w of [2, 3, 5, 6]) max.fill(0, 32 * w, 32 * w + 12)
  t.deepEqual(decodeTransactionFast(max), decodeTransaction(max), 'all-ones words: 2^256 - 1 and 0xff… addresses')
})

test('addressFromBytes equals 0x + bytesToHex; hash-wasm keccak256 equals @noble/hashes', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.nat(40), (b, off) => {
      if (off + 20 <= b.length) t.is(addressFromBytes(b, off), `0x${bytesToHex(b.subarray(off, off + 20))}`)
      else t.throws(() => addressFromBytes(b, off), { instanceOf: MalformedDataError })
    }),
    { numRuns: 300 },
  )
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 1200 }), (b) => {
      t.deepEqual(keccak256Wasm(b), keccak_256(b))
    }),
    { numRuns: 300 },
  )
  for (const n of [0, 1, 135, 136, 137, 271, 272, 386])
    t.deepEqual(keccak256Wasm(new Uint8Array(n)), keccak_256(new Uint8Array(n)))
})

/** The tree as it was built before: arrays of nodes, each pair copied and hashed. */
function referenceTree(leaves: Uint8Array[]): { levels: Uint8Array[][]; zero: Uint8Array[]; root: Uint8Array } {
  const pair = (a: Uint8Array, b: Uint8Array) => {
    const buf = new Uint8Array(64)
    buf.set(a, 0)
    buf.set(b, 32)
    return keccak_256(buf)
  }
  const zero: Uint8Array[] = [new Uint8Array(32)]
  for (let k = 0; k < TREE_DEPTH; k++) zero.push(pair(zero[k] as Uint8Array, zero[k] as Uint8Array))
  const levels = [leaves]
  for (let k = 0; k < TREE_DEPTH; k++) {
    const below = levels[k] as Uint8Array[]
    const above: Uint8Array[] = []
    for (let i = 0; i < below.length; i += 2)
      above.push(pair(below[i] as Uint8Array, below[i + 1] ?? (zero[k] as Uint8Array)))
    levels.push(above)
  }
  return { levels, zero, root: (levels[TREE_DEPTH] as Uint8Array[])[0] ?? (zero[TREE_DEPTH] as Uint8Array) }
}

test('the contiguous Merkle tree (noble or hash-wasm) has the pairwise tree’s root and proofs', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 70 }),
      fc.nat(200),
      (leaves, probe) => {
        const ref = referenceTree(leaves)
        const expectedProof = new Uint8Array(32 * TREE_DEPTH)
        for (let k = 0, i = probe; k < TREE_DEPTH; k++, i >>= 1)
          expectedProof.set((ref.levels[k] as Uint8Array[])[i ^ 1] ?? (ref.zero[k] as Uint8Array), 32 * k)
        for (const tree of [new MerkleTree(leaves), new MerkleTree(leaves, keccak256Wasm)]) {
          t.deepEqual(tree.root, ref.root)
          t.deepEqual(tree.proof(probe), expectedProof)
        }
      },
    ),
    { numRuns: 60 },
  )
})

/** findViolation as it was before the flat-array rewrite (Maps and a Set per call). */
function referenceViolation(
  s: SignedTransaction,
  signers: readonly [Address | undefined, Address | undefined],
  lookup: (pos: bigint) => Output | undefined,
  spentAt: (pos: bigint) => Violation['firstSpend'] | undefined,
): Violation | undefined {
  const [in0, in1] = s.tx.inputs
  if (in0 === 0n && in1 === 0n)
    return { error: new InvalidTransactionError('no-inputs', 'a transaction spends at least one output') }
  if (in0 === in1) {
    return { error: new InvalidTransactionError('duplicate-input', `both inputs spend ${in0}`, in0), inputIndex: 1 }
  }
  const totals = new Map<Address, bigint>()
  for (const i of [0, 1] as const) {
    const pos = s.tx.inputs[i]
    if (pos === 0n) continue
    const out = lookup(pos)
    if (!out) {
      const first = spentAt(pos)
      if (first) {
        return {
          error: new InvalidTransactionError('input-already-spent', `input ${i} (${pos}) was already spent`, pos),
          inputIndex: i,
          firstSpend: first,
        }
      }
      return {
        error: new InvalidTransactionError('unknown-input', `input ${i} (${pos}) does not exist`, pos),
        inputIndex: i,
      }
    }
    if (signers[i] !== out.owner) {
      return {
        error: new InvalidTransactionError(
          'bad-signature',
          `input ${i} is owned by ${out.owner}, signed by ${signers[i] ?? 'nobody'}`,
          pos,
        ),
        inputIndex: i,
      }
    }
    totals.set(out.token, (totals.get(out.token) ?? 0n) + out.amount)
  }
  const outs = new Map<Address, bigint>()
  for (const [o, out] of s.tx.outputs.entries()) {
    if (out.amount === 0n) {
      if (out.owner !== ETH || out.token !== ETH) {
        return { error: new InvalidTransactionError('bad-output', `output ${o} has amount 0 but an owner or token`) }
      }
      continue
    }
    if (out.owner === ETH)
      return { error: new InvalidTransactionError('bad-output', `output ${o} pays the zero address`) }
    outs.set(out.token, (outs.get(out.token) ?? 0n) + out.amount)
  }
  for (const token of new Set([...totals.keys(), ...outs.keys()])) {
    const a = totals.get(token) ?? 0n
    const b = outs.get(token) ?? 0n
    if (a !== b) {
      return {
        error: new InvalidTransactionError('value-not-conserved', `token ${token}: inputs ${a}, outputs ${b}`, token),
      }
    }
  }
  return undefined
}

const A = '0x00000000000000000000000000000000000000aa' as Address
const B = '0x00000000000000000000000000000000000000bb' as Address
const T = '0x0000000000000000000000000000000000000077' as Address

test('findViolation equals the Map-based reference on random transactions and UTXO sets', (t) => {
  const addr = fc.constantFrom<Address>(ETH, A, B, T)
  const amount = fc.constantFrom(0n, 1n, 2n, 3n, 5n, 2n ** 200n)
  const output = fc.record({ owner: addr, token: addr, amount })
  const pos = fc.constantFrom(0n, 1n, 2n, 3n, 4n)
  fc.assert(
    fc.property(
      fc.tuple(pos, pos),
      fc.tuple(output, output),
      fc.tuple(fc.option(addr, { nil: undefined }), fc.option(addr, { nil: undefined })),
      fc.array(fc.tuple(pos, output), { maxLength: 5 }),
      fc.array(pos, { maxLength: 3 }),
      (inputs, outputs, signers, utxoList, spentList) => {
        const utxos = new Map<bigint, Output>(utxoList)
        const spent = new Map<bigint, NonNullable<Violation['firstSpend']>>(
          spentList.map((p) => [p, { blknum: 1000n, txindex: Number(p), inputIndex: 0 as const }]),
        )
        const s = { tx: { inputs, outputs }, txBytes: new Uint8Array(256), sigs: new Uint8Array(130) }
        const got = findViolation(
          s,
          signers,
          (p) => utxos.get(p),
          (p) => spent.get(p),
        )
        const want = referenceViolation(
          s,
          signers,
          (p) => utxos.get(p),
          (p) => spent.get(p),
        )
        const view = (v: Violation | undefined) =>
          v && { ...v, error: { rule: v.error.rule, message: v.error.message, value: v.error.value } }
        t.deepEqual(view(got), view(want))
      },
    ),
    { numRuns: 2000 },
  )
})

const keyOf = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (j === 31 ? i + 1 : 0x11))

test('recoverBatch equals per-transaction pure-JS recovery and leafOf, odd signatures included', (t) => {
  const txs: SignedTransaction[] = []
  for (let i = 0; i < 40; i++) {
    const s = signTransaction(
      {
        inputs: [
          i % 5 === 4 ? 0n : encodePosition({ blknum: BigInt(i + 1), txindex: 0, oindex: 0 }),
          i % 2 ? encodePosition({ blknum: 2000n, txindex: i, oindex: 1 }) : 0n,
        ],
        outputs: [
          { owner: addressOfKey(keyOf(i)), token: ETH, amount: BigInt(i) },
          { owner: ETH, token: ETH, amount: 0n },
        ],
      },
      keyOf(i % 7),
    )
    const sigs = s.sigs.slice()
    if (i % 6 === 1) sigs[64] = 29 // not 27/28
    if (i % 6 === 2) sigs.fill(0, 0, 32) // r = 0
    if (i % 6 === 3) sigs.fill(0xff, 32, 64) // s ≥ n
    if (i % 6 === 5) sigs[10] = (sigs[10] as number) ^ 1 // another signer
    txs.push({ ...s, sigs })
  }
  const wire = new Uint8Array(386 * txs.length)
  for (const [k, s] of txs.entries()) wire.set(encodeSignedTransaction(s), 386 * k)
  const out = recoverBatch(wire, txs.length)
  for (const [k, s] of txs.entries()) {
    const digest = transactionHash(s.txBytes)
    for (const i of [0, 1] as const) {
      let expected: Address | undefined
      if (s.tx.inputs[i] !== 0n) {
        try {
          expected = recoverSigner(digest, s.sigs.subarray(65 * i, 65 * i + 65))
        } catch {
          expected = undefined
        }
      }
      const got = out.subarray(72 * k + 20 * i, 72 * k + 20 * i + 20)
      t.is(got.some((b) => b !== 0) ? addressFromBytes(got) : undefined, expected, `tx ${k} input ${i}`)
    }
    t.deepEqual(out.subarray(72 * k + 40, 72 * k + 72), leafOf(s), `leaf ${k}`)
  }
})

/** A random batch against a few deposits: valid spends, replays, forgeries, inflation, bad outputs. */
function randomBatch(seed: number[]): { deposits: Array<[bigint, Address]>; txs: SignedTransaction[] } {
  const keys = [1, 2, 3].map(keyOf)
  const owners = keys.map(addressOfKey)
  const deposits: Array<[bigint, Address]> = [1, 2, 3, 4, 5, 6].map((b) => [BigInt(b), owners[b % 3] as Address])
  const txs = seed.map((r, k) => {
    const d = r % 6
    const other = (r >> 3) % 8 // 6: unused input, 7: a block with no deposit
    const pos = (x: number) => (x === 6 ? 0n : encodePosition({ blknum: BigInt(x + 1), txindex: 0, oindex: 0 }))
    const inputs = [pos(d), other === d ? pos(d) : pos(other)] as const
    const value = (inputs[1] === 0n || inputs[1] === inputs[0] ? 10n : 20n) + ((r >> 6) % 4 === 0 ? 1n : 0n)
    const to = owners[(r >> 8) % 3] as Address
    const tx = {
      inputs,
      outputs: [
        { owner: (r >> 10) % 9 === 0 ? ETH : to, token: ETH, amount: value },
        { owner: ETH, token: ETH, amount: 0n },
      ] as const,
    }
    // Deposit block x + 1 belongs to owners[(x + 1) % 3]; one in five is signed by someone else.
    const keyFor = (x: number) => keys[((r >> 12) % 5 === 0 ? x + 2 : x + 1) % 3] as Uint8Array
    let s = signInput(tx, 0, keyFor(d))
    if (inputs[1] !== 0n) {
      const second = signInput(encodeTransaction(tx), 1, keyFor(other))
      const sigs = s.sigs.slice()
      sigs.set(second.sigs.subarray(65, 130), 65)
      s = { ...s, sigs }
    }
    if (k % 11 === 10) {
      const sigs = s.sigs.slice()
      sigs[64] = 26
      s = { ...s, sigs }
    }
    return s
  })
  return { deposits, txs }
}

test('submitEncoded through worker threads equals submit with pure-JS recovery, block root included', async (t) => {
  const workers = workerRecoverer({ threads: 2, minBatchPerThread: 4 })
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(1 << 16), { minLength: 1, maxLength: 24 }), async (seed) => {
        const { deposits, txs } = randomBatch(seed)
        const chains = [
          new ChildChain({ recoverer: nobleRecoverer() }),
          new ChildChain({ recoverer: workers, keccak256: keccak256Wasm }),
          new ChildChain({ recoverer: nativeRecoverer(), keccak256: keccak256Wasm }),
        ]
        for (const c of chains) for (const [b, owner] of deposits) c.addDeposit(b, { owner, token: ETH, amount: 10n })
        const wire = new Uint8Array(386 * txs.length)
        for (const [k, s] of txs.entries()) wire.set(encodeSignedTransaction(s), 386 * k)
        const view = (r: Array<{ rule: string; message: string } | undefined>) =>
          r.map((e) => e && { rule: e.rule, message: e.message })
        const expected = view(await (chains[0] as ChildChain).submit(txs))
        t.deepEqual(view(await (chains[1] as ChildChain).submitEncoded(wire)), expected)
        t.deepEqual(view(await (chains[2] as ChildChain).submitEncoded(wire)), expected)
        const roots = chains.map((c) => bytesToHex(c.buildBlock().root))
        t.is(roots[1], roots[0])
        t.is(roots[2], roots[0])
      }),
      { numRuns: 15 },
    )
  } finally {
    await workers.close?.()
  }
})

test('submitEncoded refuses a malformed batch whole, naming the transaction and byte', async (t) => {
  const chain = new ChildChain({ recoverer: nativeRecoverer() })
  const key = keyOf(1)
  const pos = chain.addDeposit(1n, { owner: addressOfKey(key), token: ETH, amount: 10n })
  const good = signTransaction(
    {
      inputs: [pos, 0n],
      outputs: [
        { owner: A, token: ETH, amount: 10n },
        { owner: ETH, token: ETH, amount: 0n },
      ],
    },
    key,
  )
  const wire = new Uint8Array(386 * 2)
  wire.set(encodeSignedTransaction(good), 0)
  wire.set(encodeSignedTransaction(good), 386)
  wire[386 + 96 + 3] = 1 // transaction 1: output0.token word has a non-zero leading byte
  const err = await t.throwsAsync(chain.submitEncoded(wire), { instanceOf: MalformedDataError })
  t.is(err?.field, 'transaction 1: address word')
  t.is(err?.offset, 386 + 3)
  t.is(chain.pendingCount, 0, 'nothing queued')
  await t.throwsAsync(chain.submitEncoded(wire.subarray(0, 385)), { instanceOf: MalformedDataError })
  await t.throwsAsync(chain.submitEncoded(new Uint8Array(0)), { instanceOf: MalformedDataError })
  t.deepEqual(await chain.submitEncoded(wire.subarray(0, 386)), [undefined], 'the well-formed one alone is accepted')
})
