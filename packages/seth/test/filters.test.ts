import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { levelStore } from '@atmosphere/ledger/level'
import test, { type ExecutionContext } from 'ava'
import {
  type Contract,
  ContractFactory,
  type ContractTransactionResponse,
  id,
  JsonRpcProvider,
  NonceManager,
  type Wallet,
} from 'ethers'
import { compileAll } from './contracts.js'
import { rpc, startHarness } from './helpers.js'

/** A Seth node with the Emitter contract deployed through ethers; everything is closed at teardown. */
async function emitterOnHarness(t: ExecutionContext) {
  t.timeout(180_000)
  const h = await startHarness()
  t.teardown(() => h.close())
  const url = h.server.url
  const provider = new JsonRpcProvider(url, undefined, { pollingInterval: 50, cacheTimeout: -1 })
  t.teardown(() => provider.destroy())
  // ethers' 250 ms request cache would repeat a nonce for back-to-back sends (see ethers.test.ts).
  const alice = new NonceManager(h.wallets[0]!.connect(provider))
  const { Emitter } = compileAll()
  const emitter = (await new ContractFactory(
    Emitter!.abi as never,
    Emitter!.bytecode,
    alice,
  ).deploy()) as unknown as Contract
  await emitter.waitForDeployment()
  return { url, emitter, address: (await emitter.getAddress()).toLowerCase() }
}

test('filters: eth_newFilter, eth_newBlockFilter, eth_getFilterChanges, eth_uninstallFilter and the state methods', async (t) => {
  const { url, emitter, address } = await emitterOnHarness(t)
  const logFilter = String(
    (await rpc(url, 'eth_newFilter', [{ address, topics: [id('Ping(uint256,address,string)')] }])).result,
  )
  const blockFilter = String((await rpc(url, 'eth_newBlockFilter')).result)
  const before = Number((await rpc(url, 'eth_blockNumber')).result)
  for (const note of ['one', 'two'])
    await ((await emitter.getFunction('ping')(note)) as ContractTransactionResponse).wait()
  const changes = (await rpc(url, 'eth_getFilterChanges', [logFilter])).result as {
    address: string
    topics: string[]
    logIndex: string
  }[]
  t.is(changes.length, 2)
  t.is(changes[0]!.address, address)
  t.is(BigInt(changes[1]!.topics[1]!), 2n)
  t.deepEqual((await rpc(url, 'eth_getFilterChanges', [logFilter])).result, [], 'changes are drained')
  const blocks = (await rpc(url, 'eth_getFilterChanges', [blockFilter])).result as string[]
  t.true(blocks.length >= 2)
  const last = (await rpc(url, 'eth_getBlockByHash', [blocks[blocks.length - 1], false])).result as { number: string }
  t.true(Number(last.number) > before)
  t.is((await rpc(url, 'eth_uninstallFilter', [logFilter])).result, true)
  t.is((await rpc(url, 'eth_getFilterChanges', [logFilter])).error?.code, -32001)
  // Storage, code, balances, counts and fee methods.
  t.is(BigInt(String((await rpc(url, 'eth_getStorageAt', [address, '0x0', 'latest'])).result)), 2n)
  t.not((await rpc(url, 'eth_getCode', [address, 'latest'])).result, '0x')
  t.is((await rpc(url, 'eth_gasPrice')).result, '0x0')
  t.is((await rpc(url, 'eth_maxPriorityFeePerGas')).result, '0x0')
  t.is((await rpc(url, 'eth_syncing')).result, false)
  t.is((await rpc(url, 'net_version')).result, '31337')
  t.is((await rpc(url, 'net_peerCount')).result, '0x0')
  t.regex(String((await rpc(url, 'web3_clientVersion')).result), /seth/)
  t.deepEqual((await rpc(url, 'eth_accounts')).result, [])
  const fh = (await rpc(url, 'eth_feeHistory', ['0x2', 'latest', [50]])).result as {
    baseFeePerGas: string[]
    reward: string[][]
  }
  t.is(fh.baseFeePerGas.length, 3)
  t.deepEqual(fh.reward, [['0x0'], ['0x0']])
  const genesis = (await rpc(url, 'eth_getBlockByNumber', ['earliest', true])).result as {
    number: string
    transactions: unknown[]
  }
  t.is(genesis.number, '0x0')
  t.is((await rpc(url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x100000' }])).error, undefined)
  t.is((await rpc(url, 'eth_getBalance', [address, '0x0'])).error?.code, -32000, 'historical state is refused plainly')
})

test("a log filter's numbered fromBlock/toBlock bound its changes (as geth does); tags leave the end open", async (t) => {
  const { url, emitter, address } = await emitterOnHarness(t)
  const head = BigInt(String((await rpc(url, 'eth_blockNumber')).result))
  const q = (n: bigint) => `0x${n.toString(16)}`
  const newFilter = async (range: Record<string, string>) =>
    String((await rpc(url, 'eth_newFilter', [{ address, ...range }])).result)
  const past = await newFilter({ fromBlock: '0x0', toBlock: q(head) }) // ends before any new block
  const later = await newFilter({ fromBlock: q(head + 2n) }) // skips the next block
  const open = await newFilter({ fromBlock: 'latest', toBlock: 'latest' }) // tags: no bound
  const exact = await newFilter({ fromBlock: q(head + 1n), toBlock: q(head + 1n) }) // only the next block
  const heights: bigint[] = []
  for (const note of ['one', 'two', 'three']) {
    const r = await ((await emitter.getFunction('ping')(note)) as ContractTransactionResponse).wait()
    heights.push(BigInt(r!.blockNumber))
  }
  t.true(heights[0]! > head && heights[2]! > heights[0]!, `pings mined at ${heights.join(', ')}`)
  const changes = async (f: string) =>
    ((await rpc(url, 'eth_getFilterChanges', [f])).result as { blockNumber: string }[]).map((l) =>
      BigInt(l.blockNumber),
    )
  t.deepEqual(await changes(past), [])
  t.deepEqual(await changes(open), heights)
  t.deepEqual(
    await changes(later),
    heights.filter((n) => n >= head + 2n),
  )
  t.deepEqual(
    await changes(exact),
    heights.filter((n) => n === head + 1n),
  )
})

test('a Seth chain on LevelDB keeps contracts, balances and receipts across a restart', async (t) => {
  t.timeout(180_000)
  const dir = mkdtempSync(join(tmpdir(), 'seth-level-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  let h = await startHarness({ store: await levelStore(dir) })
  const provider = new JsonRpcProvider(h.server.url, undefined, { pollingInterval: 50, cacheTimeout: -1 })
  const alice = h.wallets[0]!.connect(provider) as Wallet
  const { Token } = compileAll()
  const token = (await new ContractFactory(Token!.abi as never, Token!.bytecode, alice).deploy(
    77n,
  )) as unknown as Contract
  const deployTx = token.deploymentTransaction()!
  await token.waitForDeployment()
  const address = await token.getAddress()
  const balance = await provider.getBalance(alice.address)
  provider.destroy()
  const head = h.chain.ledger.head.id
  await h.close()
  h = await startHarness({ store: await levelStore(dir) })
  t.teardown(() => h.close())
  t.is(h.chain.ledger.head.id, head)
  const p2 = new JsonRpcProvider(h.server.url, undefined, { pollingInterval: 50, cacheTimeout: -1 })
  t.teardown(() => p2.destroy())
  t.is(await p2.getBalance(alice.address), balance)
  t.true((await p2.getCode(address)).length > 100)
  t.is((await p2.getTransactionReceipt(deployTx.hash))?.contractAddress, address)
})
