import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { levelStore } from '../src/adapters/level-store.js'
import { createLedger, devConsensus, GenesisMismatchError, systemClock } from '../src/index.js'
import { counter, counterValue, makeBatch, memoryLedger, newSigner } from './helpers.js'

test('a LevelDB chain reopens at its head with state, receipts and blocks', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const node = newSigner()
  const user = newSigner()
  let ledger = await memoryLedger(node, await levelStore(dir))
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const b = await makeBatch(node, user, BigInt(i), 'persist')
    ids.push(b.transactions[0]!.id)
    await ledger.submit(b)
    await ledger.buildBlock()
  }
  const head = ledger.head
  await ledger.close()
  ledger = await memoryLedger(node, await levelStore(dir))
  t.is(ledger.head.id, head.id)
  t.is(await counterValue(ledger.state, 'persist'), 3n)
  for (const id of ids) t.truthy(await ledger.getReceipt(id))
  t.is((await ledger.getBlockByHeight(2n))?.header.height, 2n)
  await ledger.close()
  const kv = await levelStore(dir)
  const entries = []
  for await (const e of kv.iterate({ gte: new TextEncoder().encode('h:'), lt: new TextEncoder().encode('h;') }))
    entries.push(e)
  t.is(entries.length, 4, 'height index holds genesis and three blocks')
  await kv.close()
  const store = await levelStore(dir)
  t.teardown(() => store.close())
  await t.throwsAsync(
    createLedger({
      store,
      families: [counter],
      consensus: devConsensus(),
      signer: node,
      clock: systemClock(),
      genesis: { timestamp: 2 },
    }),
    { instanceOf: GenesisMismatchError },
  )
})
