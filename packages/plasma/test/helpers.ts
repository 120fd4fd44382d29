// Test fixtures: an in-process EVM (Hardhat's EDR simulated network) or a real Hardhat node
// process, fresh funded keys, a deployed PlasmaRoot and clients for each party.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { connect, deployPlasmaRoot, type Endpoint, PlasmaRootClient } from '../src/adapters/index.js'
import { type Address, addressOfKey, type Hex } from '../src/index.js'

export type Provider = { request(args: { method: string; params?: unknown }): Promise<unknown> }

export async function inProcessProvider(): Promise<Provider> {
  const { createHardhatRuntimeEnvironment } = await import('hardhat/hre')
  const hre = await createHardhatRuntimeEnvironment({})
  const { provider } = await hre.network.connect()
  return provider as Provider
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })

/** Starts `hardhat node` as a child process on a free port; resolves once it answers. */
export async function hardhatNode(): Promise<{ url: string; stop: () => Promise<void>; process: ChildProcess }> {
  // Hardhat insists on a local installation: the project lives inside this package.
  const dir = mkdtempSync(join(fileURLToPath(new URL('../..', import.meta.url)), '.hardhat-node-'))
  writeFileSync(join(dir, 'hardhat.config.js'), 'export default {}\n')
  writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}\n')
  const cli = createRequire(import.meta.url)
    .resolve('hardhat/package.json')
    .replace(/package\.json$/, 'dist/src/cli.js')
  const port = await freePort()
  const child = spawn(process.execPath, [cli, 'node', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout?.on('data', (d) => (log += d))
  child.stderr?.on('data', (d) => (log += d))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited: ${log}`)
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
      })
      if (res.ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error(`hardhat node did not start: ${log}`)
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function rpc(endpoint: Endpoint, method: string, params: unknown[]): Promise<unknown> {
  if (typeof endpoint !== 'string') return endpoint.request({ method, params })
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(body.error.message)
  return body.result
}

export const increaseTime = async (endpoint: Endpoint, seconds: number) => {
  await rpc(endpoint, 'evm_increaseTime', [seconds])
  await rpc(endpoint, 'evm_mine', [])
}

export const ether = (n: number | string): bigint => BigInt(Math.round(Number(n) * 1e6)) * 10n ** 12n

export interface Party {
  readonly key: Uint8Array
  readonly hexKey: Hex
  readonly address: Address
}

export async function party(endpoint: Endpoint, balance = ether(100)): Promise<Party> {
  const key = secp256k1.utils.randomSecretKey()
  const address = addressOfKey(key)
  await rpc(endpoint, 'hardhat_setBalance', [address, `0x${balance.toString(16)}`])
  return { key, hexKey: `0x${bytesToHex(key)}`, address }
}

export const PARAMS = { operatorBond: ether(1), exitBond: ether('0.1'), challengePeriod: 3600n, feeBasisPoints: 10n }

/** Deploys PlasmaRoot with PARAMS and returns a client per party. */
export async function deploy(endpoint: Endpoint, params = PARAMS) {
  const deployer = await party(endpoint)
  const { address } = await deployPlasmaRoot(await connect(endpoint, deployer.hexKey), params)
  const client = (p: Party) => PlasmaRootClient.connect(endpoint, p.hexKey, address)
  return { address, client }
}
