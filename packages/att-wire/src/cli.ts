#!/usr/bin/env node
// att-wire: decode hex to JSON, encode JSON to hex, for every structure of the package.
//   att-wire decode [--as NAME] [hex|-]     prints {"structure": NAME, "value": ...}
//   att-wire encode [json|-]                 reads {"structure": NAME, "value": ...}, prints hex
// Bytes appear in JSON as {"hex": "..."}. Bad input exits 1 with the typed error's message.

import { readFileSync } from 'node:fs'
import type { Codec } from './codec/codec.js'
import { ALL_CODECS } from './codecs.js'
import { AttWireError } from './errors.js'

// biome-ignore lint/suspicious/noExplicitAny: a table of heterogeneous codecs
const CODECS: Record<string, Codec<any, any>> = Object.fromEntries(ALL_CODECS.map((c) => [c.name, c]))

/**
 * Order in which `decode` without --as tries structures (most specific first). The MCS domain
 * PDUs are only decoded with --as: one or two bytes would match too much.
 */
const AUTO = [
  'attFrame',
  'connectInitialHead',
  'connectResponseHead',
  'licenceRequest',
  'licenceResult',
  'shareData',
  'login',
  'attMessage',
  'domainParameters',
]

class UsageError extends Error {
  override readonly name = 'UsageError'
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? { hex: Buffer.from(v).toString('hex') } : v), 2)
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.hex === 'string') {
      if (!/^([0-9a-fA-F]{2})*$/.test(v.hex)) throw new UsageError(`not hex: ${v.hex}`)
      return Uint8Array.from(Buffer.from(v.hex, 'hex'))
    }
    return v
  })
}

function readArg(arg: string | undefined): string {
  if (arg === undefined || arg === '-') return readFileSync(0, 'utf8')
  return arg
}

export function run(argv: readonly string[]): { code: number; out: string } {
  const [command, ...rest] = argv
  try {
    if (command === 'decode') {
      let as: string | undefined
      const args = [...rest]
      const i = args.indexOf('--as')
      if (i >= 0) {
        as = args[i + 1]
        args.splice(i, 2)
      }
      const text = readArg(args[0]).replace(/\s+/g, '').replace(/^0x/, '')
      if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new UsageError('input is not an even-length hex string')
      const bytes = Uint8Array.from(Buffer.from(text, 'hex'))
      if (as !== undefined) {
        const codec = CODECS[as]
        if (!codec) throw new UsageError(`unknown structure ${as}; known: ${Object.keys(CODECS).join(', ')}`)
        return { code: 0, out: toJson({ structure: as, value: codec.decode(bytes) }) }
      }
      let first: unknown
      for (const name of AUTO) {
        try {
          return { code: 0, out: toJson({ structure: name, value: CODECS[name]!.decode(bytes) }) }
        } catch (e) {
          if (!(e instanceof AttWireError)) throw e
          first ??= e
        }
      }
      throw first
    }
    if (command === 'encode') {
      const input = fromJson(readArg(rest[0])) as { structure?: string; value?: unknown }
      const codec = input.structure === undefined ? undefined : CODECS[input.structure]
      if (!codec) throw new UsageError(`"structure" must be one of ${Object.keys(CODECS).join(', ')}`)
      return { code: 0, out: Buffer.from(codec.encode(input.value)).toString('hex') }
    }
    return {
      code: 2,
      out: 'usage: att-wire decode [--as STRUCTURE] [hex|-]\n       att-wire encode [json|-]',
    }
  } catch (e) {
    if (e instanceof AttWireError || e instanceof UsageError || e instanceof SyntaxError) {
      return { code: 1, out: `${e.name}: ${e.message}` }
    }
    throw e
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/att-wire')) {
  const { code, out } = run(process.argv.slice(2))
  if (code === 0) process.stdout.write(`${out}\n`)
  else process.stderr.write(`${out}\n`)
  process.exitCode = code
}
