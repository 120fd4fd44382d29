#!/usr/bin/env node
// poet-sim: runs the PoET simulator and prints its JSON report on stdout.
import { PoetError } from '../errors.js'
import { parseArgs, USAGE } from '../sim/cli.js'
import { simulate } from '../sim/fast.js'
import { simulateFull } from '../sim/full.js'

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  try {
    const options = parseArgs(argv)
    const report = options.mode === 'full' ? await simulateFull(options) : simulate(options)
    process.stdout.write(`${JSON.stringify(report)}\n`)
    return 0
  } catch (error) {
    if (error instanceof PoetError) {
      process.stderr.write(`poet-sim: ${error.name}: ${error.shortMessage}\n${USAGE}\n`)
      return 2
    }
    throw error
  }
}

process.exitCode = await main()
