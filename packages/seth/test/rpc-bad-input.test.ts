import test from 'ava'
import { Wallet } from 'ethers'
import WebSocket from 'ws'
import { KEYS, rpc, startHarness } from './helpers.js'

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are inspected field by field.
type Json = any

const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
const json = async (r: Response | Promise<Response>): Promise<Json> => (await r).json()

async function signTransfer(w: Wallet, nonce: number, chainId = 31337n, value = 1n) {
  return w.signTransaction({
    type: 2,
    chainId,
    nonce,
    to: '0x000000000000000000000000000000000000dEaD',
    value,
    gasLimit: 21000n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
  })
}

async function receipt(url: string, hash: string) {
  for (let i = 0; i < 200; i++) {
    const r = await rpc(url, 'eth_getTransactionReceipt', [hash])
    if (r.result !== null && r.result !== undefined) return r.result as Record<string, unknown>
    await new Promise((res) => setTimeout(res, 25))
  }
  throw new Error(`no receipt for ${hash}`)
}

test('malformed requests get EIP-1474 errors and the server keeps serving without losing transactions', async (t) => {
  t.timeout(180_000)
  const h = await startHarness({ maxBodyBytes: 64 * 1024 })
  t.teardown(() => h.close())
  const url = h.server.url
  const alice = new Wallet(KEYS[0])

  // A good transaction first: it must survive everything below.
  const good = await rpc(url, 'eth_sendRawTransaction', [await signTransfer(alice, 0)])
  t.regex(String(good.result), /^0x[0-9a-f]{64}$/)

  const parse = await json(post(url, '{"jsonrpc":"2.0","id":1,"method":'))
  t.is(parse.error.code, -32700)
  t.is(parse.id, null)
  t.is((await json(post(url, '{"id":1,"method":"eth_chainId"}'))).error.code, -32600)
  t.is((await json(post(url, '"just a string"'))).error.code, -32600)
  t.is((await rpc(url, 'eth_noSuchMethod')).error?.code, -32601)
  t.is((await rpc(url, 'eth_getBalance', ['not-an-address', 'latest'])).error?.code, -32602)
  t.is((await rpc(url, 'eth_getBalance', [alice.address, 'yesterday'])).error?.code, -32602)
  t.is((await rpc(url, 'eth_getBlockByNumber', ['0xZZ', false])).error?.code, -32602)
  t.is((await rpc(url, 'eth_sendRawTransaction', ['0x1234'])).error?.code, -32000)
  t.is((await rpc(url, 'eth_sendRawTransaction', [12])).error?.code, -32602)
  t.is((await rpc(url, 'eth_subscribe', ['newHeads'])).error?.code, -32004, 'subscriptions need a WebSocket')

  const big = await post(
    url,
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: ['x'.repeat(100_000)] }),
  )
  t.is(big.status, 413)
  t.is((await json(big)).error.code, -32600)
  t.is((await fetch(url)).status, 405)

  // Signatures: a wrong chain id, a corrupted signature, and a high-s signature are refused.
  const wrongChain = await rpc(url, 'eth_sendRawTransaction', [await signTransfer(alice, 1, 1n)])
  t.is(wrongChain.error?.code, -32000)
  const raw = await signTransfer(alice, 1)
  const corrupted = `${raw.slice(0, -4)}${raw.slice(-4) === 'ffff' ? '0000' : 'ffff'}`
  const bad = await rpc(url, 'eth_sendRawTransaction', [corrupted])
  t.truthy(bad.error, 'a corrupted signature is refused')
  t.true([-32000, -32003].includes(bad.error!.code))

  // Nonce gap and replay.
  const gap = await rpc(url, 'eth_sendRawTransaction', [await signTransfer(alice, 7)])
  t.is(gap.error?.code, -32003)
  t.regex(gap.error!.message, /gap/)
  const r0 = await receipt(url, String(good.result))
  t.is(r0.status, '0x1')
  const replay = await rpc(url, 'eth_sendRawTransaction', [await signTransfer(alice, 0)])
  t.is(replay.error?.code, -32003)
  t.regex(replay.error!.message, /already known|nonce too low/)

  // Batches: each entry answered by id; an empty batch is an invalid request.
  const batch = await json(
    post(
      url,
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'eth_chainId', params: [] },
        { jsonrpc: '2.0', id: 'b', method: 'eth_nope', params: [] },
        { jsonrpc: '2.0', method: 'eth_chainId', params: [] },
      ]),
    ),
  )
  t.is(batch.length, 2, 'the notification gets no answer')
  t.deepEqual(batch[0], { jsonrpc: '2.0', id: 'a', result: '0x7a69' })
  t.is(batch[1].error.code, -32601)
  t.is((await json(post(url, '[]'))).error.code, -32600)

  // Still alive, and the good transaction is still there.
  t.truthy((await rpc(url, 'eth_blockNumber')).result)
  t.is((await rpc(url, 'eth_getTransactionCount', [alice.address, 'latest'])).result, '0x1')
  t.is(
    ((await rpc(url, 'eth_getTransactionByHash', [good.result])).result as { hash: string }).hash,
    String(good.result),
  )
})

test('a WebSocket client gets a parse error for bad JSON and the connection stays usable', async (t) => {
  t.timeout(120_000)
  const h = await startHarness()
  t.teardown(() => h.close())
  const ws = new WebSocket(h.server.wsUrl)
  t.teardown(() => ws.terminate())
  await new Promise((r) => ws.once('open', r))
  const next = () => new Promise<Record<string, unknown>>((r) => ws.once('message', (m) => r(JSON.parse(m.toString()))))
  let reply = next()
  ws.send('{not json')
  t.is(((await reply).error as { code: number }).code, -32700)
  reply = next()
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'eth_chainId', params: [] }))
  t.deepEqual(await reply, { jsonrpc: '2.0', id: 9, result: '0x7a69' })
  reply = next()
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'eth_subscribe', params: ['newHeads'] }))
  const sub = (await reply).result
  t.regex(String(sub), /^0x[0-9a-f]{32}$/)
  reply = next()
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'eth_unsubscribe', params: [sub] }))
  t.is((await reply).result, true)
  reply = next()
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 12, method: 'eth_unsubscribe', params: [sub] }))
  t.is((await reply).result, false, 'a second unsubscribe finds nothing')
  reply = next()
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 13, method: 'eth_subscribe', params: ['pendingTransactions'] }))
  t.is(((await reply).error as { code: number }).code, -32602)
})

test('single-node mining: interval mode makes blocks on its own, manual mode on evm_mine', async (t) => {
  t.timeout(180_000)
  const interval = await startHarness({ mining: { mode: 'interval', intervalMs: 100 } })
  t.teardown(() => interval.close())
  const alice = new Wallet(KEYS[0])
  const sent = await rpc(interval.server.url, 'eth_sendRawTransaction', [await signTransfer(alice, 0)])
  const r = await receipt(interval.server.url, String(sent.result))
  t.is(r.status, '0x1')

  const manual = await startHarness({ mining: { mode: 'manual' } })
  t.teardown(() => manual.close())
  const pending = await rpc(manual.server.url, 'eth_sendRawTransaction', [await signTransfer(alice, 0)])
  await new Promise((res) => setTimeout(res, 300))
  t.is((await rpc(manual.server.url, 'eth_getTransactionReceipt', [pending.result])).result, null)
  const tx = (await rpc(manual.server.url, 'eth_getTransactionByHash', [pending.result])).result as {
    blockNumber: unknown
  }
  t.is(tx.blockNumber, null, 'pending transactions are visible without a block')
  t.is((await rpc(manual.server.url, 'eth_getTransactionCount', [alice.address, 'pending'])).result, '0x1')
  await rpc(manual.server.url, 'evm_mine')
  t.is(
    ((await rpc(manual.server.url, 'eth_getTransactionReceipt', [pending.result])).result as { status: string }).status,
    '0x1',
  )
  t.is((await rpc(manual.server.url, 'eth_blockNumber')).result, '0x1')
})
