import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { checkWorkspace, importsOf } from '../rules.mjs'

function workspace(files) {
  const root = mkdtempSync(join(tmpdir(), 'deps-check-'))
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return root
}
const pkg = (name, deps = {}) => ({ name, dependencies: deps })

const clean = {
  'packages/interfaces/package.json': pkg('@atmosphere/interfaces'),
  'packages/interfaces/src/index.ts': 'export type X = number\n',
  'packages/ledger/package.json': pkg('@atmosphere/ledger', {
    '@atmosphere/interfaces': 'workspace:*',
    'classic-level': '3',
  }),
  'packages/ledger/src/index.ts': "import type { X } from '@atmosphere/interfaces'\nexport * from './chain.js'\n",
  'packages/ledger/src/chain.ts': '// imports node:http in a comment only\nexport const y = 1\n',
  'packages/ledger/src/adapters/level.ts':
    "import { ClassicLevel } from 'classic-level'\nimport { y } from '../chain.js'\n",
  'packages/seth/package.json': pkg('@atmosphere/seth', { '@atmosphere/ledger': 'workspace:*' }),
  'packages/seth/src/index.ts': "import { y } from '@atmosphere/ledger'\n",
  'packages/seth/src/adapters/http.ts': "import { createServer } from 'node:http'\n",
  'packages/seth/src/cli/seth.ts': "import { serve } from '../adapters/http.js'\nimport 'node:http'\n",
  'apps/node/package.json': pkg('@atmosphere/node', {
    '@atmosphere/seth': 'workspace:*',
    '@atmosphere/ledger': 'workspace:*',
  }),
  'apps/node/src/index.ts': "import 'libp2p'\nimport '@atmosphere/seth'\n",
}

test('a workspace that follows the rules is clean', (t) => {
  t.deepEqual(checkWorkspace(workspace(clean)), [])
})

test('a protocol package depending on another protocol package is a violation', (t) => {
  const root = workspace({
    ...clean,
    'packages/plasma/package.json': pkg('@atmosphere/plasma', { '@atmosphere/ledger': 'workspace:*' }),
  })
  const v = checkWorkspace(root)
  t.is(v.length, 1)
  t.regex(v[0], /@atmosphere\/plasma may not depend on @atmosphere\/ledger/)
})

test('interfaces may have no runtime dependencies at all', (t) => {
  const root = workspace({ ...clean, 'packages/interfaces/package.json': pkg('@atmosphere/interfaces', { zod: '3' }) })
  t.regex(checkWorkspace(root).join('\n'), /must have no runtime dependencies, found zod/)
})

test('a core importing libp2p, a database or an HTTP server is a violation; adapters may', (t) => {
  const root = workspace({
    ...clean,
    'packages/ledger/src/chain.ts': "import { ClassicLevel } from 'classic-level'\n",
    'packages/seth/src/rpc.ts': "export { createServer } from 'node:http'\nconst ws = await import('ws')\n",
    'packages/interfaces/src/gossip.ts': "import type { Libp2p } from '@libp2p/interface'\n",
  })
  const v = checkWorkspace(root).join('\n')
  t.regex(v, /ledger\/src\/chain\.ts: the core imports a database \('classic-level'\)/)
  t.regex(v, /seth\/src\/rpc\.ts: the core imports an HTTP or socket server \('node:http'\)/)
  t.regex(v, /seth\/src\/rpc\.ts: the core imports an HTTP or socket server \('ws'\)/)
  t.regex(v, /interfaces\/src\/gossip\.ts: the core imports libp2p/)
  t.notRegex(v, /src\/adapters\/\w+\.ts:/)
})

test('relative imports that leave the package or pull an adapter into the core are violations', (t) => {
  const root = workspace({
    ...clean,
    'packages/ledger/src/chain.ts': "import '../../seth/src/index.js'\nimport './adapters/level.js'\n",
  })
  const v = checkWorkspace(root)
  t.is(v.length, 2)
  t.regex(v[0], /leaves the package/)
  t.regex(v[1], /the core imports an adapter/)
})

test('import scanning sees static, dynamic, re-export and require forms but not comments', (t) => {
  const src =
    "import a from 'a'\nexport { b } from 'b'\nconst c = await import('c')\nconst d = require('d')\n// import e from 'e'\n"
  t.deepEqual(importsOf(src).sort(), ['a', 'b', 'c', 'd'])
})

test('the CLI exits non-zero with the violations listed, zero when clean', (t) => {
  const cli = fileURLToPath(new URL('../check.mjs', import.meta.url))
  const bad = workspace({ ...clean, 'packages/ledger/src/chain.ts': "import 'node:dgram'\n" })
  const r1 = spawnSync(process.execPath, [cli, bad], { encoding: 'utf8' })
  t.is(r1.status, 1)
  t.regex(r1.stderr, /1 violation/)
  const r2 = spawnSync(process.execPath, [cli, workspace(clean)], { encoding: 'utf8' })
  t.is(r2.status, 0)
  t.regex(r2.stdout, /no violations/)
})
