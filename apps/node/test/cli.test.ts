// The CLI as a process: atmo init, atmo start --config, atmo status, a transaction on the
// resulting one-validator PoET chain, SIGTERM exit 0; usage and config errors.
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import test from 'ava'
import { JsonRpcProvider, Wallet } from 'ethers'
import { devAccountKey } from '../src/genesis.js'
import type { RunFile } from '../src/node.js'
import { CLI, waitFor } from './cluster.js'

const run = promisify(execFile)

async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args])
  } catch (e) {
    const err = e as { code: number; stderr: string }
    return { code: err.code, stderr: err.stderr }
  }
  throw new Error(`atmo ${args.join(' ')} succeeded`)
}

test('init, start, status and a transaction on a one-validator chain; SIGTERM exits 0', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'atmo-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const { stdout } = await run(process.execPath, [CLI, 'init', '--dir', dir, '--name', 'solo'])
  t.regex(stdout, /atmo start --config/)
  const configPath = join(dir, 'config.json')
  const config = JSON.parse(await readFile(configPath, 'utf8'))
  t.is(config.rpc.port, 8545)
  t.is((await readFile(join(dir, 'validator.key'), 'utf8')).trim().length, 64)
  // A second init does not overwrite.
  t.is((await fails(['init', '--dir', dir])).code, 2)
  // Tests take OS-assigned ports.
  await writeFile(
    configPath,
    JSON.stringify({ ...config, rpc: { host: '127.0.0.1', port: 0 }, metrics: { host: '127.0.0.1', port: 0 } }),
  )

  const child = spawn(process.execPath, [CLI, 'start', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let logs = ''
  child.stdout.on('data', (c: Buffer) => {
    logs += c.toString()
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const runFile = await waitFor(
    'run.json',
    60_000,
    async () => JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunFile,
  )
  // Logs are JSON lines.
  const first = JSON.parse(logs.split('\n')[0]!) as { level: string; msg: string; node: string }
  t.is(first.node, 'solo')
  t.is(typeof first.msg, 'string')

  const status0 = JSON.parse((await run(process.execPath, [CLI, 'status', '--config', configPath])).stdout)
  t.is(status0.height, '0')
  t.is(status0.consensus, 'poet')

  const provider = new JsonRpcProvider(runFile.rpcUrl, 31337, { staticNetwork: true, pollingInterval: 200 })
  const wallet = new Wallet(`0x${Buffer.from(devAccountKey(0)).toString('hex')}`, provider)
  const tx = await wallet.sendTransaction({ to: '0x000000000000000000000000000000000000dEaD', value: 5n })
  const receipt = await tx.wait(1, 60_000)
  t.is(receipt?.status, 1)
  t.is(await provider.getBalance('0x000000000000000000000000000000000000dEaD'), 5n)
  const status1 = JSON.parse((await run(process.execPath, [CLI, 'status', '--url', runFile.statusUrl])).stdout)
  t.true(BigInt(status1.height) >= 1n)

  child.kill('SIGTERM')
  t.is(await exited, 0)
  t.regex(logs, /"msg":"node stopped"/)
  // No run file once stopped; status says so.
  const gone = await fails(['status', '--config', configPath])
  t.is(gone.code, 1)
  t.regex(gone.stderr, /ConfigFileError/)
})

test('usage and config errors exit non-zero with a named error', async (t) => {
  t.is((await fails(['start'])).code, 2)
  t.is((await fails(['frobnicate'])).code, 2)
  t.is((await fails(['devnet', '--nodes', 'many'])).code, 2)
  const missing = await fails(['start', '--config', '/nonexistent/config.json'])
  t.is(missing.code, 1)
  t.regex(missing.stderr, /ConfigFileError/)
  const dir = await mkdtemp(join(tmpdir(), 'atmo-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'config.json'), JSON.stringify({ p2p: { maxPeers: 0 } }))
  const bad = await fails(['start', '--config', join(dir, 'config.json')])
  t.is(bad.code, 1)
  t.regex(bad.stderr, /InvalidConfigError.*p2p\.maxPeers/)
})
