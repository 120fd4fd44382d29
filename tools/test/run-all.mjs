#!/usr/bin/env node
// The README test command's body: format/lint check, dependency rules, then every
// package's ava suite through turbo (build first), then one summary line:
// "N passed, N failed". Exits non-zero if any of it failed.
// --smoke: skip lint and *.slow.test.* files (the devnet placeholder's smoke run).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const smoke = process.argv.includes('--smoke')
const started = Date.now()
const problems = []

function run(label, cmd, args, env = {}) {
  console.log(`\n› ${label}: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  const ok = r.status === 0
  if (!ok) problems.push(`${label} failed (exit ${r.status ?? r.signal})`)
  return ok
}

const workspaceDirs = ['packages', 'apps', 'tools'].flatMap((d) =>
  existsSync(join(root, d))
    ? readdirSync(join(root, d), { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(root, d, e.name, 'package.json')))
        .map((e) => join(root, d, e.name))
    : [],
)
for (const dir of workspaceDirs) rmSync(join(dir, '.test-results.json'), { force: true })

if (!smoke) {
  run('format and lint', 'biome', ['ci', '--colors=off', '.'])
  run('dependency rules', 'node', ['tools/deps-check/check.mjs'])
}
// Three tasks at a time: more only adds contention on 2 cores (multi-process suites time out).
run(
  'build and test',
  'turbo',
  ['run', 'test', '--continue', '--concurrency=3', '--output-logs=full'],
  smoke ? { ATMO_SMOKE: '1' } : {},
)

let passed = 0
let failed = 0
console.log('\n› results')
for (const dir of workspaceDirs) {
  const file = join(dir, '.test-results.json')
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (!pkg.scripts?.test) continue
  if (!existsSync(file)) {
    problems.push(`${pkg.name}: no test results (its build or test task did not run)`)
    failed += 1
    console.log(`  ${pkg.name.padEnd(34)} no results`)
    continue
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  passed += r.passed
  failed += r.failed
  const skipped = r.skipped ? `, ${r.skipped} skipped` : ''
  console.log(
    `  ${pkg.name.padEnd(34)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(3)} failed${skipped}${r.note ? `  (${r.note})` : ''}`,
  )
}
for (const p of problems) console.log(`  ✘ ${p}`)
console.log(`  took ${((Date.now() - started) / 1000).toFixed(1)} s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(problems.length === 0 && failed === 0 ? 0 : 1)
