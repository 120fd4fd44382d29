// The CLI as a real child process: run (both modes agree) and play (transcript JSON).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { workModule } from '../examples/programs.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.js')
const dir = mkdtempSync(join(tmpdir(), 'wasm-dispute-cli-'))
const wasm = join(dir, 'work.wasm')
writeFileSync(wasm, workModule())
test.after.always(() => rmSync(dir, { recursive: true, force: true }))

test('run prints agreeing results for both modes', (t) => {
  const out = JSON.parse(
    execFileSync(process.execPath, [cli, 'run', wasm, '--invoke', 'work', '25', '--gas', '100000'], {
      encoding: 'utf8',
    }),
  )
  t.true(out.agree)
  t.is(out.dispute.status, 'returned')
  t.is(out.normal.instructions, out.dispute.instructions)
  t.regex(out.normal.stateHash, /^[0-9a-f]{64}$/)
})

test('play prints a transcript the honest party wins', (t) => {
  const out = JSON.parse(
    execFileSync(
      process.execPath,
      [cli, 'play', wasm, '--invoke', 'work', '25', '--fault', 'memory@40', '--ways', '2'],
      { encoding: 'utf8' },
    ),
  )
  t.is(out.kind, 'bisection')
  t.is(out.winner, 'defender')
  t.is(out.judge.step, 39)
  t.is(out.rounds.length, Math.ceil(Math.log2(out.claims.defender.steps)))
  const liar = JSON.parse(
    execFileSync(
      process.execPath,
      [cli, 'play', wasm, '--invoke', 'work', '25', '--fault', 'halt@7', '--liar', 'defender'],
      { encoding: 'utf8' },
    ),
  )
  t.is(liar.winner, 'challenger')
})

test('bad input exits non-zero with a typed error', (t) => {
  const r = spawnSync(process.execPath, [cli, 'play', wasm, '--invoke', 'work', '25', '--fault', 'nonsense'], {
    encoding: 'utf8',
  })
  t.is(r.status, 1)
  t.is(JSON.parse(r.stderr).error, 'FaultSpecError')
  const u = spawnSync(process.execPath, [cli, 'run', wasm, '--invoke', 'nope'], { encoding: 'utf8' })
  t.is(JSON.parse(u.stderr).error, 'UnknownExportError')
})
