#!/usr/bin/env node
// CLI of the dependency-rule check: exits 1 and lists the violations, or says the workspace is clean.
import { fileURLToPath } from 'node:url'
import { checkWorkspace, listWorkspace } from './rules.mjs'

const root = process.argv[2] ?? fileURLToPath(new URL('../..', import.meta.url))
const violations = checkWorkspace(root)
if (violations.length > 0) {
  console.error(`dependency rules: ${violations.length} violation(s)`)
  for (const v of violations) console.error(`  ✘ ${v}`)
  console.error('rules: docs/architecture.md#dependency-rules')
  process.exit(1)
}
console.log(`dependency rules: ${listWorkspace(root).length} workspace packages checked, no violations`)
