import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import test from 'ava'

test('examples/child-chain.ts runs and ends with the swapped balances', (t) => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../examples/child-chain.js', import.meta.url))], {
    encoding: 'utf8',
  })
  t.is(r.status, 0, r.stderr)
  t.regex(r.stdout, /split: accepted/)
  t.regex(r.stdout, /swap: accepted/)
  t.regex(r.stdout, /alice \[ '6 ETH', '500 TOKEN' \]/)
  t.regex(r.stdout, /bob \[ '4 ETH' \]/)
})
