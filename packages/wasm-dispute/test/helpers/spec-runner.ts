// Runs the WebAssembly MVP spec test suite (wast2json command scripts) against an engine.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ValueTypeName, WasmValue } from '../../src/values.js'

export const SUITE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../../../shared/vectors/wasm-spec-mvp')

export type InvokeOutcome =
  | { kind: 'return'; values: WasmValue[] }
  | { kind: 'trap'; text: string; exhaustion: boolean }

/** What the runner needs from an execution mode. Errors from instantiate carry a `name`. */
export interface SpecEngine<H> {
  instantiate(bytes: Uint8Array, lookup: (module: string, name: string) => unknown): H
  invoke(h: H, field: string, args: WasmValue[]): InvokeOutcome
  getGlobal(h: H, field: string): WasmValue
  exportOf(h: H, field: string): unknown
  /** Host "spectest" module export. */
  spectest(name: string): unknown
}

export interface FileResult {
  file: string
  passed: number
  failed: number
  skipped: number
  failures: string[]
}

interface Cmd {
  type: string
  line: number
  filename?: string
  name?: string
  as?: string
  module_type?: string
  text?: string
  action?: { type: string; module?: string; field: string; args: { type: string; value: string }[] }
  expected?: { type: string; value?: string }[]
}

function val(a: { type: string; value: string }): WasmValue {
  return { type: a.type as ValueTypeName, bits: BigInt(a.value) }
}

function matches(got: WasmValue, want: { type: string; value?: string }): boolean {
  if (got.type !== want.type) return false
  const v = want.value ?? ''
  if (v.startsWith('nan:')) {
    const is32 = want.type === 'f32'
    const bits = got.bits
    const expMask = is32 ? 0x7f800000n : 0x7ff0000000000000n
    const quiet = is32 ? 0x00400000n : 0x0008000000000000n
    const payload = is32 ? 0x007fffffn : 0x000fffffffffffffn
    if ((bits & expMask) !== expMask || (bits & payload) === 0n) return false
    if (v === 'nan:canonical') return (bits & payload) === quiet
    return (bits & quiet) !== 0n
  }
  return got.bits === BigInt(v)
}

export function listSuiteFiles(): string[] {
  if (!existsSync(SUITE_DIR)) return []
  return readdirSync(SUITE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
}

/** Error names that count as the expected rejection for each assertion. */
const EXPECT: Record<string, string[]> = {
  assert_malformed: ['MalformedModuleError'],
  assert_invalid: ['InvalidModuleError'],
  assert_unlinkable: ['LinkError'],
  assert_uninstantiable: ['InstantiationTrapError', 'RuntimeError'],
}

export function runSpecFile<H>(engine: SpecEngine<H>, name: string): FileResult {
  const dir = join(SUITE_DIR, name)
  const script = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { commands: Cmd[] }
  const res: FileResult = { file: name, passed: 0, failed: 0, skipped: 0, failures: [] }
  const named = new Map<string, H>()
  const registered = new Map<string, H>()
  let current: H | undefined
  const fail = (c: Cmd, why: string) => {
    res.failed++
    if (res.failures.length < 20) res.failures.push(`${name}:${c.line} ${c.type}: ${why}`)
  }
  const lookup = (module: string, field: string): unknown => {
    if (module === 'spectest') return engine.spectest(field)
    const h = registered.get(module)
    return h === undefined ? undefined : engine.exportOf(h, field)
  }
  const target = (c: Cmd): H | undefined => (c.action?.module ? named.get(c.action.module) : current)
  const act = (c: Cmd): InvokeOutcome | undefined => {
    const h = target(c)
    if (h === undefined || !c.action) return undefined
    if (c.action.type === 'get') return { kind: 'return', values: [engine.getGlobal(h, c.action.field)] }
    return engine.invoke(h, c.action.field, c.action.args.map(val))
  }
  for (const c of script.commands) {
    try {
      switch (c.type) {
        case 'module': {
          const bytes = readFileSync(join(dir, c.filename as string))
          try {
            current = engine.instantiate(new Uint8Array(bytes), lookup)
            if (c.name) named.set(c.name, current)
            res.passed++
          } catch (e) {
            current = undefined
            fail(c, `module failed: ${(e as Error).name}: ${(e as Error).message}`)
          }
          break
        }
        case 'register': {
          const h = c.name ? named.get(c.name) : current
          if (h !== undefined && c.as) registered.set(c.as, h)
          break
        }
        case 'action': {
          const out = act(c)
          if (!out) fail(c, 'no module')
          else if (out.kind === 'trap') fail(c, `trapped: ${out.text}`)
          else res.passed++
          break
        }
        case 'assert_return': {
          const out = act(c)
          if (!out) fail(c, 'no module')
          else if (out.kind === 'trap') fail(c, `trapped: ${out.text}`)
          else {
            const want = c.expected ?? []
            if (
              out.values.length === want.length &&
              out.values.every((v, i) => matches(v, want[i] as { type: string }))
            )
              res.passed++
            else
              fail(
                c,
                `got ${out.values.map((v) => `${v.type}:${v.bits}`).join(',')} want ${want.map((w) => `${w.type}:${w.value}`).join(',')}`,
              )
          }
          break
        }
        case 'assert_trap':
        case 'assert_exhaustion': {
          const out = act(c)
          if (!out) fail(c, 'no module')
          else if (out.kind !== 'trap') fail(c, 'returned instead of trapping')
          else if (
            c.type === 'assert_exhaustion'
              ? out.exhaustion
              : out.text && ((c.text ?? '').startsWith(out.text) || out.text.startsWith(c.text ?? ''))
          )
            res.passed++
          else fail(c, `trap text ${JSON.stringify(out.text)} want ${JSON.stringify(c.text)}`)
          break
        }
        case 'assert_malformed':
        case 'assert_invalid':
        case 'assert_unlinkable':
        case 'assert_uninstantiable': {
          if (c.module_type === 'text') {
            // Text-format modules test the .wat parser, which a binary engine does not have.
            res.skipped++
            break
          }
          const bytes = readFileSync(join(dir, c.filename as string))
          try {
            const h = engine.instantiate(new Uint8Array(bytes), lookup)
            void h
            fail(c, 'accepted')
          } catch (e) {
            const n = (e as Error).name
            if ((EXPECT[c.type] ?? []).includes(n)) res.passed++
            else fail(c, `rejected with ${n}: ${(e as Error).message}`)
          }
          break
        }
        default:
          res.skipped++
      }
    } catch (e) {
      fail(c, `runner error ${(e as Error).name}: ${(e as Error).message}`)
    }
  }
  return res
}
