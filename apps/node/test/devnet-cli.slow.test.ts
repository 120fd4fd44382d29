// `atmo devnet` as the README runs it: one process group, progress lines, exactly one
// "atmo devnet ready" line, a contract deployed with ethers, `atmo status`, Prometheus
// metrics, then SIGINT to the group and exit code 0.
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import test from 'ava'
import { deployCounter } from '../examples/deploy-contract.js'
import { CLI } from './cluster.js'

const run = promisify(execFile)

test('atmo devnet: ready line, contract deployment, status, metrics, clean Ctrl-C', async (t) => {
  const child = spawn(process.execPath, [CLI, 'devnet'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString()
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  t.teardown(() => {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL')
  })
  const deadline = Date.now() + 120_000
  while (!out.includes('atmo devnet ready') && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 200))
  const ready = out.split('\n').filter((l) => l.startsWith('atmo devnet ready'))
  t.is(ready.length, 1, out)
  const urls = ready[0]!.match(/http:\/\/127\.0\.0\.1:\d+/g) ?? []
  t.is(urls.length, 4)
  t.regex(out, /node-0 up: JSON-RPC/)

  const { address, count } = await deployCounter(urls[0]!, urls[3]!)
  t.regex(address, /^0x[0-9a-fA-F]{40}$/)
  t.is(count, 1n)

  const statusUrl = /metrics (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(out)?.[1]
  t.truthy(statusUrl)
  const { stdout } = await run(process.execPath, [CLI, 'status', '--url', statusUrl!])
  const status = JSON.parse(stdout) as { height: string; peers: number; chainId: string; pool: number }
  t.is(status.chainId, '31337')
  t.true(BigInt(status.height) >= 2n)
  t.true(status.peers >= 3)
  const metrics = await (await fetch(`${statusUrl}/metrics`)).text()
  t.regex(metrics, /^atmo_chain_height\{node="node-0"\} [1-9]\d*$/m)
  t.regex(metrics, /^atmo_peers\{node="node-0"\} [3-9]$/m)
  t.regex(metrics, /# TYPE atmo_transactions_committed_total counter/)

  const stoppedAt = Date.now()
  process.kill(-(child.pid as number), 'SIGINT')
  const code = await exited
  t.is(code, 0, out)
  t.true(Date.now() - stoppedAt < 60_000)
  t.regex(out, /devnet stopped cleanly/)
})
