#!/usr/bin/env node
// wasm-dispute CLI: `run` executes an export in both modes and prints the (agreeing) results;
// `play` runs the verification game between an honest and a faulty executor and prints the
// transcript as JSON.
import { readFileSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { StateHasher } from './commit.js'
import { compileModule } from './compile.js'
import { ArgumentError, UnknownExportError, WasmDisputeError } from './errors.js'
import { parseFault, ReplayExecutor } from './executor.js'
import { playGame } from './game.js'
import { instantiate } from './instance.js'
import { invoke, runToEnd } from './machine.js'
import { hex } from './merkle.js'
import { NormalInstance, NormalModule } from './normal.js'
import { STATUS_TEXT } from './numeric.js'
import { stepContext } from './proof.js'
import { display, parseValue, type WasmValue } from './values.js'

const USAGE = `usage:
  wasm-dispute run  MODULE.wasm --invoke NAME [ARGS...] [--gas N] [--mode both|normal|dispute]
  wasm-dispute play MODULE.wasm --invoke NAME [ARGS...] --fault KIND@STEP [--gas N] [--ways N] [--liar defender|challenger]
ARGS are values like 5, i64:-1, f64:1.5 (typed by the function signature). KIND: value|memory|gas|halt|extra.`

interface Parsed {
  cmd: string
  file: string
  invoke: string
  args: string[]
  flags: Map<string, string>
}

function parse(argv: string[]): Parsed {
  const [cmd, file, ...rest] = argv
  if (!cmd || !file || (cmd !== 'run' && cmd !== 'play')) throw new ArgumentError(USAGE, argv)
  const flags = new Map<string, string>()
  const args: string[] = []
  let invokeName = ''
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string
    if (a === '--invoke') invokeName = rest[++i] ?? ''
    else if (a.startsWith('--')) flags.set(a.slice(2), rest[++i] ?? '')
    else args.push(a)
  }
  if (!invokeName) throw new ArgumentError('--invoke NAME is required', argv)
  return { cmd, file, invoke: invokeName, args, flags }
}

function show(v: WasmValue): string {
  return `${v.type}:${display(v)}`
}

export function main(argv: string[]): { code: number; out: unknown } {
  const p = parse(argv)
  const bytes = new Uint8Array(readFileSync(p.file))
  const compiled = compileModule(bytes)
  const exp = compiled.module.exports.find((e) => e.name === p.invoke && e.kind === 'func')
  if (!exp) throw new UnknownExportError(p.invoke)
  const type = compiled.funcTypes[exp.index]
  if (!type || type.params.length !== p.args.length)
    throw new ArgumentError(`${p.invoke} takes ${type?.params.length ?? 0} arguments`, p.args)
  const args = p.args.map((a, i) => parseValue(a, type.params[i] as 0x7f))
  const gasLimit = BigInt(p.flags.get('gas') ?? '10000000')
  if (p.cmd === 'run') {
    const mode = p.flags.get('mode') ?? 'both'
    const out: Record<string, unknown> = {}
    if (mode === 'both' || mode === 'dispute') {
      const m = invoke(instantiate(compiled), p.invoke, args, { gasLimit })
      const h = new StateHasher(m)
      runToEnd(m)
      out['dispute'] = {
        status: STATUS_TEXT[m.status],
        results: m.results().map(show),
        instructions: m.icount,
        gasUsed: m.gasUsed,
        stateHash: hex(h.hash()),
      }
    }
    if (mode === 'both' || mode === 'normal') {
      const r = new NormalInstance(new NormalModule(compiled)).invoke(p.invoke, args, gasLimit)
      out['normal'] = {
        status: STATUS_TEXT[r.status],
        results: r.results.map(show),
        instructions: r.icount,
        gasUsed: r.gasUsed,
        stateHash: r.stateHash ? hex(r.stateHash) : null,
      }
    }
    if (mode === 'both') out['agree'] = JSON.stringify(out['dispute']) === JSON.stringify(out['normal'])
    return { code: 0, out }
  }
  const fault = parseFault(p.flags.get('fault') ?? '')
  const ways = Number(p.flags.get('ways') ?? '2')
  const liar = p.flags.get('liar') ?? 'challenger'
  const factory = () => invoke(instantiate(compiled), p.invoke, args, { gasLimit })
  const ctx = stepContext(instantiate(compiled))
  const honest = new ReplayExecutor('honest', factory, ctx)
  const faulty = new ReplayExecutor('faulty', factory, ctx, fault)
  const initialHash = new StateHasher(factory()).hash()
  const [defender, challenger] = liar === 'defender' ? [faulty, honest] : [honest, faulty]
  const transcript = playGame(ctx, defender, challenger, { initialHash, ways })
  return { code: 0, out: { fault, liar, ways, ...transcript } }
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}
if (isMain()) {
  try {
    const { code, out } = main(process.argv.slice(2))
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
    process.exitCode = code
  } catch (e) {
    if (e instanceof WasmDisputeError) {
      process.stderr.write(`${JSON.stringify({ error: e.name, message: e.message })}\n`)
      process.exitCode = e instanceof ArgumentError ? 2 : 1
    } else throw e
  }
}
