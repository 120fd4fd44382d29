import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KeyValueStore } from '@atmosphere/interfaces'
import { memoryStore, randomSecretKey } from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'
import test from 'ava'
import { getCreateAddress, Interface, type Log, Wallet, WebSocketProvider } from 'ethers'
import WebSocket from 'ws'
import { startRpcServer } from '../src/adapters/server.js'
import { createDevChain } from '../src/index.js'
import { compileAll } from './contracts.js'
import { KEYS, rpc } from './helpers.js'

const alice = new Wallet(KEYS[0])
const bob = new Wallet(KEYS[1])
const alloc = { [alice.address]: 10n ** 24n, [bob.address]: 10n ** 24n }
const chain = (store: KeyValueStore = memoryStore(), secretKey = randomSecretKey()) =>
  createDevChain({
    store,
    secretKey,
    chainId: 31337n,
    alloc,
    mining: { mode: 'manual' },
  })
const transfer = (w: Wallet, nonce: number, to: string, value: bigint) =>
  w.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce,
    to,
    value,
    gasLimit: 21000n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
  })
const hex = (s: string) => Uint8Array.from(Buffer.from(s.slice(2), 'hex'))

test('two EVM branches on one parent: the node switches to the preferred one, reverts balances and re-pools the other', async (t) => {
  t.timeout(120_000)
  const a = await chain()
  const b = await chain()
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  const server = await startRpcServer(a.rpc)
  t.teardown(() => server.close())
  const url = server.url
  const [carol, dave, erin] = ['0x' + 'ca'.repeat(20), '0x' + 'da'.repeat(20), '0x' + 'ee'.repeat(20)]
  const balance = async (x: string) => BigInt(String((await rpc(url, 'eth_getBalance', [x, 'latest'])).result))

  // Shared parent.
  await a.node.sendRawTransaction(hex(await transfer(alice, 0, carol, 5n)))
  const parent = await a.node.mine()
  t.is(await b.ledger.receiveBlock(parent!), 'committed')
  // Branch A: alice pays dave. Branch B (longer): bob pays erin twice.
  const aliceTx = await a.node.sendRawTransaction(hex(await transfer(alice, 1, dave, 7n)))
  await a.node.mine()
  t.is(await balance(dave), 7n)
  await b.node.sendRawTransaction(hex(await transfer(bob, 0, erin, 1n)))
  const b2 = await b.node.mine()
  await b.node.sendRawTransaction(hex(await transfer(bob, 1, erin, 2n)))
  const b3 = await b.node.mine()

  const first = await a.ledger.receiveBlock(b2!)
  t.true(first === 'stored' || first === 'switched')
  t.is(await a.ledger.receiveBlock(b3!), first === 'stored' ? 'switched' : 'committed')
  t.is(a.ledger.head.id, b3!.id)
  t.is((await rpc(url, 'eth_blockNumber')).result, '0x3')
  t.is(await balance(dave), 0n, 'branch A reverted')
  t.is(await balance(erin), 3n, 'branch B applied')
  t.is(await balance(carol), 5n, 'the shared parent kept')
  t.is((await rpc(url, 'eth_getTransactionReceipt', [aliceTx])).result, null)
  const pending = (await rpc(url, 'eth_getTransactionByHash', [aliceTx])).result as { blockNumber: unknown }
  t.is(pending.blockNumber, null, 'the abandoned transaction is back in the pool')
  t.is((await rpc(url, 'eth_getTransactionCount', [alice.address, 'pending'])).result, '0x2')
  // It is still valid on the new branch and mines into the next block.
  await rpc(url, 'evm_mine')
  t.is(((await rpc(url, 'eth_getTransactionReceipt', [aliceTx])).result as { status: string }).status, '0x1')
  t.is(await balance(dave), 7n)
})

type WireLog = {
  address: string
  topics: string[]
  data: string
  blockHash: string
  blockNumber: string
  transactionHash: string
  logIndex: string
  removed: boolean
}

/** A raw WebSocket JSON-RPC client that records every subscription notification. */
async function wsClient(url: string) {
  const socket = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const notes = new Map<string, unknown[]>()
  const replies = new Map<number, (v: { result?: unknown; error?: unknown }) => void>()
  socket.on('message', (m) => {
    const msg = JSON.parse(String(m)) as {
      id?: number
      method?: string
      params?: { subscription: string; result: unknown }
    }
    if (msg.method === 'eth_subscription' && msg.params !== undefined) {
      const list = notes.get(msg.params.subscription) ?? []
      list.push(msg.params.result)
      notes.set(msg.params.subscription, list)
    } else if (msg.id !== undefined) replies.get(msg.id)?.(msg as { result?: unknown })
  })
  let next = 1
  return {
    notes,
    async call(method: string, params: unknown[]): Promise<unknown> {
      const id = next++
      const reply = new Promise<{ result?: unknown; error?: unknown }>((resolve) => replies.set(id, resolve))
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
      const r = await reply
      if (r.error !== undefined) throw new Error(JSON.stringify(r.error))
      return r.result
    },
    async until(sub: string, count: number): Promise<unknown[]> {
      for (let i = 0; i < 600 && (notes.get(sub)?.length ?? 0) < count; i++) await new Promise((r) => setTimeout(r, 50))
      return notes.get(sub) ?? []
    },
    close: () => socket.close(),
  }
}

test('a fork switch reports the abandoned logs with removed: true to WebSocket subscribers and HTTP filters, then the new branch; queries show only the canonical branch', async (t) => {
  t.timeout(180_000)
  const a = await chain()
  const b = await chain()
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  const server = await startRpcServer(a.rpc)
  t.teardown(() => server.close())
  const url = server.url
  const { Emitter } = compileAll()
  const iface = new Interface(Emitter!.abi as never)
  const emitter = getCreateAddress({ from: alice.address, nonce: 0 }).toLowerCase()
  const ping = (w: Wallet, nonce: number, note: string) =>
    w.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce,
      to: emitter,
      data: iface.encodeFunctionData('ping', [note]),
      gasLimit: 300_000n,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    })
  const note = (l: WireLog) => String(iface.decodeEventLog('Ping', l.data, l.topics).note)
  const send = async (c: typeof a, raw: string) => c.node.sendRawTransaction(hex(raw))

  // Shared parent: the Emitter contract, deployed by alice.
  const deploy = await alice.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 0,
    data: Emitter!.bytecode,
    gasLimit: 3_000_000n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
  })
  await send(a, deploy)
  const parent = await a.node.mine()
  t.is(await b.ledger.receiveBlock(parent!), 'committed')
  t.not((await rpc(url, 'eth_getCode', [emitter, 'latest'])).result, '0x')

  // Watchers on node A: a logs and a newHeads subscription over WebSocket, a log filter and a
  // block filter over HTTP.
  const ws = await wsClient(server.wsUrl)
  t.teardown(() => ws.close())
  const logSub = String(await ws.call('eth_subscribe', ['logs', { address: emitter }]))
  const headSub = String(await ws.call('eth_subscribe', ['newHeads']))
  const logFilter = String((await rpc(url, 'eth_newFilter', [{ address: emitter }])).result)
  const blockFilter = String((await rpc(url, 'eth_newBlockFilter')).result)
  // And ethers, which routes removed logs to its "orphan" events, away from the listener.
  const provider = new WebSocketProvider(server.wsUrl)
  t.teardown(() => provider.destroy())
  const ethersLogs: Log[] = []
  await provider.on({ address: emitter }, (l: Log) => ethersLogs.push(l))
  await provider.getBlockNumber()

  // Branch A on node A: two blocks, three logs (two in the first block).
  const aTxs = [await send(a, await ping(alice, 1, 'a1')), await send(a, await ping(alice, 2, 'a2'))]
  const a2 = await a.node.mine()
  aTxs.push(await send(a, await ping(alice, 3, 'a3')))
  const a3 = await a.node.mine()
  t.is(((await rpc(url, 'eth_getTransactionReceipt', [aTxs[2]])).result as { status: string }).status, '0x1')
  t.deepEqual(
    (await ws.until(logSub, 3)).map((l) => note(l as WireLog)),
    ['a1', 'a2', 'a3'],
  )
  // Branch B on node B: three blocks, one log each (longer, so A switches to it).
  const bTxs: string[] = []
  const bBlocks = []
  for (const [i, n] of ['b1', 'b2', 'b3'].entries()) {
    bTxs.push(await send(b, await ping(bob, i, n)))
    bBlocks.push((await b.node.mine())!)
  }
  const outcomes = []
  for (const blk of bBlocks) outcomes.push(await a.ledger.receiveBlock(blk))
  t.true(outcomes.includes('switched'), `outcomes ${outcomes.join(', ')}`)
  t.is(a.ledger.head.id, bBlocks[2]!.id)

  // The logs subscription: branch A's logs, then the same logs removed, newest first, then B's.
  const expected = [
    ['a1', false],
    ['a2', false],
    ['a3', false],
    ['a3', true],
    ['a2', true],
    ['a1', true],
    ['b1', false],
    ['b2', false],
    ['b3', false],
  ]
  const subLogs = (await ws.until(logSub, expected.length)) as WireLog[]
  t.deepEqual(
    subLogs.map((l) => [note(l), l.removed]),
    expected,
  )
  const aHashes = new Set([`0x${a2!.id}`, `0x${a3!.id}`])
  const removed = subLogs.filter((l) => l.removed)
  t.true(
    removed.every((l) => aHashes.has(l.blockHash)),
    'removed logs carry the abandoned blocks',
  )
  t.deepEqual(
    removed.map((l) => l.transactionHash),
    [aTxs[2], aTxs[1], aTxs[0]],
  )
  t.deepEqual(
    removed.map((l) => [l.blockNumber, l.logIndex]),
    [
      ['0x3', '0x0'],
      ['0x2', '0x1'],
      ['0x2', '0x0'],
    ],
  )
  // The same removed logs as first seen, except for the flag.
  t.deepEqual(
    removed.map((l) => ({ ...l, removed: false })),
    subLogs.slice(0, 3).reverse(),
  )
  for (let i = 0; i < 200 && ethersLogs.length < 6; i++) await new Promise((r) => setTimeout(r, 50))
  t.deepEqual(
    ethersLogs.map((l) => [String(iface.parseLog(l)?.args.note), l.removed, l.blockHash]),
    subLogs.filter((l) => !l.removed).map((l) => [note(l), false, l.blockHash]),
    'ethers passes on the live logs and keeps the removed ones from the listener',
  )
  // newHeads: A's two heads, then the new branch's three.
  const heads = (await ws.until(headSub, 5)) as { hash: string; number: string }[]
  t.deepEqual(
    heads.map((h) => [h.number, h.hash]),
    [
      ['0x2', `0x${a2!.id}`],
      ['0x3', `0x${a3!.id}`],
      ...bBlocks.map((blk, i) => [`0x${(i + 2).toString(16)}`, `0x${blk.id}`]),
    ],
  )

  // The HTTP filters see the same.
  const filterLogs = (await rpc(url, 'eth_getFilterChanges', [logFilter])).result as WireLog[]
  t.deepEqual(filterLogs, subLogs)
  t.deepEqual(
    (await rpc(url, 'eth_getFilterChanges', [blockFilter])).result,
    heads.map((h) => h.hash),
  )

  // Queries show only the canonical branch.
  const logs = (await rpc(url, 'eth_getLogs', [{ address: emitter, fromBlock: '0x0', toBlock: 'latest' }]))
    .result as WireLog[]
  t.deepEqual(
    logs.map((l) => [note(l), l.removed, l.blockHash]),
    bBlocks.map((blk, i) => [`b${i + 1}`, false, `0x${blk.id}`]),
  )
  t.deepEqual(logs, subLogs.slice(6))
  for (const tx of aTxs) t.is((await rpc(url, 'eth_getTransactionReceipt', [tx])).result, null, 'abandoned receipt')
  for (const [i, tx] of bTxs.entries()) {
    const r = (await rpc(url, 'eth_getTransactionReceipt', [tx])).result as { blockHash: string; logs: WireLog[] }
    t.is(r.blockHash, `0x${bBlocks[i]!.id}`)
    t.deepEqual(r.logs, [subLogs[6 + i]])
  }
  for (const [i, blk] of bBlocks.entries()) {
    const got = (await rpc(url, 'eth_getBlockByNumber', [`0x${(i + 2).toString(16)}`, false])).result as {
      hash: string
    }
    t.is(got.hash, `0x${blk.id}`)
  }
  t.is((await rpc(url, 'eth_getBlockByHash', [`0x${a2!.id}`, false])).result, null)
  t.deepEqual((await rpc(url, 'eth_getLogs', [{ blockHash: `0x${a3!.id}` }])).error?.code, -32001)

  // The abandoned transactions are back in the pool and mine on the new branch: new logs.
  await rpc(url, 'evm_mine')
  const again = (await ws.until(logSub, expected.length + 3)).slice(expected.length) as WireLog[]
  t.deepEqual(
    again.map((l) => [note(l), l.removed]),
    [
      ['a1', false],
      ['a2', false],
      ['a3', false],
    ],
  )
  const r0 = (await rpc(url, 'eth_getTransactionReceipt', [aTxs[0]])).result as { blockNumber: string }
  t.is(r0.blockNumber, '0x5')
})

test('after a restart on LevelDB, a fork switch still reports the abandoned logs (from the receipts the ledger hands over)', async (t) => {
  t.timeout(180_000)
  const dir = mkdtempSync(join(tmpdir(), 'seth-reorg-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const key = randomSecretKey()
  let a = await chain(await levelStore(dir), key)
  const b = await chain()
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  const { Emitter } = compileAll()
  const iface = new Interface(Emitter!.abi as never)
  const emitter = getCreateAddress({ from: alice.address, nonce: 0 }).toLowerCase()
  const sign = (w: Wallet, nonce: number, note?: string) =>
    w.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce,
      ...(note === undefined
        ? { data: Emitter!.bytecode }
        : { to: emitter, data: iface.encodeFunctionData('ping', [note]) }),
      gasLimit: 3_000_000n,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    })
  await a.node.sendRawTransaction(hex(await sign(alice, 0)))
  t.is(await b.ledger.receiveBlock((await a.node.mine())!), 'committed')
  const aTxs = [
    await a.node.sendRawTransaction(hex(await sign(alice, 1, 'a1'))),
    await a.node.sendRawTransaction(hex(await sign(alice, 2, 'a2'))),
  ]
  const a2 = await a.node.mine()
  // Restart: the new node has none of branch A's block data in memory.
  await a.close()
  a = await chain(await levelStore(dir), key)
  t.is(a.ledger.head.id, a2!.id)
  const server = await startRpcServer(a.rpc)
  t.teardown(() => server.close())
  const ws = await wsClient(server.wsUrl)
  t.teardown(() => ws.close())
  const logSub = String(await ws.call('eth_subscribe', ['logs', { address: emitter }]))
  const logFilter = String((await rpc(server.url, 'eth_newFilter', [{ address: emitter }])).result)
  const bBlocks = []
  for (const [i, n] of ['b1', 'b2'].entries()) {
    await b.node.sendRawTransaction(hex(await sign(bob, i, n)))
    bBlocks.push((await b.node.mine())!)
  }
  for (const blk of bBlocks) await a.ledger.receiveBlock(blk)
  t.is(a.ledger.head.id, bBlocks[1]!.id)
  const got = (await ws.until(logSub, 4)) as WireLog[]
  const note = (l: WireLog) => String(iface.decodeEventLog('Ping', l.data, l.topics).note)
  t.deepEqual(
    got.map((l) => [note(l), l.removed, l.blockHash, l.logIndex]),
    [
      ['a2', true, `0x${a2!.id}`, '0x1'],
      ['a1', true, `0x${a2!.id}`, '0x0'],
      ['b1', false, `0x${bBlocks[0]!.id}`, '0x0'],
      ['b2', false, `0x${bBlocks[1]!.id}`, '0x0'],
    ],
  )
  t.deepEqual(
    got.slice(0, 2).map((l) => l.transactionHash),
    [aTxs[1], aTxs[0]],
  )
  t.deepEqual((await rpc(server.url, 'eth_getFilterChanges', [logFilter])).result, got)
  for (const tx of aTxs) t.is((await rpc(server.url, 'eth_getTransactionReceipt', [tx])).result, null)
})
