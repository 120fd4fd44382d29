import test from 'ava'
import fc from 'fast-check'
import {
  DecodeError,
  DuplicateTransactionError,
  decodeBlock,
  encodeBlock,
  InvalidBlockError,
  InvalidSignatureError,
  NonceGapError,
  NonceTooLowError,
  UnknownFamilyError,
  UnknownParentError,
} from '../src/index.js'
import { counterValue, makeBatch, memoryLedger, newSigner } from './helpers.js'

test('a submitted batch is built into a block with receipts and state', async (t) => {
  const node = newSigner()
  const user = newSigner()
  const ledger = await memoryLedger(node)
  const commits: bigint[] = []
  ledger.onCommit((e) => commits.push(e.block.header.height))
  const b0 = await makeBatch(node, user, 0n, 'apples')
  const b1 = await makeBatch(node, user, 1n, 'apples')
  await ledger.submit(b0)
  await ledger.submit(b1)
  t.is(ledger.pool.size, 2)
  const built = await ledger.buildBlock()
  t.truthy(built)
  t.is(built!.block.header.height, 1n)
  t.deepEqual(built!.block.header.batchIds, [b0.id, b1.id])
  t.is(ledger.pool.size, 0)
  t.is(await counterValue(ledger.state, 'apples'), 2n)
  const r = await ledger.getReceipt(b1.transactions[0]!.id)
  t.is(r?.blockId, built!.block.id)
  t.is(r?.index, 1)
  t.is(new TextDecoder().decode(r!.receipt), '2')
  t.deepEqual(r?.events[0]?.attributes, [['key', 'apples']])
  t.deepEqual(commits, [1n])
  t.is(await ledger.buildBlock(), undefined, 'nothing to build from an empty pool')
})

test('the pool refuses duplicates, nonce gaps, replays, bad signatures and unknown families', async (t) => {
  const node = newSigner()
  const user = newSigner()
  const ledger = await memoryLedger(node)
  const b0 = await makeBatch(node, user, 0n, 'k')
  await ledger.submit(b0)
  await t.throwsAsync(ledger.submit(b0), { instanceOf: DuplicateTransactionError })
  await t.throwsAsync(ledger.submit(await makeBatch(node, user, 2n, 'k')), { instanceOf: NonceGapError })
  await t.throwsAsync(ledger.submit(await makeBatch(node, user, 0n, 'other')), { instanceOf: NonceTooLowError })
  await ledger.buildBlock()
  await t.throwsAsync(ledger.submit(b0), { instanceOf: DuplicateTransactionError })
  await t.throwsAsync(ledger.submit(await makeBatch(node, user, 0n, 'again')), { instanceOf: NonceTooLowError })
  const good = await makeBatch(node, user, 1n, 'k')
  const forged = { ...good, transactions: [{ ...good.transactions[0]!, payload: new TextEncoder().encode('evil') }] }
  await t.throwsAsync(ledger.submit(forged), { message: /payload hash/ })
  const badSig = { ...good, headerSignature: good.headerSignature.map((x, i) => (i === 5 ? x ^ 1 : x)) }
  await t.throwsAsync(ledger.submit(badSig), { message: /does not match|invalid signature/ })
  const tx = good.transactions[0]!
  const unknown = { ...good, transactions: [{ ...tx, header: { ...tx.header, familyName: 'nope' } }] }
  await t.throwsAsync(ledger.submit(unknown), { instanceOf: UnknownFamilyError })
  await ledger.submit(good)
  t.is(ledger.pool.size, 1)
})

test('an invalid batch is dropped at build time and the rest of the block commits', async (t) => {
  const node = newSigner()
  const ledger = await memoryLedger(node)
  const a = newSigner()
  const b = newSigner()
  await ledger.submit(await makeBatch(node, a, 0n, 'fail-me'))
  const ok = await makeBatch(node, b, 0n, 'fine')
  await ledger.submit(ok)
  const built = await ledger.buildBlock()
  t.deepEqual(built!.block.header.batchIds, [ok.id])
  t.is(built!.rejected.length, 1)
  t.regex(built!.rejected[0]!.reason, /asked to fail/)
  t.is(ledger.pool.size, 0)
})

test('a peer applies blocks it receives, and rejects tampered or orphan blocks', async (t) => {
  const nodeA = newSigner()
  const a = await memoryLedger(nodeA)
  const b = await memoryLedger(newSigner())
  const user = newSigner()
  await a.submit(await makeBatch(nodeA, user, 0n, 'x'))
  const built = await a.buildBlock()
  const block = decodeBlock(encodeBlock(built!.block))
  const badRoot = { ...block, header: { ...block.header, stateRoot: new Uint8Array(32) } }
  await t.throwsAsync(b.receiveBlock(badRoot), { instanceOf: InvalidSignatureError })
  t.is(await b.receiveBlock(block), 'committed')
  t.is(await b.receiveBlock(block), 'duplicate')
  t.is(await counterValue(b.state, 'x'), 1n)
  t.is(b.head.id, a.head.id)
  await a.submit(await makeBatch(nodeA, user, 1n, 'x'))
  await a.submit(await makeBatch(nodeA, user, 2n, 'x'))
  const b2 = await a.buildBlock()
  t.truthy(b2)
  const orphan = { ...b2!.block, header: { ...b2!.block.header, parentId: 'ab'.repeat(32) } }
  await t.throwsAsync(b.receiveBlock(orphan), { instanceOf: UnknownParentError })
})

test('a block whose state root lies is invalid even when properly signed', async (t) => {
  const nodeA = newSigner()
  const a = await memoryLedger(nodeA)
  const b = await memoryLedger(newSigner())
  await a.submit(await makeBatch(nodeA, newSigner(), 0n, 'y'))
  const built = await a.buildBlock()
  const { encodeBlockHeader, idFromSignature } = await import('../src/index.js')
  const header = { ...built!.block.header, stateRoot: new Uint8Array(32).fill(9) }
  const headerSignature = await nodeA.sign(encodeBlockHeader(header))
  const lying = { ...built!.block, header, headerSignature, id: idFromSignature(headerSignature) }
  await t.throwsAsync(b.receiveBlock(lying), { instanceOf: InvalidBlockError, message: /state root/ })
  t.is(b.head.header.height, 0n)
})

test('decoding arbitrary bytes either yields a block or throws DecodeError', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeBlock(bytes)
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e
      }
    }),
    { numRuns: 2000 },
  )
  const block = {
    header: {
      height: 3n,
      parentId: 'ab',
      stateRoot: new Uint8Array(32),
      batchIds: [],
      consensus: new Uint8Array(2),
      signerPublicKey: new Uint8Array(33),
      timestamp: 5,
    },
    headerSignature: new Uint8Array(64),
    batches: [],
    id: 'cd',
  }
  t.deepEqual(decodeBlock(encodeBlock(block)), block)
})
