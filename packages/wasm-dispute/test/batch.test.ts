// Batch validation: replay of a snapshot plus a transaction log, dispute on divergence, payout.
import test from 'ava'
import { workModule } from '../examples/programs.js'
import { BatchNode, clusterReceipts, takeSnapshot, validateBatch, validatorPayout } from '../src/batch.js'
import { compileModule } from '../src/compile.js'
import { instantiate } from '../src/instance.js'
import { value } from '../src/values.js'

const c = compileModule(workModule())
const start = takeSnapshot(instantiate(c))
const log = [5, 17, 40, 3, 90].map((n) => ({ func: 'work', args: [value('i32', n)], gasLimit: 100_000n }))

test('the cluster in normal mode and a validator in dispute mode produce identical receipts', (t) => {
  const fast = clusterReceipts(c, log)
  const node = new BatchNode(c, start, log)
  t.deepEqual(fast, node.receipts)
  // work writes memory, so the snapshot moves (work(3) after work(40) rewrites equal values)
  t.is(new Set(node.receipts.map((r) => r.snapshotHash)).size, 4)
})

test('an honest log validates and pays (gas × price) / 2^(n+1)', (t) => {
  const cluster = new BatchNode(c, start, log)
  const r = validateBatch(c, start, log, cluster, { gasPrice: 10n, previousValidations: 2 })
  t.true(r.ok)
  t.is(r.checked, log.length)
  const gas = cluster.receipts.reduce((a, x) => a + x.gasUsed, 0)
  t.is(r.gasUsed, gas)
  t.is(r.payout, (BigInt(gas) * 10n) / 8n)
})

test('payout rule halves with every earlier validation', (t) => {
  t.is(validatorPayout(1000n, 3n, 0), 1500n)
  t.is(validatorPayout(1000n, 3n, 1), 750n)
  t.is(validatorPayout(1000n, 3n, 3), 187n)
  t.throws(() => validatorPayout(1n, 1n, -1))
})

test('a cluster that faked transaction 2 is caught there and loses the game', (t) => {
  for (const kind of ['memory', 'gas', 'halt'] as const) {
    const cluster = new BatchNode(c, start, log, { fault: { tx: 2, fault: { kind, step: 60 } } })
    t.deepEqual(cluster.receipts.slice(0, 2), new BatchNode(c, start, log).receipts.slice(0, 2))
    const r = validateBatch(c, start, log, cluster, { gasPrice: 1n, previousValidations: 0 })
    t.false(r.ok)
    t.is(r.divergedAt, 2)
    t.is(r.transcript?.winner, 'challenger', kind)
    t.is(r.transcript?.judge?.step, 59, kind)
    t.is(r.payout, 0n)
  }
})
