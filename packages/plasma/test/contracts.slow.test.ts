// The committed ABI and bytecode are exactly what the pinned solc-js makes of contracts/*.sol.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { EVM_VERSION, SOLC_VERSION } from '../src/index.js'

test('src/contracts/artifacts.generated.ts matches a fresh in-process solc-js compile', (t) => {
  const pkg = fileURLToPath(new URL('../..', import.meta.url))
  const r = spawnSync(process.execPath, ['scripts/compile-contracts.mjs', '--check'], { cwd: pkg, encoding: 'utf8' })
  t.is(r.status, 0, r.stderr)
  t.regex(r.stdout, /artifacts up to date/)
  t.is(SOLC_VERSION, '0.8.28')
  t.is(EVM_VERSION, 'paris')
})
