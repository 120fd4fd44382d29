// The README's example runs as a program and prints the paper example's hours.
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import test from 'ava'

const example = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'paper-example.js')

test('examples/paper-example runs and prints the hours and balances', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 120_000 })
  t.regex(stdout, /hours per party: 8, 5, 4, 3, 6, 0/)
  t.regex(stdout, /party 1 now holds 5n hours; party 2 holds 8n/)
})
