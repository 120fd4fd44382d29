import type { RequestTransport } from '@atmosphere/interfaces'
import test from 'ava'
import { catchUpHandler, requestCatchUpPort } from '../src/index.js'
import { counterValue, makeBatch, memoryLedger, newSigner } from './helpers.js'

test('two branches on one parent: switching applies the preferred one and returns the other to the pool', async (t) => {
  const nodeA = newSigner()
  const nodeB = newSigner()
  const a = await memoryLedger(nodeA)
  const b = await memoryLedger(nodeB)
  const alice = newSigner()
  const bob = newSigner()
  // Common parent at height 1.
  await a.submit(await makeBatch(nodeA, alice, 0n, 'shared'))
  const p = await a.buildBlock()
  t.is(await b.receiveBlock(p!.block), 'committed')
  // Branch A: one block with alice's tx 1. Branch B: two blocks with bob's txs.
  const aliceTx = await makeBatch(nodeA, alice, 1n, 'a-only')
  await a.submit(aliceTx)
  const a2 = await a.buildBlock()
  await b.submit(await makeBatch(nodeB, bob, 0n, 'b-only'))
  const b2 = await b.buildBlock()
  await b.submit(await makeBatch(nodeB, bob, 1n, 'b-only'))
  const b3 = await b.buildBlock()
  t.is(await counterValue(a.state, 'a-only'), 1n)
  const aliceReceipt = await a.getReceipt(aliceTx.transactions[0]!.id)
  t.is(aliceReceipt?.blockId, a2!.block.id)
  const reverted: string[] = []
  const revertedReceipts: unknown[] = []
  const committed: string[] = []
  a.onCommit((e) => {
    committed.push(e.block.id)
    reverted.push(...e.reverted.map((x) => x.id))
    revertedReceipts.push(...e.revertedReceipts)
    if (e.reverted.length === 0) t.is(e.revertedReceipts.length, 0, 'receipts only with reverted blocks')
  })
  // A hears of B's branch: the first block is shorter-or-equal and stays aside, the second wins.
  const first = await a.receiveBlock(b2!.block)
  t.true(first === 'stored' || first === 'switched')
  if (first === 'stored') t.is(await a.receiveBlock(b3!.block), 'switched')
  else t.is(await a.receiveBlock(b3!.block), 'committed')
  t.is(a.head.id, b3!.block.id)
  t.is(await counterValue(a.state, 'a-only'), 0n, 'branch A state reverted')
  t.is(await counterValue(a.state, 'b-only'), 2n, 'branch B applied')
  t.is(await counterValue(a.state, 'shared'), 1n, 'state below the fork point kept')
  t.is(await a.getReceipt(aliceTx.transactions[0]!.id), undefined, 'abandoned receipt removed')
  t.true(a.pool.hasBatch(aliceTx.id), 'abandoned transaction is back in the pool')
  t.deepEqual(reverted, [a2!.block.id])
  t.deepEqual(revertedReceipts, [aliceReceipt], "the abandoned block's receipts come with the event")
  t.deepEqual(committed, [b2!.block.id, b3!.block.id], 'each block of the new branch is reported')
  t.is(a.head.header.stateRoot.toString(), b.head.header.stateRoot.toString())
  // The returned transaction is still valid on the new branch and builds into the next block.
  const next = await a.buildBlock()
  t.deepEqual(next!.block.header.batchIds, [aliceTx.id])
  t.is(await counterValue(a.state, 'a-only'), 1n)
})

function pairTransport(): { client: RequestTransport; serverSide: RequestTransport } {
  let handler: ((from: string, m: Uint8Array) => Promise<Uint8Array>) | undefined
  const serverSide: RequestTransport = {
    localAddress: 'server',
    request: () => Promise.reject(new Error('unused')),
    handle(h) {
      handler = h
      return () => {
        handler = undefined
      }
    },
    close: async () => {},
  }
  const client: RequestTransport = {
    localAddress: 'client',
    async request(_to, m) {
      if (handler === undefined) throw new Error('no handler')
      // Copy bytes as a network would.
      return (await handler('client', m.slice())).slice()
    },
    handle: () => () => {},
    close: async () => {},
  }
  return { client, serverSide }
}

test('a node that was offline catches up through the port, across a fork', async (t) => {
  const nodeA = newSigner()
  const a = await memoryLedger(nodeA)
  const c = await memoryLedger(newSigner())
  const user = newSigner()
  for (let i = 0; i < 5; i++) {
    await a.submit(await makeBatch(nodeA, user, BigInt(i), 'k'))
    const blk = await a.buildBlock()
    if (i < 2) await c.receiveBlock(blk!.block)
  }
  // c builds a private block of its own on height 2 (a fork), then catches up with a.
  const cNode = newSigner()
  await c.submit(await makeBatch(cNode, newSigner(), 0n, 'private'))
  const cBuilt = await c.buildBlock()
  t.is(cBuilt!.block.header.height, 3n)
  const { client, serverSide } = pairTransport()
  serverSide.handle(catchUpHandler(a))
  const applied = await c.catchUp(requestCatchUpPort(client, 'server'), 2)
  t.true(applied >= 3)
  t.is(c.head.id, a.head.id)
  t.is(await counterValue(c.state, 'k'), 5n)
  t.is(await counterValue(c.state, 'private'), 0n)
  t.is(c.pool.size, 1, 'the private transaction returned to the pool')
  t.is(await c.catchUp(requestCatchUpPort(client, 'server')), 0)
})
