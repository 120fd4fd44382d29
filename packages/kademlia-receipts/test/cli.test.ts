// kad-sim: one JSON report, replayed exactly by the same seed; bad arguments exit with 2.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import test from 'ava'

const run = promisify(execFile)
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url))
const args = [
  '--nodes',
  '400',
  '--adversaries',
  '0.2',
  '--disjoint',
  '4',
  '--m',
  '2',
  '--seed',
  '5',
  '--lookups',
  '20',
  '--receipts',
  '4',
]

test('the same seed gives the same report', async (t) => {
  t.timeout(120_000)
  const [a, b] = await Promise.all([run(process.execPath, [CLI, ...args]), run(process.execPath, [CLI, ...args])])
  const ra = JSON.parse(a.stdout) as Record<string, unknown>
  const rb = JSON.parse(b.stdout) as Record<string, unknown>
  t.is(ra.nodes, 400)
  t.is((ra.lookupSuccess as unknown[]).length, 2)
  t.is((ra.receipts as unknown[]).length, 2)
  t.true(typeof (ra.hops as { median: number }).median === 'number')
  delete ra.wallTimeMs
  delete rb.wallTimeMs
  t.deepEqual(ra, rb)
  const other = JSON.parse(
    (await run(process.execPath, [CLI, ...args.slice(0, -6), '--seed', '6', '--lookups', '20', '--receipts', '4']))
      .stdout,
  ) as Record<string, unknown>
  t.notDeepEqual(other.hops, undefined)
  t.not(JSON.stringify(other.virtualTimeMs), JSON.stringify(ra.virtualTimeMs))
})

test('bad arguments exit with status 2 and a message', async (t) => {
  const e = await t.throwsAsync(run(process.execPath, [CLI, '--nodes', 'many']))
  t.is((e as unknown as { code: number }).code, 2)
  t.regex((e as unknown as { stderr: string }).stderr, /--nodes must be a number/)
  const e2 = await t.throwsAsync(run(process.execPath, [CLI, '--nodes', '100', '--adversaries', '1.5']))
  t.is((e2 as unknown as { code: number }).code, 2)
  t.regex((e2 as unknown as { stderr: string }).stderr, /InvalidParameterError/)
})
