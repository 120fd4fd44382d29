// A full pending block (2^16 transactions, the depth of the block tree) refuses the next
// transaction with BlockFullError, queues nothing of it, and takes it in the next block.
import test from 'ava'
import { keccak256Wasm } from '../src/adapters/index.js'
import {
  type Address,
  BlockFullError,
  ChildChain,
  ETH,
  encodeTransaction,
  InvalidTransactionError,
  MAX_TXS_PER_BLOCK,
  type SignatureRecoverer,
  type SignedTransaction,
} from '../src/index.js'

const OWNER = '0x00000000000000000000000000000000000000aa' as Address
const TO = '0x00000000000000000000000000000000000000bb' as Address

test('the 2^16 + 1st pending transaction gets BlockFullError, not bad-output, and nothing is lost', async (t) => {
  // The recoverer port answers the deposits' owner for each used input: the capacity rule is
  // under test here, signatures are tested against real recovery elsewhere.
  const trusting: SignatureRecoverer = {
    async recoverInputs(txs) {
      return txs.map((s) => [s.tx.inputs[0] === 0n ? undefined : OWNER, s.tx.inputs[1] === 0n ? undefined : OWNER])
    },
  }
  const chain = new ChildChain({ recoverer: trusting, keccak256: keccak256Wasm, nextBlknum: 1_000_000n })
  const txs: SignedTransaction[] = []
  for (let i = 0; i <= MAX_TXS_PER_BLOCK; i++) {
    const pos = chain.addDeposit(BigInt(Math.floor(i / 999)) * 1000n + BigInt((i % 999) + 1), {
      owner: OWNER,
      token: ETH,
      amount: 5n,
    })
    const tx = {
      inputs: [pos, 0n] as const,
      outputs: [
        { owner: TO, token: ETH, amount: 5n },
        { owner: ETH, token: ETH, amount: 0n },
      ] as const,
    }
    txs.push({ tx, txBytes: encodeTransaction(tx), sigs: new Uint8Array(130) })
  }
  const last = txs.pop() as SignedTransaction
  for (let i = 0; i < txs.length; i += 8192) {
    const results = await chain.submit(txs.slice(i, i + 8192))
    t.true(
      results.every((e) => e === undefined),
      `batch at ${i} accepted`,
    )
  }
  t.is(chain.pendingCount, MAX_TXS_PER_BLOCK)

  const [err] = await chain.submit([last])
  t.true(err instanceof BlockFullError, `got ${err?.name}: ${err?.message}`)
  t.false(err instanceof InvalidTransactionError)
  t.is(err?.rule, 'block-full')
  t.is((err as BlockFullError).capacity, MAX_TXS_PER_BLOCK)
  t.is(chain.pendingCount, MAX_TXS_PER_BLOCK, 'nothing more was queued')
  t.true(
    chain.utxosOf(OWNER).some((u) => u.pos === last.tx.inputs[0]),
    'the refused transaction’s input is still unspent',
  )

  const built = chain.buildBlock()
  chain.commitBuiltBlock(chain.nextBlknum, built)
  t.is(built.transactions.length, MAX_TXS_PER_BLOCK)
  t.deepEqual(await chain.submit([last]), [undefined], 'it fits the next block')
  t.is(chain.pendingCount, 1)
})
