// Genesis: on-chain settings as state entries, the ledger genesis a genesis file yields, the
// PoET validator registry it declares, and a builder for devnets (keys, accounts, sign-ups).
import { type GenesisConfig, genesisBlock } from '@atmosphere/ledger'
import {
  decodeSignupInfo,
  encodeSignupInfo,
  type MemoryRegistry,
  memoryRegistry,
  originatorPublicKeyHash,
  type PoetSettings,
  SETTING_KEYS,
  type SimulatedEnclave,
  signupNonce,
  simulatedEnclave,
} from '@atmosphere/poet-consensus'
import { fastSigner, sethGenesisState } from '@atmosphere/seth'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import type { GenesisFile } from './config.js'
import { InvalidConfigError, NotAValidatorError } from './errors.js'

/** Namespace of on-chain settings (Sawtooth's settings family prefix). */
export const SETTINGS_NAMESPACE = '000000'

/** State address of a setting: the namespace then SHA-256 of the key (70 hex digits, as Sawtooth). */
export function settingAddress(key: string): string {
  return SETTINGS_NAMESPACE + bytesToHex(sha256(utf8ToBytes(key)))
}

/** Setting keys the node itself reads (beyond Sawtooth's `sawtooth.poet.*`). */
export const NODE_SETTINGS = {
  /** Engine from height 1: "poet" (default) or "dev". */
  engine: 'atmosphere.consensus.engine',
  /** Height from which `switchEngine` runs instead (optional). */
  switchHeight: 'atmosphere.consensus.switch_height',
  /** Engine from `switchHeight` on. */
  switchEngine: 'atmosphere.consensus.switch_engine',
  /** Enclave MINIMUM_WAIT_TIME in seconds (not a Sawtooth setting; an enclave constant there). */
  minimumWaitTime: 'atmosphere.poet.minimum_wait_time',
} as const

export type EngineName = 'poet' | 'dev'

/** Which engine runs from which height, as the settings say. */
export interface ConsensusPlan {
  readonly phases: readonly { readonly fromHeight: bigint; readonly engine: EngineName }[]
}

function engineName(key: string, v: string | undefined, fallback: EngineName): EngineName {
  const e = v ?? fallback
  if (e !== 'poet' && e !== 'dev') throw new InvalidConfigError(`genesis.settings.${key}`, e, '"poet" or "dev"')
  return e
}

/** Reads the consensus plan from settings. */
export function consensusPlan(settings: Readonly<Record<string, string>>): ConsensusPlan {
  const first = engineName(NODE_SETTINGS.engine, settings[NODE_SETTINGS.engine], 'poet')
  const phases = [{ fromHeight: 1n, engine: first }]
  const h = settings[NODE_SETTINGS.switchHeight]
  if (h !== undefined) {
    if (!/^[0-9]+$/.test(h) || BigInt(h) < 2n)
      throw new InvalidConfigError(`genesis.settings.${NODE_SETTINGS.switchHeight}`, h, 'an integer >= 2')
    phases.push({
      fromHeight: BigInt(h),
      engine: engineName(NODE_SETTINGS.switchEngine, settings[NODE_SETTINGS.switchEngine], 'poet'),
    })
  }
  return { phases }
}

/** PoET settings named in the genesis settings (Sawtooth keys, plus the enclave minimum wait). */
export function poetSettingsOf(settings: Readonly<Record<string, string>>): Partial<PoetSettings> {
  const out: Record<string, number> = {}
  const read = (key: string, field: string) => {
    const raw = settings[key]
    if (raw === undefined) return
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new InvalidConfigError(`genesis.settings.${key}`, raw, 'a number')
    out[field] = n
  }
  for (const [field, key] of Object.entries(SETTING_KEYS)) if (key !== undefined) read(key, field)
  read(NODE_SETTINGS.minimumWaitTime, 'minimumWaitTime')
  return out as Partial<PoetSettings>
}

/** The ledger genesis a genesis file yields: Seth balances and permissions plus the settings. */
export function ledgerGenesis(g: GenesisFile): GenesisConfig {
  const alloc: Record<string, bigint> = {}
  for (const [a, v] of Object.entries(g.alloc)) alloc[a] = BigInt(v)
  const state: [string, Uint8Array][] = sethGenesisState({
    alloc,
    ...(g.permissions === undefined ? {} : { permissions: g.permissions }),
  })
  for (const [k, v] of Object.entries(g.settings)) state.push([settingAddress(k), utf8ToBytes(v)])
  return { state, timestamp: g.timestamp }
}

/** Id of the genesis block of a genesis file. */
export function genesisId(g: GenesisFile): string {
  return genesisBlock(ledgerGenesis(g)).block.id
}

/**
 * Randomness of a validator's simulated enclave, derived from its secret key, so that its
 * PoET key (declared in the genesis file) is the same after every restart. A simulated
 * enclave protects nothing anyway (docs/poet.md); see decision 0072.
 */
export function enclaveRandom(secretKey: Uint8Array): (n: number) => Uint8Array {
  const seed = sha256(concatBytes(utf8ToBytes('atmo/simulated-enclave/v1'), secretKey))
  let counter = 0
  return (n) => {
    const out = new Uint8Array(n)
    for (let off = 0; off < n; off += 32) {
      const c = new Uint8Array(4)
      new DataView(c.buffer).setUint32(0, counter++)
      out.set(sha256(concatBytes(seed, c)).subarray(0, Math.min(32, n - off)), off)
    }
    return out
  }
}

/** A validator's simulated enclave, signed up on the genesis block. */
export function genesisEnclave(
  secretKey: Uint8Array,
  genesis: string,
  clock: { now(): number },
  minimumWaitTime?: number,
): { enclave: SimulatedEnclave; signupInfo: Uint8Array } {
  const enclave = simulatedEnclave({
    clock,
    random: enclaveRandom(secretKey),
    ...(minimumWaitTime === undefined ? {} : { minimumWaitTime }),
  })
  const validatorId = bytesToHex(secp256k1.getPublicKey(secretKey, true))
  const info = enclave.createSignupInfo(originatorPublicKeyHash(validatorId), signupNonce(genesis))
  return { enclave, signupInfo: encodeSignupInfo(info) }
}

/** The PoET registry a genesis file declares (every sign-up checked: proof, originator, nonce). */
export function genesisRegistry(g: GenesisFile, id = genesisId(g)): MemoryRegistry {
  const registry = memoryRegistry()
  for (const [i, v] of g.validators.entries()) {
    let info: ReturnType<typeof decodeSignupInfo>
    try {
      info = decodeSignupInfo(hexToBytes(v.signupInfo))
    } catch {
      throw new InvalidConfigError(`genesis.validators[${i}].signupInfo`, v.signupInfo, 'encoded PoET sign-up info')
    }
    try {
      registry.register({
        validatorId: v.publicKey,
        name: v.name,
        signupInfo: info,
        signupBlockId: id,
        signupHeight: 0,
        commitHeight: 0,
      })
    } catch (e) {
      throw new NotAValidatorError(v.publicKey, `genesis registration refused: ${(e as Error).message}`)
    }
  }
  return registry
}

/** A deterministic devnet key: SHA-256 of a label (well known, never for real funds). */
export function devKey(label: string): Uint8Array {
  return sha256(utf8ToBytes(`atmo devnet key ${label}`))
}

/** Secret key of devnet account `i` (funded in every devnet genesis). */
export function devAccountKey(i: number): Uint8Array {
  return devKey(`account ${i}`)
}

/** Ethereum address of a secret key (0x, lowercase). */
export function addressOf(secretKey: Uint8Array): string {
  const pub = secp256k1.getPublicKey(secretKey, false)
  return `0x${bytesToHex(keccak_256(pub.subarray(1)).subarray(12))}`
}

/** Settings a devnet uses by default: PoET with a short target wait (about a block a second on 4 nodes). */
export const DEVNET_SETTINGS: Readonly<Record<string, string>> = {
  [NODE_SETTINGS.engine]: 'poet',
  'sawtooth.poet.target_wait_time': '0.5',
  'sawtooth.poet.initial_wait_time': '2',
  'sawtooth.poet.population_estimate_sample_size': '10',
  // Sawtooth's K (250) would make every devnet validator re-register after ~250 blocks; a devnet
  // has no registry family to re-register with (decision 0072).
  'sawtooth.poet.key_block_claim_limit': '1000000000',
  [NODE_SETTINGS.minimumWaitTime]: '0.5',
}

/** Options of {@link buildGenesis}. */
export interface BuildGenesisOptions {
  readonly chainId?: bigint
  readonly timestamp?: number
  /** Validator secret keys with names. */
  readonly validators: readonly { readonly name: string; readonly secretKey: Uint8Array }[]
  /** Balances in wei by address. */
  readonly alloc: Readonly<Record<string, bigint>>
  readonly settings?: Readonly<Record<string, string>>
}

/** Builds a genesis file: signs every validator's simulated enclave up on the genesis block. */
export function buildGenesis(o: BuildGenesisOptions): GenesisFile {
  const base: GenesisFile = {
    chainId: String(o.chainId ?? 31337n),
    timestamp: o.timestamp ?? 0,
    alloc: Object.fromEntries(Object.entries(o.alloc).map(([a, v]) => [a, v.toString()])),
    validators: [],
    settings: { ...DEVNET_SETTINGS, ...o.settings },
  }
  const id = genesisId(base)
  const minimumWaitTime = poetSettingsOf(base.settings).minimumWaitTime
  const validators = o.validators.map((v) => ({
    name: v.name,
    publicKey: bytesToHex(fastSigner(v.secretKey).publicKey),
    signupInfo: bytesToHex(genesisEnclave(v.secretKey, id, { now: () => 0 }, minimumWaitTime).signupInfo),
  }))
  return { ...base, validators }
}
