// Argument parsing of the poet-sim command line (kept apart from the bin so it is testable).
import { SimulatorOptionError } from '../errors.js'
import { DEFAULT_SETTINGS, type PoetSettings } from '../settings.js'
import type { SimulationOptions } from './fast.js'
import { ADVERSARY_KINDS, type AdversaryKind, type AdversarySpec } from './report.js'

export const USAGE = `usage: poet-sim [--validators N] [--blocks N] [--delay-ms MS] [--seed N]
                [--adversary KIND:COUNT]... [--shares S1,S2,...] [--processing-ms MS]
                [--set SETTING=VALUE]... [--stale-check on|off] [--mode fast|full]
  KIND: ${ADVERSARY_KINDS.join(', ')}
  SETTING: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`

export interface CliOptions extends SimulationOptions {
  readonly mode: 'fast' | 'full'
}

function num(flag: string, raw: string | undefined): number {
  const v = Number(raw)
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(v))
    throw new SimulatorOptionError(flag, raw, 'must be a number')
  return v
}

/** Parses argv (without node and script). Throws {@link SimulatorOptionError}. */
export function parseArgs(argv: readonly string[]): CliOptions {
  let validators = 100
  let blocks = 10_000
  let delayMs = 200
  let seed = 7
  let mode: 'fast' | 'full' = 'fast'
  let processingMs: number | undefined
  let staleCheck: boolean | undefined
  let shares: number[] | undefined
  const adversaries: AdversarySpec[] = []
  const settings: Record<string, number> = {}
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = argv[i + 1]
    i += 1
    switch (flag) {
      case '--validators':
        validators = num(flag, value)
        break
      case '--blocks':
        blocks = num(flag, value)
        break
      case '--delay-ms':
        delayMs = num(flag, value)
        break
      case '--seed':
        seed = num(flag, value)
        break
      case '--processing-ms':
        processingMs = num(flag, value)
        break
      case '--mode':
        if (value !== 'fast' && value !== 'full') throw new SimulatorOptionError(flag, value, 'fast or full')
        mode = value
        break
      case '--stale-check':
        if (value !== 'on' && value !== 'off') throw new SimulatorOptionError(flag, value, 'on or off')
        staleCheck = value === 'on'
        break
      case '--shares':
        shares = (value ?? '').split(',').map((s) => num(flag, s))
        break
      case '--adversary': {
        const [kind, count] = (value ?? '').split(':')
        if (!ADVERSARY_KINDS.includes(kind as AdversaryKind))
          throw new SimulatorOptionError(flag, value, `KIND:COUNT with KIND one of ${ADVERSARY_KINDS.join(', ')}`)
        adversaries.push({ kind: kind as AdversaryKind, count: count === undefined ? 1 : num(flag, count) })
        break
      }
      case '--set': {
        const [key, raw] = (value ?? '').split('=')
        if (key === undefined || !(key in DEFAULT_SETTINGS))
          throw new SimulatorOptionError(flag, value, 'SETTING=VALUE with a known setting')
        settings[key] = num(flag, raw)
        break
      }
      default:
        throw new SimulatorOptionError('argument', flag, 'unknown option')
    }
  }
  return {
    mode,
    validators,
    blocks,
    delayMs,
    seed,
    adversaries,
    settings: settings as Partial<PoetSettings>,
    ...(processingMs === undefined ? {} : { processingMs }),
    ...(staleCheck === undefined ? {} : { staleCheck }),
    ...(shares === undefined ? {} : { shares }),
  }
}
