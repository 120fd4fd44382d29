// The dependency rules of docs/architecture.md as code: which workspace packages a package
// may depend on, and which modules a protocol core (outside src/adapters/) may not import.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

/** Workspace packages a protocol package may depend on, besides its own field's npm libraries. */
export const ALLOWED_WORKSPACE_DEPS = {
  '@atmosphere/interfaces': [],
  '@atmosphere/seth': ['@atmosphere/interfaces', '@atmosphere/ledger'],
  '*': ['@atmosphere/interfaces'],
}

/** Modules a protocol core may not import: networking stacks, databases, HTTP/socket servers. */
export const FORBIDDEN_IN_CORE = [
  { pattern: /^(libp2p|libp2p\/.*|@libp2p\/.*|@chainsafe\/libp2p-.*|@multiformats\/multiaddr.*)$/, what: 'libp2p' },
  {
    pattern:
      /^(classic-level|level|level-.*|leveldown|abstract-level|memory-level|rocksdb|better-sqlite3|sqlite3?|node:sqlite|lmdb)$/,
    what: 'a database',
  },
  {
    pattern: /^(node:)?(http|https|http2|net|dgram|tls)$|^(ws|express|fastify|koa|hono|undici|@hono\/.*)$/,
    what: 'an HTTP or socket server',
  },
]

const SOURCE_EXT = /\.(m|c)?(t|j)sx?$/

function walk(dir, out = []) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path, out)
    else if (SOURCE_EXT.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

/** Every module specifier a file imports, exports from, requires or imports dynamically (type-only included). */
export function importsOf(source) {
  const info = ts.preProcessFile(source, true, true)
  return info.importedFiles.map((f) => f.fileName)
}

/** Workspace packages under packages/, apps/ and tools/. */
export function listWorkspace(root) {
  const out = []
  for (const group of ['packages', 'apps', 'tools']) {
    const base = join(root, group)
    if (!existsSync(base)) continue
    for (const name of readdirSync(base)) {
      const dir = join(base, name)
      const manifest = join(dir, 'package.json')
      if (statSync(dir).isDirectory() && existsSync(manifest)) {
        out.push({ group, dir, manifest: JSON.parse(readFileSync(manifest, 'utf8')) })
      }
    }
  }
  return out
}

/**
 * Checks a workspace; returns one human-readable line per violation (empty when clean).
 * The core of a package is src/ outside src/adapters/, src/cli/ and src/bin/.
 */
export function checkWorkspace(root) {
  const violations = []
  const packages = listWorkspace(root)
  const workspaceNames = new Set(packages.map((p) => p.manifest.name))
  for (const { group, dir, manifest } of packages) {
    if (group !== 'packages') continue // apps and tools compose everything
    const name = manifest.name
    const rel = relative(root, dir)
    const allowed = ALLOWED_WORKSPACE_DEPS[name] ?? ALLOWED_WORKSPACE_DEPS['*']
    const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']
    for (const field of fields) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (workspaceNames.has(dep) && !allowed.includes(dep)) {
          violations.push(
            `${rel}/package.json: ${name} may not depend on ${dep} (${field}); allowed: ${allowed.join(', ') || 'nothing'}`,
          )
        }
      }
    }
    if (name === '@atmosphere/interfaces') {
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const dep of Object.keys(manifest[field] ?? {})) {
          violations.push(
            `${rel}/package.json: @atmosphere/interfaces must have no runtime dependencies, found ${dep} (${field})`,
          )
        }
      }
    }
    const srcDir = join(dir, 'src')
    const adaptersDir = join(srcDir, 'adapters') + sep
    // Entry points (command-line programs) compose core and adapters, like an app.
    const entryDirs = ['adapters', 'cli', 'bin'].map((d) => join(srcDir, d) + sep)
    for (const file of walk(srcDir)) {
      const inAdapters = entryDirs.some((d) => file.startsWith(d))
      const fileRel = relative(root, file)
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec)
          if (!target.startsWith(dir + sep)) violations.push(`${fileRel}: relative import '${spec}' leaves the package`)
          else if (!inAdapters && target.startsWith(adaptersDir)) {
            violations.push(
              `${fileRel}: the core imports an adapter ('${spec}'); adapters depend on the core, not the other way`,
            )
          }
          continue
        }
        const pkgName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
        if (workspaceNames.has(pkgName) && pkgName !== name && !allowed.includes(pkgName)) {
          violations.push(`${fileRel}: imports ${pkgName}, which ${name} may not depend on`)
        }
        if (!inAdapters) {
          const rule = FORBIDDEN_IN_CORE.find((r) => r.pattern.test(spec))
          if (rule) violations.push(`${fileRel}: the core imports ${rule.what} ('${spec}'); move it to src/adapters/`)
        }
      }
    }
  }
  return violations
}
