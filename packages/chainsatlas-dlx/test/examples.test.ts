import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import test from 'ava'

const exec = promisify(execFile)

test('examples/quickstart runs and prints what the README shows', async (t) => {
  const script = fileURLToPath(new URL('../examples/quickstart.js', import.meta.url))
  const { stdout } = await exec(process.execPath, [script])
  t.regex(stdout, /^primes <= 10000: 1229$/m)
  t.regex(stdout, /^after transfer: 1229$/m)
  t.regex(stdout, /^segmented: 2 segments, \d+ unit runs, output 303$/m)
  t.regex(stdout, /^asynchronous: \d+ unit runs, output 303$/m)
  t.regex(stdout, /^plan: 144B@private cost 0\.05$/m)
})
