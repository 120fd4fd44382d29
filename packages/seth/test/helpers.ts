// Shared setup: a single-node chain on an in-memory (or LevelDB) store behind a real server.
import type { KeyValueStore } from '@atmosphere/interfaces'
import { memoryStore, randomSecretKey } from '@atmosphere/ledger'
import { Wallet } from 'ethers'
import { type RpcServer, startRpcServer } from '../src/adapters/server.js'
import { createDevChain, type DevChain, type MiningMode } from '../src/index.js'

/** Hardhat's first default accounts (well-known test keys, never for real funds). */
export const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
] as const

export interface Harness {
  readonly chain: DevChain
  readonly server: RpcServer
  readonly wallets: Wallet[]
  close(): Promise<void>
}

export async function startHarness(
  options: {
    mining?: MiningMode
    store?: KeyValueStore
    permissions?: Record<string, number>
    maxBodyBytes?: number
  } = {},
): Promise<Harness> {
  const wallets = KEYS.map((k) => new Wallet(k))
  const chain = await createDevChain({
    store: options.store ?? memoryStore(),
    secretKey: randomSecretKey(),
    chainId: 31337n,
    alloc: Object.fromEntries(wallets.map((w) => [w.address, 10n ** 24n])),
    ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
    mining: options.mining ?? { mode: 'auto' },
  })
  const server = await startRpcServer(
    chain.rpc,
    options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes },
  )
  return {
    chain,
    server,
    wallets,
    async close() {
      await server.close()
      await chain.close()
    },
  }
}

export async function rpc(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<{ result?: unknown; error?: { code: number; message: string; data?: string } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: string } }
}
