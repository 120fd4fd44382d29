import test from 'ava'
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseAbiItem,
  webSocket,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { compileAll } from './contracts.js'
import { KEYS, startHarness } from './helpers.js'

test('viem deploys, writes, reads, estimates, gets logs, watches events and sees revert reasons', async (t) => {
  t.timeout(180_000)
  const h = await startHarness()
  t.teardown(() => h.close())
  const chain = defineChain({
    id: 31337,
    name: 'atmosphere-seth',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [h.server.url], webSocket: [h.server.wsUrl] } },
  })
  const account = privateKeyToAccount(KEYS[0])
  const bob = privateKeyToAccount(KEYS[1])
  const pub = createPublicClient({ chain, transport: http(h.server.url), pollingInterval: 50 })
  const wallet = createWalletClient({ chain, account, transport: http(h.server.url) })
  const { Token, Emitter } = compileAll()

  t.is(await pub.getChainId(), 31337)
  const deployHash = await wallet.deployContract({ abi: Token!.abi as Abi, bytecode: Token!.bytecode, args: [5000n] })
  const deployed = await pub.waitForTransactionReceipt({ hash: deployHash, pollingInterval: 50 })
  t.is(deployed.status, 'success')
  const token = deployed.contractAddress!
  t.truthy(token)
  const abi = Token!.abi as Abi
  t.is(await pub.readContract({ address: token, abi, functionName: 'balanceOf', args: [account.address] }), 5000n)

  const gas = await pub.estimateContractGas({
    address: token,
    abi,
    functionName: 'transfer',
    args: [bob.address, 42n],
    account,
  })
  t.true(gas > 21000n && gas < 100_000n)
  const txHash = await wallet.writeContract({ address: token, abi, functionName: 'transfer', args: [bob.address, 42n] })
  const receipt = await pub.waitForTransactionReceipt({ hash: txHash, pollingInterval: 50 })
  t.is(receipt.status, 'success')
  t.is(receipt.logs.length, 1)
  t.is(await pub.readContract({ address: token, abi, functionName: 'balanceOf', args: [bob.address] }), 42n)

  const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
  const logs = await pub.getLogs({ address: token, event: transfer, fromBlock: 0n, toBlock: 'latest' })
  t.is(logs.length, 2)
  t.deepEqual(logs[1]!.args, { from: account.address, to: bob.address, value: 42n })
  const onlyBob = await pub.getLogs({ address: token, event: transfer, args: { to: bob.address }, fromBlock: 0n })
  t.is(onlyBob.length, 1)

  // Revert reason as viem's typed error.
  const err = await t.throwsAsync(
    pub.simulateContract({
      address: token,
      abi,
      functionName: 'transfer',
      args: [account.address, 1000n],
      account: bob,
    }),
  )
  t.true(err instanceof BaseError)
  const revert = (err as BaseError).walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null
  t.is(revert?.reason, 'ERC20: insufficient balance')

  // A WebSocket subscription (eth_subscribe logs) delivers a new event.
  const wsClient = createPublicClient({ chain, transport: webSocket(h.server.wsUrl) })
  const emitterHash = await wallet.deployContract({ abi: Emitter!.abi as Abi, bytecode: Emitter!.bytecode })
  const emitter = (await pub.waitForTransactionReceipt({ hash: emitterHash, pollingInterval: 50 })).contractAddress!
  const seen = new Promise<unknown>((resolve) => {
    const unwatch = wsClient.watchContractEvent({
      address: emitter,
      abi: Emitter!.abi as Abi,
      eventName: 'Ping',
      onLogs: (l) => {
        unwatch()
        resolve((l[0] as unknown as { args: unknown }).args)
      },
    })
  })
  await new Promise((r) => setTimeout(r, 300))
  const pingHash = await wallet.writeContract({
    address: emitter,
    abi: Emitter!.abi as Abi,
    functionName: 'ping',
    args: ['via viem'],
  })
  await pub.waitForTransactionReceipt({ hash: pingHash, pollingInterval: 50 })
  t.deepEqual(await seen, { count: 1n, from: account.address, note: 'via viem' })
  await wsClient.transport.getRpcClient?.().then((c: { close(): void }) => c.close())
})
