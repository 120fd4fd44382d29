// Gas used by each root-contract operation, measured on Hardhat's in-process EVM.
import { ETH, encodePosition, Operator, signTransaction, Watcher } from '../src/index.js'
import { deploy, ether, increaseTime, inProcessProvider, PARAMS, party } from '../test/helpers.js'

export async function gasReport(): Promise<Record<string, bigint>> {
  const provider = await inProcessProvider()
  const { client } = await deploy(provider)
  const [op, alice, bob, carol] = await Promise.all([
    party(provider),
    party(provider),
    party(provider),
    party(provider),
  ])
  const [opRoot, aliceRoot, bobRoot, carolRoot] = await Promise.all([
    client(op),
    client(alice),
    client(bob),
    client(carol),
  ])
  const bond = await opRoot.bond(PARAMS.operatorBond)
  const deposit = await aliceRoot.deposit(ether(10))
  await bobRoot.deposit(ether(1))
  const operator = new Operator({ rootChain: opRoot })
  await operator.syncDeposits()
  const alicePos = encodePosition({ blknum: 1n, txindex: 0, oindex: 0 })
  await operator.submit([
    signTransaction(
      {
        inputs: [alicePos, 0n],
        outputs: [
          { owner: carol.address, token: ETH, amount: ether(10) },
          { owner: ETH, token: ETH, amount: 0n },
        ],
      },
      alice.key,
    ),
  ])
  const submitted = await operator.publishBlock()
  const watcher = new Watcher({ rootChain: carolRoot, source: operator })
  await watcher.sync()
  const start = await carolRoot.startExit(
    encodePosition({ blknum: submitted.blknum, txindex: 0, oindex: 0 }),
    ...(() => {
      const inc = watcher.chain.included(submitted.blknum, 0)
      if (!inc) throw new Error('missing block')
      const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as const
      return [hex(inc.txBytes), hex(inc.sigs), hex(inc.proof)] as const
    })(),
  )
  const depositExit = await aliceRoot.startDepositExit(alicePos, ETH, ether(10))
  const challengeEvents = await watcher.sync()
  if (!challengeEvents.some((e) => e.type === 'challenged'))
    throw new Error('the spent deposit exit was not challenged')
  await bobRoot.startDepositExit(encodePosition({ blknum: 2n, txindex: 0, oindex: 0 }), ETH, ether(1))
  await increaseTime(provider, Number(PARAMS.challengePeriod) * 2 + 1)
  const finalize = await carolRoot.finalizeExits(ETH)
  // A second exit of a fresh deposit, challenged by a signed spend, for the challenge's gas.
  const dave = await party(provider)
  const daveRoot = await client(dave)
  const d2 = await daveRoot.deposit(ether(1))
  const davePos = encodePosition({ blknum: d2.blknum, txindex: 0, oindex: 0 })
  await daveRoot.startDepositExit(davePos, ETH, ether(1))
  const daveSpend = signTransaction(
    {
      inputs: [davePos, 0n],
      outputs: [
        { owner: bob.address, token: ETH, amount: ether(1) },
        { owner: ETH, token: ETH, amount: 0n },
      ],
    },
    dave.key,
  )
  const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as const
  const challenge = await bobRoot.challengeExit(
    davePos,
    hex(daveSpend.txBytes),
    0n,
    hex(daveSpend.sigs.subarray(0, 65)),
  )
  return {
    bond: bond.gasUsed,
    deposit: deposit.gasUsed,
    submitBlock: submitted.gasUsed,
    startExit: start.gasUsed,
    startDepositExit: depositExit.gasUsed,
    challengeExit: challenge.gasUsed,
    [`finalizeExits-${finalize.finalized.length}`]: finalize.gasUsed,
  }
}
