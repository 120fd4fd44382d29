// A local devnet: a shared genesis, one data directory and config per node (prepareDevnet),
// and a supervisor that runs each node as its own `atmo start` process (runDevnet).
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bytesToHex } from '@noble/hashes/utils.js'
import { DEFAULT_P2P, defaultConfig, type GenesisFile, type NodeConfig } from './config.js'
import { addressOf, buildGenesis, devAccountKey, devKey, NODE_SETTINGS } from './genesis.js'

/** Options of {@link prepareDevnet}. */
export interface DevnetOptions {
  /** Number of nodes (validators). Default 4. */
  readonly nodes?: number
  /** Funded accounts (keys from {@link devAccountKey}). Default 10. */
  readonly accounts?: number
  /** Balance of each account in wei. Default 10^24 (a million ether). */
  readonly balance?: bigint
  readonly chainId?: bigint
  /** Engine from height 1. Default "poet". */
  readonly engine?: 'poet' | 'dev'
  /** Switch to `switchEngine` (default "poet") at this height. */
  readonly switchAt?: bigint
  readonly switchEngine?: 'poet' | 'dev'
  /** Extra or overriding on-chain settings. */
  readonly settings?: Readonly<Record<string, string>>
  /** JSON-RPC port of node 0 (node i gets port + i); 0 = OS-assigned (default). */
  readonly rpcPort?: number
  readonly logLevel?: NodeConfig['logLevel']
  /** Enable each node's `POST /admin/partition` (tests). Default false. */
  readonly admin?: boolean
}

/** One prepared node. */
export interface DevnetNode {
  readonly name: string
  readonly dir: string
  readonly configPath: string
  readonly config: NodeConfig
}

/** What {@link prepareDevnet} wrote. */
export interface PreparedDevnet {
  readonly dir: string
  readonly genesis: GenesisFile
  readonly nodes: readonly DevnetNode[]
  /** Funded accounts: 0x address and 0x secret key. */
  readonly accounts: readonly { readonly address: string; readonly secretKey: string }[]
}

/** Writes genesis.json and node-i/{validator.key,config.json} under `dir`. */
export async function prepareDevnet(dir: string, options: DevnetOptions = {}): Promise<PreparedDevnet> {
  const n = options.nodes ?? 4
  const accountCount = options.accounts ?? 10
  const balance = options.balance ?? 10n ** 24n
  const validators = Array.from({ length: n }, (_, i) => ({ name: `node-${i}`, secretKey: devKey(`validator ${i}`) }))
  const accounts = Array.from({ length: accountCount }, (_, i) => {
    const k = devAccountKey(i)
    return { address: addressOf(k), secretKey: `0x${bytesToHex(k)}` }
  })
  const settings: Record<string, string> = { [NODE_SETTINGS.engine]: options.engine ?? 'poet' }
  if (options.switchAt !== undefined) {
    settings[NODE_SETTINGS.switchHeight] = options.switchAt.toString()
    settings[NODE_SETTINGS.switchEngine] = options.switchEngine ?? 'poet'
  }
  const genesis = buildGenesis({
    chainId: options.chainId ?? 31337n,
    timestamp: Date.now(),
    validators,
    alloc: Object.fromEntries(accounts.map((a) => [a.address, balance])),
    settings: { ...settings, ...options.settings },
  })
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`)
  const nodes: DevnetNode[] = []
  for (const [i, v] of validators.entries()) {
    const nodeDir = join(dir, v.name)
    await mkdir(nodeDir, { recursive: true })
    await writeFile(join(nodeDir, 'validator.key'), `${bytesToHex(v.secretKey)}\n`, { mode: 0o600 })
    const base = defaultConfig()
    const config: NodeConfig = {
      ...base,
      name: v.name,
      genesisFile: '../genesis.json',
      p2p: { ...DEFAULT_P2P, minPeers: Math.min(3, n - 1), maxPeers: Math.max(10, n) },
      rpc: {
        host: '127.0.0.1',
        port: options.rpcPort === undefined || options.rpcPort === 0 ? 0 : options.rpcPort + i,
      },
      metrics: { host: '127.0.0.1', port: 0 },
      logLevel: options.logLevel ?? 'info',
      admin: options.admin ?? false,
    }
    const configPath = join(nodeDir, 'config.json')
    await writeConfig(configPath, config)
    nodes.push({ name: v.name, dir: nodeDir, configPath, config })
  }
  return { dir, genesis, nodes, accounts }
}

/** Writes a config file. */
export function writeConfig(path: string, config: NodeConfig): Promise<void> {
  return writeFile(path, `${JSON.stringify(config, null, 2)}\n`)
}
