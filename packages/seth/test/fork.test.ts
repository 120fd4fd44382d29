import { memoryStore, randomSecretKey } from '@atmosphere/ledger'
import test from 'ava'
import { Wallet } from 'ethers'
import { startRpcServer } from '../src/adapters/server.js'
import { createDevChain } from '../src/index.js'
import { KEYS, rpc } from './helpers.js'

const alice = new Wallet(KEYS[0])
const bob = new Wallet(KEYS[1])
const alloc = { [alice.address]: 10n ** 24n, [bob.address]: 10n ** 24n }
const chain = () =>
  createDevChain({
    store: memoryStore(),
    secretKey: randomSecretKey(),
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
