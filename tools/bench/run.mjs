#!/usr/bin/env node
// `pnpm bench [package ...]`: builds, runs each selected package's `bench` script,
// collects its JSON lines into docs/benchmarks.json and regenerates docs/benchmarks.md.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseBenchLines, renderMarkdown } from './results.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const filters = args.filter((a) => !a.startsWith('-'))

const packages = ['packages', 'apps']
  .flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name)) : [],
  )
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => p.manifest.scripts?.bench)
  .filter((p) => filters.length === 0 || filters.includes(p.manifest.name))
if (packages.length === 0) {
  console.error(
    filters.length ? `no package with a bench script matches ${filters.join(', ')}` : 'no package has a bench script',
  )
  process.exit(filters.length ? 1 : 0)
}

const build = spawnSync(
  'turbo',
  ['run', 'build', ...packages.map((p) => `--filter=${p.manifest.name}`), '--output-logs=errors-only'],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
if (build.status !== 0) process.exit(build.status ?? 1)

const dbPath = join(root, 'docs', 'benchmarks.json')
const db = existsSync(dbPath) ? JSON.parse(readFileSync(dbPath, 'utf8')) : { packages: {} }
const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
let failed = false

for (const { dir, manifest } of packages) {
  console.error(`\n› ${manifest.name}: ${manifest.scripts.bench}`)
  const stdout = await new Promise((resolve) => {
    const child = spawn('pnpm', ['run', '--silent', 'bench'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.on('close', (code) => {
      if (code !== 0) {
        console.error(`✘ ${manifest.name}: bench exited with ${code}`)
        failed = true
      }
      resolve(out)
    })
  })
  const { results, errors } = parseBenchLines(stdout)
  for (const e of errors) console.error(`✘ ${manifest.name}: ${e}`)
  if (errors.length > 0 || results.length === 0) {
    if (results.length === 0) console.error(`✘ ${manifest.name}: printed no results`)
    failed = true
    continue
  }
  db.packages[manifest.name] = {
    measuredAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine,
    results,
  }
}

writeFileSync(dbPath, `${JSON.stringify(db, null, 2)}\n`)
writeFileSync(join(root, 'docs', 'benchmarks.md'), renderMarkdown(db))
console.error(`\nwrote docs/benchmarks.md (${Object.keys(db.packages).length} packages)`)
process.exit(failed ? 1 : 0)
