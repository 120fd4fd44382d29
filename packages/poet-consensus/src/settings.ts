// PoET parameters with Sawtooth's defaults (core/sawtooth_poet/poet_consensus/poet_settings_view.py)
// and the enclave simulator's constants (poet_enclave_simulator.py). Times are seconds, as in the spec.
import { InvalidSettingError } from './errors.js'

/** Every tunable of the engine. Times in seconds (the PoET 1.0 spec's unit). */
export interface PoetSettings {
  /** `sawtooth.poet.target_wait_time`: desired mean time between blocks. Default 20. */
  readonly targetWaitTime: number
  /** `sawtooth.poet.initial_wait_time`: local mean the bootstrap phase ramps toward. Default 3000. */
  readonly initialWaitTime: number
  /** `sawtooth.poet.population_estimate_sample_size`: blocks in the local-mean sample. Default 50. */
  readonly populationEstimateSampleSize: number
  /** Enclave `MINIMUM_WAIT_TIME`: lower bound added to every duration. Default 1. */
  readonly minimumWaitTime: number
  /** `sawtooth.poet.ztest_maximum_win_deviation`: z above which a validator wins too often. Default 3.075 (α = 0.001). */
  readonly ztestMaximumWinDeviation: number
  /** `sawtooth.poet.ztest_minimum_win_count`: wins that must be observed before the z-test applies. Default 3. */
  readonly ztestMinimumWinCount: number
  /** `sawtooth.poet.block_claim_delay` (c): blocks after registration before a validator may claim. Default 1. */
  readonly blockClaimDelay: number
  /** `sawtooth.poet.key_block_claim_limit` (K): blocks one PoET key may claim before re-registering. Default 250. */
  readonly keyBlockClaimLimit: number
  /** `sawtooth.poet.signup_commit_maximum_delay`: blocks between sign-up nonce and registry commit. Default 10. */
  readonly signupCommitMaximumDelay: number
  /** Enclave `TIMER_TIMEOUT_PERIOD` (T_WT): seconds after expiry a certificate may still be created. Default 30. */
  readonly timerTimeoutPeriod: number
  /** Tolerance of the local-mean comparison (wait_certificate.py `_is_close(abs_tol=0.001)`). */
  readonly localMeanTolerance: number
}

/** Sawtooth's defaults; each value's source is listed in docs/poet.md. */
export const DEFAULT_SETTINGS: PoetSettings = Object.freeze({
  targetWaitTime: 20,
  initialWaitTime: 3000,
  populationEstimateSampleSize: 50,
  minimumWaitTime: 1,
  ztestMaximumWinDeviation: 3.075,
  ztestMinimumWinCount: 3,
  blockClaimDelay: 1,
  keyBlockClaimLimit: 250,
  signupCommitMaximumDelay: 10,
  timerTimeoutPeriod: 30,
  localMeanTolerance: 0.001,
})

/** On-chain setting keys, as Sawtooth names them. */
export const SETTING_KEYS: Readonly<Record<keyof PoetSettings, string | undefined>> = Object.freeze({
  targetWaitTime: 'sawtooth.poet.target_wait_time',
  initialWaitTime: 'sawtooth.poet.initial_wait_time',
  populationEstimateSampleSize: 'sawtooth.poet.population_estimate_sample_size',
  minimumWaitTime: undefined,
  ztestMaximumWinDeviation: 'sawtooth.poet.ztest_maximum_win_deviation',
  ztestMinimumWinCount: 'sawtooth.poet.ztest_minimum_win_count',
  blockClaimDelay: 'sawtooth.poet.block_claim_delay',
  keyBlockClaimLimit: 'sawtooth.poet.key_block_claim_limit',
  signupCommitMaximumDelay: 'sawtooth.poet.signup_commit_maximum_delay',
  timerTimeoutPeriod: undefined,
  localMeanTolerance: undefined,
})

const INTEGER_SETTINGS = new Set<keyof PoetSettings>([
  'populationEstimateSampleSize',
  'ztestMinimumWinCount',
  'blockClaimDelay',
  'keyBlockClaimLimit',
  'signupCommitMaximumDelay',
])
const POSITIVE_SETTINGS = new Set<keyof PoetSettings>([
  'targetWaitTime',
  'initialWaitTime',
  'populationEstimateSampleSize',
  'ztestMaximumWinDeviation',
  'keyBlockClaimLimit',
])

/** Merges overrides onto the defaults and checks every value; throws {@link InvalidSettingError}. */
export function resolveSettings(overrides: Partial<PoetSettings> = {}): PoetSettings {
  const merged: Record<string, number> = { ...DEFAULT_SETTINGS }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue
    if (!(key in DEFAULT_SETTINGS)) throw new InvalidSettingError(key, value, 'unknown setting')
    merged[key] = value
  }
  for (const [key, value] of Object.entries(merged)) {
    const k = key as keyof PoetSettings
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InvalidSettingError(key, value, 'must be a finite number')
    if (INTEGER_SETTINGS.has(k) && !Number.isInteger(value))
      throw new InvalidSettingError(key, value, 'must be an integer')
    if (POSITIVE_SETTINGS.has(k) ? value <= 0 : value < 0)
      throw new InvalidSettingError(key, value, POSITIVE_SETTINGS.has(k) ? 'must be > 0' : 'must be >= 0')
  }
  return Object.freeze(merged as unknown as PoetSettings)
}

/** Reads the on-chain `sawtooth.poet.*` values in force at a block, falling back to `base`. */
export async function readSettings(
  getSetting: (key: string) => Promise<string | undefined>,
  base: PoetSettings,
): Promise<PoetSettings> {
  const overrides: Record<string, number> = {}
  for (const [field, key] of Object.entries(SETTING_KEYS)) {
    if (key === undefined) continue
    const raw = await getSetting(key)
    if (raw === undefined) continue
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value)) throw new InvalidSettingError(key, raw, 'must be a number')
    overrides[field] = value
  }
  return resolveSettings({ ...base, ...overrides })
}
