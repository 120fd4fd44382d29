// The core Plasma scenario, run on the in-process EVM and on a real Hardhat node:
// bond, deposit, transfer, block, watcher verification, exits, a challenged exit of a
// spent output (the challenger receives the bond), finalisation in priority order, fees.
import type { ExecutionContext } from 'ava'
import type { Endpoint } from '../src/adapters/index.js'
import { buildTransfer, ETH, Operator, signTransaction, Watcher } from '../src/index.js'
import { deploy, ether, increaseTime, PARAMS, party } from './helpers.js'

export async function coreScenario(t: ExecutionContext, endpoint: Endpoint): Promise<void> {
  const { client } = await deploy(endpoint)
  const [op, alice, bob, charlie] = await Promise.all([
    party(endpoint),
    party(endpoint),
    party(endpoint),
    party(endpoint),
  ])
  const [opRoot, aliceRoot, bobRoot, charlieRoot] = await Promise.all([
    client(op),
    client(alice),
    client(bob),
    client(charlie),
  ])

  await opRoot.bond(PARAMS.operatorBond)
  t.true((await opRoot.operator(op.address)).active)

  const dep = await aliceRoot.deposit(ether(10))
  t.is(dep.blknum, 1n)
  const operator = new Operator({ rootChain: opRoot })
  t.is(await operator.syncDeposits(), 1)

  // Alice pays Bob 3 ETH on the child chain.
  const tx = buildTransfer(operator.chain.utxosOf(alice.address), alice.address, bob.address, ETH, ether(3))
  t.deepEqual(await operator.submit([signTransaction(tx, alice.key)]), [undefined])
  const block = await operator.publishBlock()
  t.is(block.blknum, 1000n)
  t.is(block.transactions, 1)

  // Charlie watches: he sees the deposit and a valid block.
  const watcher = new Watcher({ rootChain: charlieRoot, source: operator })
  const events = await watcher.sync()
  t.deepEqual(
    events.map((e) => e.type),
    ['deposit', 'block'],
  )
  t.is(watcher.halted, undefined)
  t.deepEqual(
    watcher.chain.utxosOf(bob.address).map((u) => u.output.amount),
    [ether(3)],
  )

  // Alice tries to exit her spent deposit; Charlie's watcher challenges and takes the bond.
  await aliceRoot.startDepositExit(1n * 1_000_000_000n, ETH, ether(10))
  const before = await charliePays(endpoint, charlie.address)
  const challenged = await watcher.sync()
  t.deepEqual(challenged, [{ type: 'challenged', utxoPos: 1_000_000_000n, how: 'spent' }])
  t.is((await aliceRoot.exit(1_000_000_000n)).amount, 0n, 'the challenged exit is gone')
  const after = await charliePays(endpoint, charlie.address)
  t.true(after > before, 'the challenger was paid the exit bond (minus the gas of the challenge)')
  t.true(after - before > PARAMS.exitBond - ether('0.01'))

  // Bob and Alice exit their outputs from block 1000 with inclusion proofs.
  const bobExits = await watcher.exitAll(bob.address, bobRoot)
  const aliceExits = await watcher.exitAll(alice.address, aliceRoot)
  t.deepEqual(bobExits, [1000n * 1_000_000_000n])
  t.deepEqual(aliceExits, [1000n * 1_000_000_000n + 1n])

  // Not before the challenge period: nothing finalizes.
  t.deepEqual((await bobRoot.finalizeExits(ETH)).finalized, [])
  await increaseTime(endpoint, Number(PARAMS.challengePeriod) * 2 + 1)
  const fin = await bobRoot.finalizeExits(ETH)
  t.deepEqual(fin.finalized, [1000n * 1_000_000_000n, 1000n * 1_000_000_000n + 1n], 'priority by position')

  const fee = (ether(3) * PARAMS.feeBasisPoints) / 10_000n
  t.is(await bobRoot.withdrawable(bob.address, ETH), ether(3) - fee + PARAMS.exitBond)
  t.is(await opRoot.operatorFees(op.address, ETH), fee + (ether(7) * PARAMS.feeBasisPoints) / 10_000n)
  await bobRoot.withdraw(ETH)
  t.is(await bobRoot.withdrawable(bob.address, ETH), 0n)
  await opRoot.withdrawFees(ETH)
  t.is(await opRoot.operatorFees(op.address, ETH), 0n)
}

async function charliePays(endpoint: Endpoint, address: string): Promise<bigint> {
  const hex =
    typeof endpoint === 'string'
      ? (
          (await (
            await fetch(endpoint, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBalance', params: [address, 'latest'] }),
            })
          ).json()) as { result: string }
        ).result
      : ((await endpoint.request({ method: 'eth_getBalance', params: [address, 'latest'] })) as string)
  return BigInt(hex)
}
