// Bad input: malformed bytes and wrong signatures are rejected off chain with typed errors;
// on chain, bad proofs, wrong owners, wrong bonds and strangers get reverts with reasons.
import test from 'ava'
import fc from 'fast-check'
import { parseEther } from 'viem'
import { connect } from '../src/adapters/index.js'
import {
  ChildChain,
  decodeBlock,
  decodePosition,
  decodeSignedTransaction,
  decodeTransaction,
  ETH,
  encodePosition,
  encodeTransaction,
  InvalidTransactionError,
  MalformedDataError,
  Operator,
  plasmaRootAbi,
  RootChainRevertError,
  recoverSigner,
  SignatureError,
  signTransaction,
  transactionHash,
  Watcher,
} from '../src/index.js'
import { deploy, ether, inProcessProvider, PARAMS, party } from './helpers.js'

const sampleTx = {
  inputs: [encodePosition({ blknum: 1000n, txindex: 3, oindex: 1 }), 0n] as const,
  outputs: [
    { owner: '0x1111111111111111111111111111111111111111' as const, token: ETH, amount: 5n },
    { owner: ETH, token: ETH, amount: 0n },
  ] as const,
}

test('transactions round-trip through their 256-byte encoding', (t) => {
  const bytes = encodeTransaction(sampleTx)
  t.is(bytes.length, 256)
  t.deepEqual(decodeTransaction(bytes), sampleTx)
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
      fc.uint8Array({ minLength: 20, maxLength: 20 }),
      fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
      (input, owner, amount) => {
        const tx = {
          inputs: [input, 0n] as const,
          outputs: [
            { owner: `0x${Buffer.from(owner).toString('hex')}` as const, token: ETH, amount },
            { owner: ETH, token: ETH, amount: 0n },
          ] as const,
        }
        t.deepEqual(decodeTransaction(encodeTransaction(tx)), tx)
      },
    ),
  )
})

test('malformed bytes get a MalformedDataError naming field, offset and expectation', (t) => {
  const short = t.throws(() => decodeTransaction(new Uint8Array(255)), { instanceOf: MalformedDataError })
  t.like(short, { field: 'length', expected: '256 bytes', actual: '255 bytes' })
  const dirty = encodeTransaction(sampleTx)
  dirty[64 + 3] = 0xff // a non-zero byte in the padding of output 0's owner word
  const err = t.throws(() => decodeTransaction(dirty), { instanceOf: MalformedDataError })
  t.is(err?.field, 'address word')
  t.throws(
    () => encodeTransaction({ ...sampleTx, outputs: [{ ...sampleTx.outputs[0], owner: '0x12' }, sampleTx.outputs[1]] }),
    {
      instanceOf: MalformedDataError,
      message: /40 hex digits/,
    },
  )
  const blk = t.throws(() => decodeBlock(new Uint8Array([0, 0, 0, 2, 1, 2, 3])), { instanceOf: MalformedDataError })
  t.is(blk?.field, 'length')
  t.throws(() => decodeSignedTransaction(new Uint8Array(10)), { instanceOf: MalformedDataError })
  t.throws(() => encodePosition({ blknum: 1n, txindex: 1, oindex: 2 }), { instanceOf: MalformedDataError })
})

test('arbitrary bytes never crash a decoder: they decode or throw MalformedDataError', (t) => {
  let typed = 0
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 1200 }), (bytes) => {
      for (const decode of [decodeTransaction, decodeSignedTransaction, decodeBlock]) {
        try {
          decode(bytes)
        } catch (err) {
          if (!(err instanceof MalformedDataError)) throw err
          typed += 1
        }
      }
    }),
    { numRuns: 2000 },
  )
  // Near-valid blocks: the right length with random content.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 386, maxLength: 386 }), (body) => {
      const bytes = new Uint8Array(390)
      bytes[3] = 1
      bytes.set(body, 4)
      try {
        decodeBlock(bytes)
      } catch (err) {
        if (!(err instanceof MalformedDataError)) throw err
        t.regex(err.field, /^transaction 0: /)
      }
    }),
  )
  t.true(typed > 0)
})

test('signatures: wrong length or v is a SignatureError; a wrong signer is refused by the chain', async (t) => {
  const digest = transactionHash(encodeTransaction(sampleTx))
  t.throws(() => recoverSigner(digest, new Uint8Array(64)), { instanceOf: SignatureError })
  const badV = new Uint8Array(65)
  badV[64] = 29
  t.throws(() => recoverSigner(digest, badV), { instanceOf: SignatureError, message: /v must be 27 or 28/ })
  t.throws(
    () =>
      recoverSigner(
        digest,
        Uint8Array.from({ length: 65 }, (_, i) => (i === 64 ? 27 : 0)),
      ),
    { instanceOf: SignatureError },
  )

  const chain = new ChildChain()
  const owner = new Uint8Array(32).fill(7)
  const thief = new Uint8Array(32).fill(9)
  const { addressOfKey } = await import('../src/index.js')
  const pos = chain.addDeposit(1n, { owner: addressOfKey(owner), token: ETH, amount: 10n })
  const tx = {
    inputs: [pos, 0n] as const,
    outputs: [{ owner: addressOfKey(thief), token: ETH, amount: 10n }, sampleTx.outputs[1]] as const,
  }
  const [err] = await chain.submit([signTransaction(tx, thief)])
  t.true(err instanceof InvalidTransactionError)
  t.is(err?.rule, 'bad-signature')
  t.deepEqual(
    chain.utxosOf(addressOfKey(owner)).map((u) => u.pos),
    [pos],
    'nothing was lost',
  )
  const burn = {
    inputs: [pos, 0n] as const,
    outputs: [{ owner: addressOfKey(thief), token: ETH, amount: 9n }, sampleTx.outputs[1]] as const,
  }
  t.is((await chain.submit([signTransaction(burn, owner)]))[0]?.rule, 'value-not-conserved')
  const replay = signTransaction(
    { ...tx, outputs: [{ ...tx.outputs[0], owner: addressOfKey(owner) }, tx.outputs[1]] },
    owner,
  )
  t.deepEqual(await chain.submit([replay]), [undefined])
  t.is((await chain.submit([replay]))[0]?.rule, 'input-already-spent', 'a replay is refused')
  t.deepEqual(decodePosition(pos), { blknum: 1n, txindex: 0, oindex: 0 })
})

test('on chain: bad proofs, wrong owners, wrong bonds and strangers revert with their reasons', async (t) => {
  const provider = await inProcessProvider()
  const { client, address } = await deploy(provider)
  const [op, alice, bob, stranger] = await Promise.all([
    party(provider),
    party(provider),
    party(provider),
    party(provider),
  ])
  const [opRoot, aliceRoot, bobRoot, strangerRoot] = await Promise.all([
    client(op),
    client(alice),
    client(bob),
    client(stranger),
  ])
  const reason = async (p: Promise<unknown>) => (await t.throwsAsync(p, { instanceOf: RootChainRevertError }))?.reason

  t.is(await reason(strangerRoot.submitBlock(new Uint8Array(32))), 'NotOperator')
  t.is(await reason(strangerRoot.bond(PARAMS.operatorBond / 2n)), 'BondTooSmall')
  t.is(await reason(aliceRoot.deposit(0n)), 'ZeroAmount')
  await opRoot.bond(PARAMS.operatorBond)
  await aliceRoot.deposit(ether(3))
  const operator = new Operator({ rootChain: opRoot })
  await operator.syncDeposits()
  const [u] = operator.chain.utxosOf(alice.address)
  if (!u) throw new Error('no deposit')
  await operator.submit([
    signTransaction(
      { inputs: [u.pos, 0n], outputs: [{ owner: bob.address, token: ETH, amount: ether(3) }, sampleTx.outputs[1]] },
      alice.key,
    ),
  ])
  const { blknum } = await operator.publishBlock()
  const watcher = new Watcher({ rootChain: bobRoot, source: operator })
  await watcher.sync()
  const inc = watcher.chain.included(blknum, 0)
  if (!inc) throw new Error('block not applied')
  const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}` as const
  const pos = encodePosition({ blknum, txindex: 0, oindex: 0 })
  const badProof = inc.proof.slice()
  badProof[5] = (badProof[5] as number) ^ 1
  t.is(await reason(bobRoot.startExit(pos, hex(inc.txBytes), hex(inc.sigs), hex(badProof))), 'NotIncluded')
  t.is(await reason(bobRoot.startExit(pos, hex(inc.txBytes), hex(inc.sigs), hex(inc.proof.slice(1)))), 'BadProofLength')
  t.is(await reason(aliceRoot.startExit(pos, hex(inc.txBytes), hex(inc.sigs), hex(inc.proof))), 'NotOutputOwner')
  t.is(
    await reason(bobRoot.startExit(pos + 1n, hex(inc.txBytes), hex(inc.sigs), hex(inc.proof))),
    'NotOutputOwner',
    'the unused output slot belongs to nobody',
  )
  t.is(await reason(aliceRoot.startDepositExit(u.pos, ETH, ether(4))), 'BadDeposit')

  // The exit bond must be exact.
  const conn = await connect(provider, bob.hexKey)
  const wrongBond = conn.walletClient.writeContract({
    address,
    abi: plasmaRootAbi,
    functionName: 'startExit',
    args: [pos, hex(inc.txBytes), hex(inc.sigs), hex(inc.proof)],
    value: parseEther('0.05'),
    account: conn.account,
    chain: conn.chain,
  })
  await t.throwsAsync(wrongBond, { message: /WrongExitBond/ })

  await bobRoot.startExit(pos, hex(inc.txBytes), hex(inc.sigs), hex(inc.proof))
  t.is(await reason(bobRoot.startExit(pos, hex(inc.txBytes), hex(inc.sigs), hex(inc.proof))), 'ExitAlreadyStarted')
  // A "spend" signed by someone other than the exit's owner does not challenge it.
  const fakeSpend = signTransaction(
    { inputs: [pos, 0n], outputs: [{ owner: stranger.address, token: ETH, amount: ether(3) }, sampleTx.outputs[1]] },
    stranger.key,
  )
  t.is(
    await reason(strangerRoot.challengeExit(pos, hex(fakeSpend.txBytes), 0n, hex(fakeSpend.sigs.subarray(0, 65)))),
    'BadSignature',
  )
  t.is(
    await reason(strangerRoot.challengeExit(pos + 7n, hex(fakeSpend.txBytes), 0n, hex(fakeSpend.sigs.subarray(0, 65)))),
    'NoSuchExit',
  )
  t.is(await reason(strangerRoot.challengeInvalidExit(pos)), 'NotFraud')
  t.is(await reason(strangerRoot.withdraw(ETH)), 'NothingToWithdraw')
})
