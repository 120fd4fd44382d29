#!/usr/bin/env node
// Runs ava for the package in the current directory with the TAP reporter, passes the
// output through, and records the counts in .test-results.json for tools/test/run-all.mjs.
// ATMO_SMOKE=1 leaves out the *.slow.test.* files.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const cwd = process.cwd()
const smoke = process.env.ATMO_SMOKE === '1'
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'))

/** Test files: compiled TypeScript under dist/test, or plain ESM under test/. */
function findTests(dir, suffix, out = []) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) findTests(path, suffix, out)
    else if (entry.name.endsWith(suffix)) out.push(relative(cwd, path))
  }
  return out
}
let files = [...findTests(join(cwd, 'dist', 'test'), '.test.js'), ...findTests(join(cwd, 'test'), '.test.mjs')]
if (smoke) files = files.filter((f) => !/\.slow\.test\.m?js$/.test(f))
files.sort()

const result = {
  package: pkg.name,
  passed: 0,
  failed: 0,
  skipped: 0,
  todo: 0,
  exitCode: 0,
  files: files.length,
  note: '',
}
const write = () => writeFileSync(join(cwd, '.test-results.json'), `${JSON.stringify(result, null, 2)}\n`)

if (files.length === 0) {
  result.note = 'no test files'
  write()
  console.log(`${pkg.name}: no test files`)
  process.exit(0)
}

const started = Date.now()
const avaDir = join(cwd, 'node_modules', 'ava')
const avaBin = join(avaDir, JSON.parse(readFileSync(join(avaDir, 'package.json'), 'utf8')).bin.ava)
// ava's timeout is the longest silence between results, start-up included; on a loaded
// 2-core machine worker start-up alone can exceed its 10 s default.
const timeout = pkg.ava?.timeout ? [] : ['--timeout=5m']
const child = spawn(process.execPath, [avaBin, '--tap', ...timeout, ...files], {
  cwd,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
})
let buffer = ''
const counts = {}
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  buffer += chunk
  let nl = buffer.indexOf('\n')
  while (nl >= 0) {
    const line = buffer.slice(0, nl)
    buffer = buffer.slice(nl + 1)
    const m = /^# (pass|fail|skip|todo) (\d+)\s*$/.exec(line)
    if (m) counts[m[1]] = Number(m[2])
    nl = buffer.indexOf('\n')
  }
})
child.on('close', (code, signal) => {
  result.passed = counts.pass ?? 0
  result.failed = counts.fail ?? 0
  result.skipped = counts.skip ?? 0
  result.todo = counts.todo ?? 0
  result.exitCode = code ?? 1
  result.durationMs = Date.now() - started
  if (result.exitCode !== 0 && result.failed === 0) {
    // A crash, timeout or uncaught exception that TAP did not count is still a failure.
    result.failed = 1
    result.note = `ava exited with ${signal ?? `code ${code}`} without a counted failure`
  }
  write()
  process.exit(result.exitCode === 0 ? 0 : 1)
})
