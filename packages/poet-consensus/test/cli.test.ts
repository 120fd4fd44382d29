import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import test from 'ava'
import { InvalidSettingError, parseArgs, resolveSettings, SimulatorOptionError, simulate } from '../src/index.js'

const run = promisify(execFile)
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin', 'poet-sim.js')

test('poet-sim prints a JSON report in a real process', async (t) => {
  const { stdout } = await run(
    process.execPath,
    [bin, '--validators', '20', '--blocks', '300', '--delay-ms', '200', '--adversary', 'early-claim:1', '--seed', '7'],
    { timeout: 60_000 },
  )
  const report = JSON.parse(stdout)
  t.is(report.blocks, 300)
  t.is(report.validators, 20)
  t.is(report.adversaries[0].kind, 'early-claim')
  t.true(report.adversaries[0].rejected > 0)
  t.is(typeof report.winShares.chiSquarePValue, 'number')
})

test('poet-sim --mode full runs real engines in a real process', async (t) => {
  const args = [
    '--mode',
    'full',
    '--validators',
    '4',
    '--blocks',
    '6',
    '--adversary',
    'forge:1',
    '--set',
    'populationEstimateSampleSize=5',
    '--set',
    'initialWaitTime=100',
    '--seed',
    '3',
  ]
  const { stdout } = await run(process.execPath, [bin, ...args], { timeout: 120_000 })
  const report = JSON.parse(stdout)
  t.is(report.mode, 'full')
  t.is(report.blocks, 6)
  t.is(report.adversaries[0].kind, 'forge')
  t.is(report.adversaries[0].inChain, 0)
})

test('poet-sim rejects a bad option with exit code 2 and a typed message', async (t) => {
  const error = await t.throwsAsync(run(process.execPath, [bin, '--adversary', 'bribe:1'], { timeout: 60_000 }))
  t.is((error as unknown as { code: number }).code, 2)
  t.regex((error as unknown as { stderr: string }).stderr, /SimulatorOptionError/)
})

test('argument parsing', (t) => {
  const o = parseArgs([
    '--validators',
    '100',
    '--blocks',
    '10000',
    '--delay-ms',
    '200',
    '--adversary',
    'early-claim:1',
    '--seed',
    '7',
    '--set',
    'ztestMinimumWinCount=9',
  ])
  t.is(o.validators, 100)
  t.deepEqual(o.adversaries, [{ kind: 'early-claim', count: 1 }])
  t.deepEqual(o.settings, { ztestMinimumWinCount: 9 })
  t.throws(() => parseArgs(['--blocks', 'many']), { instanceOf: SimulatorOptionError })
  t.throws(() => parseArgs(['--set', 'nope=1']), { instanceOf: SimulatorOptionError })
})

test('bad simulator options and settings are typed errors naming the value', (t) => {
  const e1 = t.throws(() => simulate({ validators: 0, blocks: 10, delayMs: 200, seed: 1 }), {
    instanceOf: SimulatorOptionError,
  })
  t.is(e1?.option, 'validators')
  t.throws(() => simulate({ validators: 5, blocks: 10, delayMs: -1, seed: 1 }), { instanceOf: SimulatorOptionError })
  t.throws(
    () => simulate({ validators: 2, blocks: 10, delayMs: 1, seed: 1, adversaries: [{ kind: 'forge', count: 2 }] }),
    { instanceOf: SimulatorOptionError },
  )
  const e2 = t.throws(() => resolveSettings({ targetWaitTime: 0 }), { instanceOf: InvalidSettingError })
  t.is(e2?.value, 0)
  t.throws(() => resolveSettings({ ztestMinimumWinCount: 1.5 }), { instanceOf: InvalidSettingError })
  t.throws(() => resolveSettings({ bogus: 1 } as never), { instanceOf: InvalidSettingError })
})
