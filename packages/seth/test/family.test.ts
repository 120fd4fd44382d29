import test from 'ava'
import { Wallet } from 'ethers'
import { ALL_PERMISSIONS, PERMISSIONS_ADDRESS, Permission } from '../src/index.js'
import { KEYS, rpc, startHarness } from './helpers.js'

async function mined(url: string, raw: string): Promise<Record<string, string>> {
  const sent = await rpc(url, 'eth_sendRawTransaction', [raw])
  if (sent.error !== undefined) throw new Error(sent.error.message)
  for (let i = 0; i < 200; i++) {
    const r = await rpc(url, 'eth_getTransactionReceipt', [sent.result])
    if (r.result) return r.result as Record<string, string>
    await new Promise((res) => setTimeout(res, 25))
  }
  throw new Error('no receipt')
}

test('gas is free: an account with no balance transacts, with any gas price, in all three transaction types', async (t) => {
  t.timeout(120_000)
  const h = await startHarness()
  t.teardown(() => h.close())
  const url = h.server.url
  const pauper = Wallet.createRandom()
  t.is((await rpc(url, 'eth_getBalance', [pauper.address, 'latest'])).result, '0x0')
  const to = '0x000000000000000000000000000000000000c0de'
  const legacy = await pauper.signTransaction({
    type: 0,
    chainId: 31337n,
    nonce: 0,
    to,
    value: 0n,
    gasLimit: 21000n,
    gasPrice: 0n,
  })
  t.is((await mined(url, legacy)).status, '0x1')
  // A non-zero price is accepted and still nothing is charged.
  const accessList = await pauper.signTransaction({
    type: 1,
    chainId: 31337n,
    nonce: 1,
    to,
    value: 0n,
    gasLimit: 30000n,
    gasPrice: 7_000_000_000n,
    accessList: [{ address: to, storageKeys: [`0x${'00'.repeat(31)}01`] }],
  })
  const r1 = await mined(url, accessList)
  t.is(r1.status, '0x1')
  t.is(r1.type, '0x1')
  t.is(BigInt(r1.gasUsed!), 21000n + 2400n + 1900n, 'EIP-2930 access-list intrinsic gas')
  t.is(r1.effectiveGasPrice, '0x0')
  const dynamic = await pauper.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 2,
    to,
    value: 0n,
    gasLimit: 21000n,
    maxFeePerGas: 10n ** 12n,
    maxPriorityFeePerGas: 10n ** 9n,
  })
  t.is((await mined(url, dynamic)).type, '0x2')
  t.is((await rpc(url, 'eth_getBalance', [pauper.address, 'latest'])).result, '0x0', 'still no balance, nothing paid')
  t.is((await rpc(url, 'eth_getTransactionCount', [pauper.address, 'latest'])).result, '0x3')
  // Value still needs balance.
  const broke = await pauper.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 3,
    to,
    value: 1n,
    gasLimit: 21000n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
  })
  const refused = await rpc(url, 'eth_sendRawTransaction', [broke])
  t.is(refused.error?.code, -32003)
  t.regex(refused.error!.message, /insufficient funds/)
  // Gas is finite: a limit above the cap or below intrinsic gas is refused.
  const huge = await pauper.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 3,
    to,
    value: 0n,
    gasLimit: 30_000_001n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
  })
  t.regex((await rpc(url, 'eth_sendRawTransaction', [huge])).error!.message, /block gas limit/)
  const tiny = await pauper.signTransaction({
    type: 2,
    chainId: 31337n,
    nonce: 3,
    to,
    value: 0n,
    gasLimit: 20999n,
    maxFeePerGas: 0n,
    maxPriorityFeePerGas: 0n,
  })
  t.regex((await rpc(url, 'eth_sendRawTransaction', [tiny])).error!.message, /intrinsic gas too low/)
})

test('a root account changes permissions by transaction; the zero address holds the default', async (t) => {
  t.timeout(120_000)
  const root = new Wallet(KEYS[0])
  const bob = new Wallet(KEYS[1])
  const h = await startHarness({
    permissions: { [root.address]: ALL_PERMISSIONS, '0x0000000000000000000000000000000000000000': Permission.send },
  })
  t.teardown(() => h.close())
  const url = h.server.url
  const carol = '0x00000000000000000000000000000000000ca401'
  const send = (w: Wallet, nonce: number, to = carol, data = '0x', value = 1n) =>
    w.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce,
      to,
      value,
      data,
      gasLimit: 100_000n,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    })
  // bob has only the default (send): sending works, creating... carol is new, so needs "account".
  const noAccount = await rpc(url, 'eth_sendRawTransaction', [await send(bob, 0)])
  t.regex(noAccount.error!.message, /may not create accounts/)
  // bob may not change permissions.
  const bobData = `0x${bob.address.slice(2)}${'00'.repeat(7)}${ALL_PERMISSIONS.toString(16).padStart(2, '0')}`
  t.regex(
    (await rpc(url, 'eth_sendRawTransaction', [await send(bob, 0, PERMISSIONS_ADDRESS, bobData, 0n)])).error!.message,
    /may not change permissions/,
  )
  // root grants bob everything.
  t.is((await mined(url, await send(root, 0, PERMISSIONS_ADDRESS, bobData, 0n))).status, '0x1')
  t.is((await mined(url, await send(bob, 0))).status, '0x1')
  // root takes everything away again: even a send is refused.
  const none = `0x${bob.address.slice(2)}${'00'.repeat(8)}`
  t.is((await mined(url, await send(root, 1, PERMISSIONS_ADDRESS, none, 0n))).status, '0x1')
  t.regex((await rpc(url, 'eth_sendRawTransaction', [await send(bob, 1)])).error!.message, /may not send/)
})
