#!/usr/bin/env node
// `dlx asm | disasm | run | plan`: the command-line face of the package.
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { assemble } from './assembler.js'
import { decode, disassemble, formatInstruction } from './disassembler.js'
import { DlxError } from './errors.js'
import { createMachine } from './machine.js'
import { wordAt } from './program.js'
import { encodeProgram } from './program-codec.js'
import { parseProfile, strategize } from './strategist.js'

const USAGE = `usage:
  dlx asm prog.s [-o image.bin]       listing: address, word, instruction (-o also writes the program image)
  dlx disasm prog.s                   reassemblable source of the assembled image
  dlx run prog.s [--input TEXT] [--max-steps N] [--delay-slots] [--memory BYTES]
  dlx plan prog.s --profiles profiles.json --max-cost X [--min-cost X] [--min-privacy P]
                  [--min-decentralization D] [--cost-weight W] [--time-weight W] [--method auto|exact|heuristic]`

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'max-steps': { type: 'string' },
      'delay-slots': { type: 'boolean' },
      memory: { type: 'string' },
      profiles: { type: 'string' },
      'max-cost': { type: 'string' },
      'min-cost': { type: 'string' },
      'min-privacy': { type: 'string' },
      'min-decentralization': { type: 'string' },
      'cost-weight': { type: 'string' },
      'time-weight': { type: 'string' },
      method: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [cmd, file] = positionals
  if (values.help || cmd === undefined || file === undefined) {
    process.stdout.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const program = assemble(readFileSync(file, 'utf8'))
  const numberOpt = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isFinite(n)) throw new DlxError(`--${name} ${v}: expected a number`)
    return n
  }
  switch (cmd) {
    case 'asm': {
      if (values.output !== undefined) writeFileSync(values.output, encodeProgram(program))
      for (let o = 0; o + 4 <= program.text.length; o += 4) {
        const w = wordAt(program.text, o)
        const pc = program.textBase + o
        const d = decode(w)
        const text = d ? formatInstruction(d, pc) : '.word'
        process.stdout.write(`${pc.toString(16).padStart(8, '0')}  ${w.toString(16).padStart(8, '0')}  ${text}\n`)
      }
      process.stdout.write(
        `; text ${program.text.length} bytes at 0x${program.textBase.toString(16)}, data ${program.data.length} bytes at 0x${program.dataBase.toString(16)}, entry 0x${program.entry.toString(16)}\n`,
      )
      return 0
    }
    case 'disasm':
      process.stdout.write(disassemble(program))
      return 0
    case 'run': {
      const memorySize = numberOpt('memory', values.memory)
      const m = createMachine(program, {
        delaySlots: values['delay-slots'] ?? false,
        ...(values.input === undefined ? {} : { input: values.input }),
        ...(memorySize === undefined ? {} : { memorySize }),
      })
      const res = m.run(numberOpt('max-steps', values['max-steps']) ?? 1e9)
      process.stdout.write(Uint8Array.from(m.output))
      process.stderr.write(`; ${res.status} after ${res.steps} instructions\n`)
      return res.status === 'halted' ? 0 : 3
    }
    case 'plan': {
      if (values.profiles === undefined || values['max-cost'] === undefined) {
        process.stderr.write(`plan needs --profiles and --max-cost\n${USAGE}\n`)
        return 2
      }
      const raw = JSON.parse(readFileSync(values.profiles, 'utf8')) as unknown
      if (!Array.isArray(raw)) throw new DlxError(`${values.profiles}: expected a JSON array of chain profiles`)
      const profiles = raw.map(parseProfile)
      const opt = (k: string, v: number | undefined) => (v === undefined ? {} : { [k]: v })
      const method = values.method
      if (method !== undefined && method !== 'auto' && method !== 'exact' && method !== 'heuristic')
        throw new DlxError(`--method ${method}: expected auto, exact or heuristic`)
      const plan = strategize(
        program.text.length,
        profiles,
        {
          maxCost: numberOpt('max-cost', values['max-cost'])!,
          ...opt('minCost', numberOpt('min-cost', values['min-cost'])),
          ...opt('minPrivacy', numberOpt('min-privacy', values['min-privacy'])),
          ...opt('minDecentralization', numberOpt('min-decentralization', values['min-decentralization'])),
          ...opt('costWeight', numberOpt('cost-weight', values['cost-weight'])),
          ...opt('timeWeight', numberOpt('time-weight', values['time-weight'])),
        },
        method === undefined ? {} : { method },
      )
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`)
      return 0
    }
    default:
      process.stderr.write(`unknown command ${cmd}\n${USAGE}\n`)
      return 2
  }
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // A closed pipe (`dlx asm x.s | head`) ends the output quietly.
  if (err.code !== 'EPIPE') throw err
})

try {
  process.exitCode = main(process.argv.slice(2))
} catch (err) {
  if (err instanceof DlxError) {
    process.stderr.write(`dlx: ${err.name}: ${err.message}\n`)
    process.exitCode = 1
  } else throw err
}
