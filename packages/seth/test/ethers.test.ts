import test from 'ava'
import {
  type Contract,
  ContractFactory,
  type ContractTransactionResponse,
  JsonRpcProvider,
  type Log,
  NonceManager,
  parseEther,
  Wallet,
  WebSocketProvider,
} from 'ethers'
import { Permission } from '../src/index.js'
import { compileAll } from './contracts.js'
import { startHarness } from './helpers.js'

test('ethers v6 deploys an ERC-20, transfers, reads balances, events, revert reasons and gas estimates', async (t) => {
  t.timeout(180_000)
  const h = await startHarness()
  t.teardown(() => h.close())
  // ethers caches identical requests for 250 ms; a transfer and its receipt take less than
  // that here, so a balance read before and after would be the same cached answer.
  const provider = new JsonRpcProvider(h.server.url, undefined, { pollingInterval: 50, cacheTimeout: -1 })
  t.teardown(() => provider.destroy())
  const [aliceWallet, bob] = h.wallets.map((w) => w.connect(provider)) as [Wallet, Wallet]
  // ethers caches identical requests for 250 ms, eth_getTransactionCount included; blocks
  // here come faster than that, so back-to-back sends use ethers' own NonceManager.
  const alice = new NonceManager(aliceWallet)
  const aliceAddress = aliceWallet.address
  const { Token, Emitter } = compileAll()
  t.is((await provider.getNetwork()).chainId, 31337n)

  // A plain value transfer with zero gas price: the sender pays nothing for gas.
  const before = await provider.getBalance(aliceAddress)
  const sent = await alice.sendTransaction({ to: bob.address, value: parseEther('1.5') })
  const sentReceipt = await sent.wait()
  t.is(sentReceipt?.status, 1)
  t.is(await provider.getBalance(aliceAddress), before - parseEther('1.5'))
  t.is(sentReceipt?.gasUsed, 21000n)

  const factory = new ContractFactory(Token!.abi as never, Token!.bytecode, alice)
  const token = (await factory.deploy(1_000_000n)) as unknown as Contract
  await token.waitForDeployment()
  const tokenAddress = await token.getAddress()
  t.true((await provider.getCode(tokenAddress)).length > 100)
  t.is(await token.getFunction('name')(), 'Atmosphere Test Token')
  t.is(await token.getFunction('balanceOf')(aliceAddress), 1_000_000n)

  const estimate = await token.getFunction('transfer').estimateGas(bob.address, 250n)
  t.true(estimate > 21000n && estimate < 100_000n, `estimate ${estimate}`)
  const tx = (await token.getFunction('transfer')(bob.address, 250n)) as ContractTransactionResponse
  const receipt = await tx.wait()
  t.is(receipt?.status, 1)
  t.true(receipt!.gasUsed <= estimate)
  t.is(await token.getFunction('balanceOf')(bob.address), 250n)
  t.is(await token.getFunction('balanceOf')(aliceAddress), 999_750n)

  // Events through eth_getLogs (queryFilter).
  const transfers = await token.queryFilter(token.filters.Transfer!(), 0)
  t.is(transfers.length, 2)
  const last = transfers[1] as Log & { args: unknown[] }
  t.deepEqual([...last.args], [aliceAddress, bob.address, 250n])
  const toBob = await token.queryFilter(token.filters.Transfer!(null, bob.address), 0)
  t.is(toBob.length, 1)

  // The revert reason reaches the client as its error.
  const bobToken = token.connect(bob) as Contract
  const err = await t.throwsAsync(bobToken.getFunction('transfer')(aliceAddress, 10_000n))
  t.is((err as unknown as { reason?: string }).reason, 'ERC20: insufficient balance')
  const emitterFactory = new ContractFactory(Emitter!.abi as never, Emitter!.bytecode, alice)
  const emitter = (await emitterFactory.deploy()) as unknown as Contract
  await emitter.waitForDeployment()
  t.is(await emitter.getFunction('mustBeSmall')(4n), 8n)
  const callErr = await t.throwsAsync(emitter.getFunction('mustBeSmall')(11n))
  t.is((callErr as unknown as { reason?: string }).reason, 'x too large')
  const customErr = await t.throwsAsync(emitter.getFunction('custom')())
  t.is((customErr as unknown as { revert?: { name: string; args: unknown[] } }).revert?.name, 'Custom')

  // Gas is finite: a loop beyond the transaction's gas limit runs out of gas and uses it all.
  const burn = (await emitter.getFunction('burn')(1_000_000n, { gasLimit: 200_000n })) as ContractTransactionResponse
  await t.throwsAsync(burn.wait())
  const burnt = await provider.getTransactionReceipt(burn.hash)
  t.is(burnt?.status, 0)
  t.is(burnt?.gasUsed, 200_000n)
  t.is(await emitter.getFunction('count')(), 0n, 'the failed transaction changed no state')
})

test('ethers receives contract events by WebSocket subscription', async (t) => {
  t.timeout(180_000)
  const h = await startHarness()
  t.teardown(() => h.close())
  const ws = new WebSocketProvider(h.server.wsUrl)
  t.teardown(() => ws.destroy())
  const aliceWallet = h.wallets[0]!.connect(ws)
  const alice = new NonceManager(aliceWallet)
  const { Emitter } = compileAll()
  const emitter = (await new ContractFactory(
    Emitter!.abi as never,
    Emitter!.bytecode,
    alice,
  ).deploy()) as unknown as Contract
  await emitter.waitForDeployment()
  const got = new Promise<[bigint, string, string]>((resolve) => {
    emitter.on('Ping', (count: bigint, from: string, note: string) => resolve([count, from, note]))
  })
  // Give the subscription time to be installed before the event fires.
  await new Promise((r) => setTimeout(r, 300))
  const tx = (await emitter.getFunction('ping')('hello')) as ContractTransactionResponse
  await tx.wait()
  t.deepEqual(await got, [1n, aliceWallet.address, 'hello'])
  const heads: number[] = []
  await ws.on('block', (n: number) => heads.push(n))
  await new Promise((r) => setTimeout(r, 300))
  await (await alice.sendTransaction({ to: aliceWallet.address, value: 1n })).wait()
  for (let i = 0; i < 50 && heads.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
  t.true(heads.length > 0)
})

test('permissions deny a forbidden deploy while allowing sends', async (t) => {
  t.timeout(180_000)
  const alice = new Wallet((await import('./helpers.js')).KEYS[0])
  const h = await startHarness({
    permissions: {
      '0x0000000000000000000000000000000000000000': Permission.send | Permission.call,
      [alice.address]: 31,
    },
  })
  t.teardown(() => h.close())
  const provider = new JsonRpcProvider(h.server.url, undefined, { pollingInterval: 50, cacheTimeout: -1 })
  t.teardown(() => provider.destroy())
  const [a, bob] = h.wallets.map((w) => w.connect(provider)) as [Wallet, Wallet]
  const { Emitter } = compileAll()
  const ok = await new ContractFactory(Emitter!.abi as never, Emitter!.bytecode, a).deploy()
  await ok.waitForDeployment()
  const err = await t.throwsAsync(new ContractFactory(Emitter!.abi as never, Emitter!.bytecode, bob).deploy())
  t.regex(String((err as Error).message), /permission denied/)
  const r = await (await bob.sendTransaction({ to: a.address, value: 5n })).wait()
  t.is(r?.status, 1)
  const count = await provider.getTransactionCount(bob.address)
  t.is(count, 1, 'the refused deploy consumed no nonce')
})
