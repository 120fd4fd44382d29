import test from 'ava'
import fc from 'fast-check'
import { LedgerError } from '../src/index.js'
import { counterValue, makeBatch, memoryLedger, newSigner } from './helpers.js'

const signers = [newSigner(), newSigner(), newSigner()]

test("any mix of submissions (gaps, replays, duplicates) and builds keeps every signer's committed nonces contiguous and state equal to a replay", async (t) => {
  t.timeout(120_000)
  let runs = 0
  let totalCommitted = 0
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.record({
            kind: fc.constant('submit' as const),
            who: fc.nat(2),
            nonce: fc.nat(5),
            key: fc.constantFrom('a', 'b', 'fail'),
          }),
          fc.record({ kind: fc.constant('build' as const) }),
        ),
        { maxLength: 14 },
      ),
      async (ops) => {
        runs++
        const node = newSigner()
        const ledger = await memoryLedger(node)
        const committed = new Map<string, number>()
        const build = async () => {
          const built = await ledger.buildBlock()
          for (const b of built?.block.batches ?? []) {
            const tx = b.transactions[0]!
            const who = signers.findIndex((s) => s.publicKey.every((x, i) => x === tx.header.signerPublicKey[i]))
            const next = committed.get(String(who)) ?? 0
            // Committed nonces are exactly the next ones, in order.
            if (tx.header.nonce !== BigInt(next))
              throw new Error(`signer ${who} committed nonce ${tx.header.nonce}, expected ${next}`)
            committed.set(String(who), next + 1)
            totalCommitted++
          }
        }
        // Every run starts with one valid submission, so each run commits at least once
        // (random nonces alone leave most runs with nothing to commit).
        const start = { kind: 'submit' as const, who: 0, nonce: 0, key: 'a' }
        for (const op of [start, ...ops]) {
          if (op.kind === 'build') {
            await build()
            continue
          }
          try {
            await ledger.submit(await makeBatch(node, signers[op.who]!, BigInt(op.nonce), op.key))
          } catch (e) {
            if (!(e instanceof LedgerError)) throw e
          }
        }
        await build()
        // Replaying the chain gives the same head, root and counters.
        const replay = await memoryLedger(newSigner())
        for (const b of await ledger.getBlocks(1n, 1000)) {
          if ((await replay.receiveBlock(b)) !== 'committed') throw new Error('replay diverged')
        }
        if (replay.head.id !== ledger.head.id) throw new Error('replay head differs')
        for (const key of ['a', 'b']) {
          if ((await counterValue(replay.state, key)) !== (await counterValue(ledger.state, key)))
            throw new Error(`counter ${key} differs`)
        }
      },
    ),
    { numRuns: 25 },
  )
  // fc.assert throws on a counterexample; check the property really ran and committed work.
  t.is(runs, 25)
  t.true(totalCommitted >= 25, 'every sequence committed at least its first transaction')
})
