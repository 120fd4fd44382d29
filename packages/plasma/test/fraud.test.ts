// Fraud evidence on the in-process EVM: each kind of invalid block a master node can
// publish is detected by a watcher, proven on chain, and freezes the operator's bond.
import test from 'ava'
import {
  ETH,
  encodePosition,
  InvalidTransactionError,
  Operator,
  RootChainRevertError,
  signInput,
  signTransaction,
  type Transaction,
  txPosition,
  Watcher,
} from '../src/index.js'
import { deploy, ether, increaseTime, inProcessProvider, PARAMS, type Provider, party } from './helpers.js'

let provider: Provider
test.before(async () => {
  provider = await inProcessProvider()
})

/** A deployed chain with a bonded operator and two deposits (alice 10, dave 5). */
async function world() {
  const { client } = await deploy(provider)
  const [op, alice, bob, carol, dave] = await Promise.all([
    party(provider),
    party(provider),
    party(provider),
    party(provider),
    party(provider),
  ])
  const [opRoot, aliceRoot, bobRoot, carolRoot, daveRoot] = await Promise.all([
    client(op),
    client(alice),
    client(bob),
    client(carol),
    client(dave),
  ])
  await opRoot.bond(PARAMS.operatorBond)
  await daveRoot.deposit(ether(5)) // blknum 1: the oldest output
  await aliceRoot.deposit(ether(10)) // blknum 2
  const operator = new Operator({ rootChain: opRoot })
  await operator.syncDeposits()
  const watcher = new Watcher({ rootChain: bobRoot, source: operator })
  const alicePos = encodePosition({ blknum: 2n, txindex: 0, oindex: 0 })
  const davePos = encodePosition({ blknum: 1n, txindex: 0, oindex: 0 })
  return {
    op,
    alice,
    bob,
    carol,
    dave,
    opRoot,
    aliceRoot,
    bobRoot,
    carolRoot,
    daveRoot,
    operator,
    watcher,
    alicePos,
    davePos,
  }
}

const pay = (input: bigint, owner: string, amount: bigint, input1 = 0n): Transaction => ({
  inputs: [input, input1],
  outputs: [
    { owner: owner as `0x${string}`, token: ETH, amount },
    { owner: ETH, token: ETH, amount: 0n },
  ],
})

async function expectRevert(t: import('ava').ExecutionContext, promise: Promise<unknown>, reason: string) {
  const err = await t.throwsAsync(promise, { instanceOf: RootChainRevertError })
  t.is(err?.reason, reason)
}

test('a double spend in one block is proven, the operator frozen, the later spend cannot exit, honest users exit in priority order', async (t) => {
  const w = await world()
  // Alice (colluding) signs two spends of her deposit; the operator includes both.
  const toBob = signTransaction(pay(w.alicePos, w.bob.address, ether(10)), w.alice.key)
  const toCarol = signTransaction(pay(w.alicePos, w.carol.address, ether(10)), w.alice.key)
  t.deepEqual(
    (await w.operator.chain.submit([toBob, toCarol])).map((e) => e?.rule),
    [undefined, 'input-already-spent'],
    'an honest operator refuses the second spend',
  )
  const blknum = await w.operator.publishRaw([toBob, toCarol])
  const events = await w.watcher.sync()
  const fraud = events.find((e) => e.type === 'fraud')
  t.like(fraud, { type: 'fraud', blknum, txindex: 1, rule: 'input-already-spent', proven: true })
  t.is(w.watcher.halted?.blknum, blknum)

  const opState = await w.opRoot.operator(w.op.address)
  t.true(opState.frozen)
  t.is(opState.bond, PARAMS.operatorBond, 'the bond stays locked in the contract')
  t.true(await w.opRoot.invalidTx(txPosition(blknum, 1)))
  await expectRevert(t, w.opRoot.submitBlock(new Uint8Array(32)), 'OperatorIsFrozen')
  await expectRevert(t, w.opRoot.requestUnbond(), 'OperatorIsFrozen')
  await expectRevert(t, w.opRoot.withdrawBond(), 'OperatorIsFrozen')
  await expectRevert(
    t,
    w.watcher.exitAll(w.carol.address, w.carolRoot).then(async () => {
      const inc = w.watcher.chain.included(blknum, 1)
      if (!inc) throw new Error('block not known')
      const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as const
      return w.carolRoot.startExit(
        encodePosition({ blknum, txindex: 1, oindex: 0 }),
        hex(inc.txBytes),
        hex(inc.sigs),
        hex(inc.proof),
      )
    }),
    'SourceTxInvalid',
  )
  await expectRevert(
    t,
    w.opRoot.proveFraud(fraud?.type === 'fraud' && fraud.proof ? fraud.proof : (undefined as never)),
    'NotFraud',
  )

  // Honest users exit: Dave's older deposit first, then Bob's output of the valid spend.
  t.deepEqual(await w.watcher.exitAll(w.dave.address, w.daveRoot), [w.davePos])
  t.deepEqual(await w.watcher.exitAll(w.bob.address, w.bobRoot), [encodePosition({ blknum, txindex: 0, oindex: 0 })])
  await increaseTime(provider, Number(PARAMS.challengePeriod) * 2 + 1)
  const fin = await w.bobRoot.finalizeExits(ETH)
  t.deepEqual(fin.finalized, [w.davePos, encodePosition({ blknum, txindex: 0, oindex: 0 })])
  t.is(
    await w.bobRoot.withdrawable(w.bob.address, ETH),
    ether(10) + PARAMS.exitBond,
    'no fee goes to a frozen operator',
  )
  t.is(await w.opRoot.operatorFees(w.op.address, ETH), 0n)
})

test('one transaction spending the same output twice is a provable double spend', async (t) => {
  const w = await world()
  const dup = signTransaction(pay(w.alicePos, w.carol.address, ether(20), w.alicePos), w.alice.key)
  t.is((await w.operator.chain.submit([dup]))[0]?.rule, 'duplicate-input')
  await w.operator.publishRaw([dup])
  const fraud = (await w.watcher.sync()).find((e) => e.type === 'fraud')
  t.like(fraud, { rule: 'duplicate-input', proven: true })
  t.true((await w.opRoot.operator(w.op.address)).frozen)
})

test('a spend with a forged signature is proven invalid', async (t) => {
  const w = await world()
  const forged = signTransaction(pay(w.alicePos, w.op.address, ether(10)), w.op.key)
  const rejected = (await w.operator.chain.submit([forged]))[0]
  t.true(rejected instanceof InvalidTransactionError)
  t.is(rejected?.rule, 'bad-signature')
  await w.operator.publishRaw([forged])
  const fraud = (await w.watcher.sync()).find((e) => e.type === 'fraud')
  t.like(fraud, { rule: 'bad-signature', proven: true, proof: { method: 'proveInvalidSignature' } })
  t.true((await w.opRoot.operator(w.op.address)).frozen)
})

test('spends of outputs that never existed are proven: a future block, an empty leaf, an unused output slot', async (t) => {
  for (const kind of ['future-block', 'empty-leaf', 'unused-slot'] as const) {
    const w = await world()
    // A valid first block so that block 1000 exists, with one transaction (leaf 0).
    const ok = signTransaction(pay(w.alicePos, w.bob.address, ether(10)), w.alice.key)
    await w.operator.chain.submit([ok])
    await w.operator.publishBlock()
    const target =
      kind === 'future-block'
        ? encodePosition({ blknum: 9000n, txindex: 0, oindex: 0 })
        : kind === 'empty-leaf'
          ? encodePosition({ blknum: 1000n, txindex: 7, oindex: 0 })
          : encodePosition({ blknum: 1000n, txindex: 0, oindex: 1 })
    const fake = signTransaction(pay(target, w.op.address, ether(1)), w.op.key)
    t.is((await w.operator.chain.submit([fake]))[0]?.rule, 'unknown-input', kind)
    await w.operator.publishRaw([fake])
    const fraud = (await w.watcher.sync()).find((e) => e.type === 'fraud')
    t.like(fraud, { rule: 'unknown-input', proven: true }, kind)
    t.is(
      fraud?.type === 'fraud' ? fraud.proof?.method : undefined,
      kind === 'unused-slot' ? 'proveUnusedOutputSpend' : 'proveNonExistentInput',
      kind,
    )
    t.true((await w.opRoot.operator(w.op.address)).frozen, kind)
  }
})

test('value creation is proven; burning is refused off chain but not fraud', async (t) => {
  const w = await world()
  const inflate = signTransaction(pay(w.davePos, w.dave.address, ether(50)), w.dave.key)
  t.is((await w.operator.chain.submit([inflate]))[0]?.rule, 'value-not-conserved')
  await w.operator.publishRaw([inflate])
  const fraud = (await w.watcher.sync()).find((e) => e.type === 'fraud')
  t.like(fraud, { rule: 'value-not-conserved', proven: true, proof: { method: 'proveValueCreation' } })
  t.true((await w.opRoot.operator(w.op.address)).frozen)
})

test('a withheld block halts the watcher and its owner exits what it last trusted', async (t) => {
  const { client } = await deploy(provider)
  const [op, alice, bob] = await Promise.all([party(provider), party(provider), party(provider)])
  const [opRoot, aliceRoot, bobRoot] = await Promise.all([client(op), client(alice), client(bob)])
  await opRoot.bond(PARAMS.operatorBond)
  await aliceRoot.deposit(ether(4))
  await bobRoot.deposit(ether(6))
  const operator = new Operator({ rootChain: opRoot, withhold: (b) => b === 1000n })
  await operator.syncDeposits()
  const bobPos = encodePosition({ blknum: 2n, txindex: 0, oindex: 0 })
  await operator.submit([
    signTransaction(pay(encodePosition({ blknum: 1n, txindex: 0, oindex: 0 }), op.address, ether(4)), alice.key),
  ])
  await operator.publishBlock()
  const watcher = new Watcher({ rootChain: bobRoot, source: operator })
  const events = await watcher.sync()
  const halt = events.find((e) => e.type === 'halt')
  t.is(halt?.type === 'halt' ? halt.error.name : undefined, 'BlockWithheldError')
  t.deepEqual(await watcher.exitAll(bob.address, bobRoot), [bobPos])
  await increaseTime(provider, Number(PARAMS.challengePeriod) * 2 + 1)
  t.true((await bobRoot.finalizeExits(ETH)).finalized.includes(bobPos))
  t.is(await bobRoot.withdrawable(bob.address, ETH), ether(6) + PARAMS.exitBond)
})

test('a swap is signed by both parties and rejected with only one signature', async (t) => {
  const w = await world()
  const tx = pay(w.alicePos, w.dave.address, ether(10), w.davePos)
  const half = signInput(tx, 0, w.alice.key)
  t.is((await w.operator.chain.submit([half]))[0]?.rule, 'bad-signature')
})
