// Node configuration and genesis files: their shapes, documented defaults and validation.
// Every field is checked on load; a bad one throws InvalidConfigError naming it.
import { InvalidConfigError } from './errors.js'
import type { LogLevel } from './log.js'

/** Peer-to-peer settings (mesh-gossip over libp2p). */
export interface P2pConfig {
  /** libp2p listen multiaddrs. Default one OS-assigned TCP port on loopback. */
  readonly listen: readonly string[]
  /** Endpoints (multiaddr with /p2p/) asked for peers at start. Default none. */
  readonly seeds: readonly string[]
  /** Peer count below which the node searches for more (Sawtooth minimum_peer_connectivity). Default 3. */
  readonly minPeers: number
  /** Peer count at which peering requests are refused. Default 10. */
  readonly maxPeers: number
  /** Largest gossip message (a block or a batch) in bytes. Default 16 MiB. */
  readonly maxMessageBytes: number
  /** Period of the catch-up check against a random peer, ms. Default 3000. */
  readonly syncIntervalMs: number
}

/** An HTTP listener. */
export interface ListenConfig {
  /** Interface to bind. Default 127.0.0.1. */
  readonly host: string
  /** TCP port; 0 lets the OS choose. */
  readonly port: number
}

/** What `atmo start --config FILE` reads. Relative paths resolve against the config file's directory. */
export interface NodeConfig {
  /** Name in logs. Default "node". */
  readonly name: string
  /** Directory of the chain database (LevelDB under `chain/`) and run file. Default ".". */
  readonly dataDir: string
  /** Genesis file shared by every node of the network. Default "genesis.json". */
  readonly genesisFile: string
  /** File holding this validator's secp256k1 secret key as hex. Default "validator.key". */
  readonly keyFile: string
  readonly p2p: P2pConfig
  /** Ethereum JSON-RPC (HTTP and WebSocket). Default 127.0.0.1:8545. */
  readonly rpc: ListenConfig
  /** Prometheus `/metrics` and JSON `/status`. Default 127.0.0.1:9615. */
  readonly metrics: ListenConfig
  /** Default "info". */
  readonly logLevel: LogLevel
  /**
   * Enables `POST /admin/partition` on the metrics listener: refuse connections to listed peer
   * ids (partition tests). Default false.
   */
  readonly admin: boolean
}

/** One validator in the genesis registry. */
export interface GenesisValidator {
  readonly name: string
  /** Compressed secp256k1 public key, hex: the block signer (Sawtooth's validator id). */
  readonly publicKey: string
  /** Encoded PoET sign-up info (poet-consensus `encodeSignupInfo`), hex, bound to the genesis block id. */
  readonly signupInfo: string
}

/** The genesis file: identical on every node of a network. */
export interface GenesisFile {
  /** EIP-155 chain id, decimal string. */
  readonly chainId: string
  /** Genesis timestamp, ms since the Unix epoch. */
  readonly timestamp: number
  /** Initial balances in wei (decimal strings) by 0x address. */
  readonly alloc: Readonly<Record<string, string>>
  /** Seth permission bits by address (the zero address holds the default); absent = everyone may do everything. */
  readonly permissions?: Readonly<Record<string, number>>
  /** Validator registry for PoET. */
  readonly validators: readonly GenesisValidator[]
  /** On-chain settings written into genesis state (see docs/node.md, "Settings"). */
  readonly settings: Readonly<Record<string, string>>
}

export const DEFAULT_P2P: P2pConfig = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  seeds: [],
  minPeers: 3,
  maxPeers: 10,
  maxMessageBytes: 16 * 1024 * 1024,
  syncIntervalMs: 3000,
}

/** The defaults `atmo init` writes. */
export function defaultConfig(): NodeConfig {
  return {
    name: 'node',
    dataDir: '.',
    genesisFile: 'genesis.json',
    keyFile: 'validator.key',
    p2p: DEFAULT_P2P,
    rpc: { host: '127.0.0.1', port: 8545 },
    metrics: { host: '127.0.0.1', port: 9615 },
    logLevel: 'info',
    admin: false,
  }
}

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function str(o: Json, field: string, path: string, fallback?: string): string {
  const v = o[field] ?? fallback
  if (typeof v !== 'string' || v.length === 0) throw new InvalidConfigError(`${path}${field}`, v, 'a non-empty string')
  return v
}

function int(o: Json, field: string, path: string, min: number, max: number, fallback?: number): number {
  const v = o[field] ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new InvalidConfigError(`${path}${field}`, v, `an integer in [${min}, ${max}]`)
  return v
}

function strings(o: Json, field: string, path: string, fallback: readonly string[]): string[] {
  const v = o[field] ?? fallback
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string' || e.length === 0))
    throw new InvalidConfigError(`${path}${field}`, v, 'an array of non-empty strings')
  return [...(v as string[])]
}

function listen(v: unknown, path: string, fallback: ListenConfig): ListenConfig {
  const o = v ?? fallback
  if (!isObject(o)) throw new InvalidConfigError(path, v, 'an object {host, port}')
  return { host: str(o, 'host', `${path}.`, fallback.host), port: int(o, 'port', `${path}.`, 0, 65535, fallback.port) }
}

/** Checks a parsed config object, filling defaults; throws InvalidConfigError on the first bad field. */
export function parseConfig(raw: unknown): NodeConfig {
  if (!isObject(raw)) throw new InvalidConfigError('(root)', raw, 'a JSON object')
  const d = defaultConfig()
  const p2pRaw = raw.p2p ?? {}
  if (!isObject(p2pRaw)) throw new InvalidConfigError('p2p', p2pRaw, 'an object')
  const p2p: P2pConfig = {
    listen: strings(p2pRaw, 'listen', 'p2p.', DEFAULT_P2P.listen),
    seeds: strings(p2pRaw, 'seeds', 'p2p.', DEFAULT_P2P.seeds),
    minPeers: int(p2pRaw, 'minPeers', 'p2p.', 0, 1000, DEFAULT_P2P.minPeers),
    maxPeers: int(p2pRaw, 'maxPeers', 'p2p.', 1, 1000, DEFAULT_P2P.maxPeers),
    maxMessageBytes: int(p2pRaw, 'maxMessageBytes', 'p2p.', 1024, 256 * 1024 * 1024, DEFAULT_P2P.maxMessageBytes),
    syncIntervalMs: int(p2pRaw, 'syncIntervalMs', 'p2p.', 100, 3_600_000, DEFAULT_P2P.syncIntervalMs),
  }
  if (p2p.maxPeers < p2p.minPeers)
    throw new InvalidConfigError('p2p.maxPeers', p2p.maxPeers, `>= p2p.minPeers (${p2p.minPeers})`)
  const logLevel = raw.logLevel ?? d.logLevel
  if (logLevel !== 'debug' && logLevel !== 'info' && logLevel !== 'warn' && logLevel !== 'error')
    throw new InvalidConfigError('logLevel', logLevel, 'one of debug, info, warn, error')
  return {
    name: str(raw, 'name', '', d.name),
    dataDir: str(raw, 'dataDir', '', d.dataDir),
    genesisFile: str(raw, 'genesisFile', '', d.genesisFile),
    keyFile: str(raw, 'keyFile', '', d.keyFile),
    p2p,
    rpc: listen(raw.rpc, 'rpc', d.rpc),
    metrics: listen(raw.metrics, 'metrics', d.metrics),
    logLevel,
    admin: bool(raw, 'admin', d.admin),
  }
}

function bool(o: Json, field: string, fallback: boolean): boolean {
  const v = o[field] ?? fallback
  if (typeof v !== 'boolean') throw new InvalidConfigError(field, v, 'true or false')
  return v
}

const HEX = /^[0-9a-f]*$/

/** Checks a parsed genesis object; throws InvalidConfigError on the first bad field. */
export function parseGenesis(raw: unknown): GenesisFile {
  if (!isObject(raw)) throw new InvalidConfigError('genesis', raw, 'a JSON object')
  const chainId = str(raw, 'chainId', 'genesis.')
  if (!/^[1-9][0-9]{0,18}$/.test(chainId))
    throw new InvalidConfigError('genesis.chainId', chainId, 'a positive decimal integer')
  const timestamp = int(raw, 'timestamp', 'genesis.', 0, Number.MAX_SAFE_INTEGER, 0)
  const alloc = raw.alloc ?? {}
  if (!isObject(alloc)) throw new InvalidConfigError('genesis.alloc', alloc, 'an object of address -> wei')
  for (const [a, v] of Object.entries(alloc)) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new InvalidConfigError(`genesis.alloc`, a, 'a 0x address')
    if (typeof v !== 'string' || !/^[0-9]+$/.test(v))
      throw new InvalidConfigError(`genesis.alloc.${a}`, v, 'a decimal wei string')
  }
  const permissions = raw.permissions
  if (permissions !== undefined) {
    if (!isObject(permissions)) throw new InvalidConfigError('genesis.permissions', permissions, 'an object')
    for (const [a, v] of Object.entries(permissions)) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new InvalidConfigError('genesis.permissions', a, 'a 0x address')
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 31)
        throw new InvalidConfigError(`genesis.permissions.${a}`, v, 'permission bits 0..31')
    }
  }
  const validators = raw.validators
  if (!Array.isArray(validators) || validators.length === 0)
    throw new InvalidConfigError('genesis.validators', validators, 'a non-empty array')
  const parsedValidators = validators.map((v, i): GenesisValidator => {
    if (!isObject(v)) throw new InvalidConfigError(`genesis.validators[${i}]`, v, 'an object')
    const publicKey = str(v, 'publicKey', `genesis.validators[${i}].`)
    if (!HEX.test(publicKey) || publicKey.length !== 66)
      throw new InvalidConfigError(`genesis.validators[${i}].publicKey`, publicKey, '33 bytes of lowercase hex')
    const signupInfo = str(v, 'signupInfo', `genesis.validators[${i}].`)
    if (!HEX.test(signupInfo))
      throw new InvalidConfigError(`genesis.validators[${i}].signupInfo`, signupInfo, 'lowercase hex')
    return { name: str(v, 'name', `genesis.validators[${i}].`, `validator-${i}`), publicKey, signupInfo }
  })
  const settings = raw.settings ?? {}
  if (!isObject(settings)) throw new InvalidConfigError('genesis.settings', settings, 'an object of string values')
  for (const [k, v] of Object.entries(settings))
    if (typeof v !== 'string') throw new InvalidConfigError(`genesis.settings.${k}`, v, 'a string')
  return {
    chainId,
    timestamp,
    alloc: alloc as Record<string, string>,
    ...(permissions === undefined ? {} : { permissions: permissions as Record<string, number> }),
    validators: parsedValidators,
    settings: settings as Record<string, string>,
  }
}
