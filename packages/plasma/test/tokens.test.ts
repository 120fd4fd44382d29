// ERC-20 deposits and exits, atomic swaps of two tokens, and roots relayed between two chains.
import test from 'ava'
import { connect, deployTestToken, tokenBalance } from '../src/adapters/index.js'
import {
  buildSwap,
  buildTransfer,
  checkRelayedRoots,
  ETH,
  encodePosition,
  mergeSignatures,
  Operator,
  relayRoots,
  signInput,
  signTransaction,
  Watcher,
} from '../src/index.js'
import { deploy, ether, increaseTime, inProcessProvider, PARAMS, party } from './helpers.js'

test('an ERC-20 round trip: deposit, transfer on the child chain, exit, withdraw', async (t) => {
  const provider = await inProcessProvider()
  const { client } = await deploy(provider)
  const [op, alice, bob] = await Promise.all([party(provider), party(provider), party(provider)])
  const token = await deployTestToken(await connect(provider, alice.hexKey), 'Atmo Test', 'ATT', ether(1000))
  const [opRoot, aliceRoot, bobRoot] = await Promise.all([client(op), client(alice), client(bob)])
  await opRoot.bond(PARAMS.operatorBond)
  const { blknum } = await aliceRoot.depositToken(token, ether(100))
  t.is(await tokenBalance(aliceRoot.connection, token, alice.address), ether(900))
  const operator = new Operator({ rootChain: opRoot })
  await operator.syncDeposits()
  const tx = buildTransfer(operator.chain.utxosOf(alice.address), alice.address, bob.address, token, ether(40))
  t.deepEqual(await operator.submit([signTransaction(tx, alice.key)]), [undefined])
  const block = await operator.publishBlock()
  const watcher = new Watcher({ rootChain: bobRoot, source: operator })
  await watcher.sync()
  t.deepEqual(await watcher.exitAll(bob.address, bobRoot), [
    encodePosition({ blknum: block.blknum, txindex: 0, oindex: 0 }),
  ])
  t.deepEqual(await watcher.exitAll(alice.address, aliceRoot), [
    encodePosition({ blknum: block.blknum, txindex: 0, oindex: 1 }),
  ])
  await increaseTime(provider, Number(PARAMS.challengePeriod) * 2 + 1)
  t.is((await bobRoot.finalizeExits(token)).finalized.length, 2)
  await bobRoot.withdraw(token)
  await aliceRoot.withdraw(token)
  const fee = (x: bigint) => (x * PARAMS.feeBasisPoints) / 10_000n
  t.is(await tokenBalance(bobRoot.connection, token, bob.address), ether(40) - fee(ether(40)))
  t.is(await tokenBalance(aliceRoot.connection, token, alice.address), ether(900) + ether(60) - fee(ether(60)))
  t.is(blknum, 1n)
  await opRoot.withdrawFees(token)
  t.is(await tokenBalance(opRoot.connection, token, op.address), fee(ether(40)) + fee(ether(60)))
})

test('an atomic swap of ETH for a token in one child-chain transaction', async (t) => {
  const provider = await inProcessProvider()
  const { client } = await deploy(provider)
  const [op, alice, bob] = await Promise.all([party(provider), party(provider), party(provider)])
  const token = await deployTestToken(await connect(provider, bob.hexKey), 'Bob Token', 'BOB', ether(500))
  const [opRoot, aliceRoot, bobRoot] = await Promise.all([client(op), client(alice), client(bob)])
  await opRoot.bond(PARAMS.operatorBond)
  await aliceRoot.deposit(ether(2))
  await bobRoot.depositToken(token, ether(300))
  const operator = new Operator({ rootChain: opRoot })
  await operator.syncDeposits()
  const [a] = operator.chain.utxosOf(alice.address)
  const [b] = operator.chain.utxosOf(bob.address)
  if (!a || !b) throw new Error('deposits missing')
  const swap = buildSwap(a, b)
  // Each party signs only its own input; the operator needs both.
  const signed = mergeSignatures(signInput(swap, 0, alice.key), signInput(swap, 1, bob.key))
  t.deepEqual(await operator.submit([signed]), [undefined])
  await operator.publishBlock()
  const watcher = new Watcher({ rootChain: aliceRoot, source: operator })
  await watcher.sync()
  t.deepEqual(
    watcher.chain.utxosOf(alice.address).map((u) => [u.output.token, u.output.amount]),
    [[token, ether(300)]],
  )
  t.deepEqual(
    watcher.chain.utxosOf(bob.address).map((u) => [u.output.token, u.output.amount]),
    [[ETH, ether(2)]],
  )
  // Both exit what they received.
  await watcher.exitAll(alice.address, aliceRoot)
  await watcher.exitAll(bob.address, bobRoot)
  await increaseTime(provider, Number(PARAMS.challengePeriod) * 2 + 1)
  await aliceRoot.finalizeExits(token)
  await aliceRoot.finalizeExits(ETH)
  t.is(await aliceRoot.withdrawable(alice.address, token), ether(300) - (ether(300) * PARAMS.feeBasisPoints) / 10_000n)
  t.is(
    await bobRoot.withdrawable(bob.address, ETH),
    ether(2) - (ether(2) * PARAMS.feeBasisPoints) / 10_000n + PARAMS.exitBond,
  )
})

test('two chains synchronised through a master node bonded on both: relayed roots check out, a forged one is caught', async (t) => {
  const [p1, p2] = await Promise.all([inProcessProvider(), inProcessProvider()])
  const [one, two] = await Promise.all([deploy(p1), deploy(p2)])
  // The master node uses the same key on both chains.
  const master = await party(p1)
  await p2.request({ method: 'hardhat_setBalance', params: [master.address, `0x${ether(100).toString(16)}`] })
  const alice = await party(p1)
  const [src, dst, aliceRoot] = await Promise.all([one.client(master), two.client(master), one.client(alice)])
  await src.bond(PARAMS.operatorBond)
  await dst.bond(PARAMS.operatorBond)
  await aliceRoot.deposit(ether(1))
  const operator = new Operator({ rootChain: src })
  await operator.syncDeposits()
  for (const amount of [ether('0.25'), ether('0.5')]) {
    const tx = buildTransfer(operator.chain.utxosOf(alice.address), alice.address, master.address, ETH, amount)
    await operator.submit([signTransaction(tx, alice.key)])
    await operator.publishBlock()
  }
  const relayed = await relayRoots(src, dst, 1000n)
  t.deepEqual(relayed, [1000n, 2000n])
  t.deepEqual(await checkRelayedRoots(src, dst, relayed), [])
  // A dishonest relay is visible to anyone holding both chains.
  await dst.relayRoot(BigInt(await src.chainId()), src.address, 2000n, `0x${'ab'.repeat(32)}`)
  const mismatches = await checkRelayedRoots(src, dst, relayed)
  t.is(mismatches.length, 1)
  t.like(mismatches[0], { blknum: 2000n, relayed: `0x${'ab'.repeat(32)}`, relayer: master.address })
  await t.throwsAsync(
    two.client(alice).then((c) => c.relayRoot(1n, src.address, 1000n, `0x${'00'.repeat(32)}`)),
    {
      message: /NotOperator/,
    },
  )
})
