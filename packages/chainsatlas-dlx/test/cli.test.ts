import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import test from 'ava'
import { assemble } from '../src/assembler.js'
import { sameImage } from '../src/program.js'
import { decodeProgram } from '../src/program-codec.js'

const exec = promisify(execFile)
const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url))
const prog = (name: string) => fileURLToPath(new URL(`../../examples/programs/${name}.s`, import.meta.url))
const profiles = fileURLToPath(new URL('../../examples/profiles.json', import.meta.url))

test('dlx run prints the program output (real process)', async (t) => {
  const { stdout, stderr } = await exec(process.execPath, [cli, 'run', prog('sieve'), '--input', '10000'])
  t.is(stdout, '1229\n')
  t.regex(stderr, /halted after \d+ instructions/)
})

test('dlx asm prints a listing; dlx disasm output assembles again', async (t) => {
  const { stdout } = await exec(process.execPath, [cli, 'asm', prog('fibonacci')])
  t.regex(stdout, /^00000000 {2}20010000 {2}addi r1, r0, #0$/m)
  const dis = await exec(process.execPath, [cli, 'disasm', prog('fibonacci')])
  const dir = mkdtempSync(join(tmpdir(), 'dlx-'))
  try {
    writeFileSync(join(dir, 'again.s'), dis.stdout)
    const again = await exec(process.execPath, [cli, 'asm', join(dir, 'again.s'), '-o', join(dir, 'fib.bin')])
    t.is(again.stdout, stdout)
    const image = decodeProgram(readFileSync(join(dir, 'fib.bin')))
    t.true(sameImage(image, assemble(readFileSync(prog('fibonacci'), 'utf8'))))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('dlx plan prints a plan within the constraints', async (t) => {
  const { stdout } = await exec(process.execPath, [
    cli,
    'plan',
    prog('sieve'),
    '--profiles',
    profiles,
    '--max-cost',
    '1',
    '--min-privacy',
    '0.9',
  ])
  const plan = JSON.parse(stdout) as { segments: { chain: string; size: number }[]; cost: number; method: string }
  t.true(plan.segments.every((s) => s.chain === 'secret'))
  t.true(plan.cost <= 1)
  t.is(plan.method, 'exact')
})

test('dlx reports typed errors and usage with non-zero exit codes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dlx-'))
  try {
    writeFileSync(join(dir, 'bad.s'), 'main: frob r1\n')
    const err = await t.throwsAsync(exec(process.execPath, [cli, 'run', join(dir, 'bad.s')]))
    t.regex((err as unknown as { stderr: string }).stderr, /UnknownMnemonicError: line 1/)
    const plan = await t.throwsAsync(
      exec(process.execPath, [
        cli,
        'plan',
        prog('sieve'),
        '--profiles',
        profiles,
        '--max-cost',
        '0.0001',
        '--min-privacy',
        '0.99',
      ]),
    )
    t.regex((plan as unknown as { stderr: string }).stderr, /NoFeasiblePlanError/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
