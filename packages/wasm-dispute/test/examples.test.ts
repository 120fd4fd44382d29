// The README example, run as a real process.
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'

test('examples/quickstart runs and shows agreement and an honest win', (t) => {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../examples/quickstart.js')
  const out = execFileSync(process.execPath, [file], { encoding: 'utf8' })
  t.regex(out, /instructions (\d+) \1/)
  t.regex(out, /gas (\d+) \1/)
  t.regex(out, /same state hash true/)
  t.regex(out, /defender after 12 rounds; judged step 499/)
})
