// Benchmark rpc-transfers: signed value transfers sent by 16 concurrent clients through
// eth_sendRawTransaction until every receipt exists, against a Hardhat node (interval
// mining) started in the same run on the same machine.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HDNodeWallet, Wallet } from 'ethers'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16)
const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 150)
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 100)
const MNEMONIC = 'test test test test test test test test test test test junk'
const here = dirname(fileURLToPath(import.meta.url))
const require = (await import('node:module')).createRequire(import.meta.url)

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** CPU seconds (user + system, all threads) a process has used, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return Number.NaN
  }
}

async function rpc(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return res.json()
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await rpc(url, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })
      return
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not come up`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

async function startSeth(mode: string, wallets: Wallet[]): Promise<{ url: string; child: ChildProcess }> {
  const extra = process.env.SETH_NODE_ARGS === undefined ? [] : process.env.SETH_NODE_ARGS.split(' ')
  const child = spawn(
    process.execPath,
    [...extra, join(here, 'seth-node.js'), mode, String(INTERVAL_MS), JSON.stringify(wallets.map((w) => w.address))],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let buf = ''
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      const m = /URL (\S+)/.exec(buf)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (c) => reject(new Error(`seth node exited ${c}`)))
  })
  return { url, child }
}

async function startHardhat(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  // Hardhat insists on a local installation: the project directory lives inside this package.
  const dir = mkdtempSync(join(here, '..', '..', '.hardhat-bench-'))
  writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}\n')
  writeFileSync(
    join(dir, 'hardhat.config.js'),
    `export default { networks: { node: { type: 'edr-simulated', chainId: 31337, allowBlocksWithSameTimestamp: true, mining: { auto: false, interval: ${INTERVAL_MS} } } } }\n`,
  )
  const port = await freePort()
  const cli = join(dirname(require.resolve('hardhat/package.json')), 'dist/src/cli.js')
  const child = spawn(process.execPath, [cli, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`hardhat exited ${c}`))))
  await Promise.race([waitFor(url, 60_000), exited])
  return { url, child, dir }
}

async function signAll(wallets: Wallet[], to: string, fees: Record<string, bigint>): Promise<string[][]> {
  return Promise.all(
    wallets.map(async (w) => {
      const out: string[] = []
      for (let n = 0; n < PER_CLIENT; n++) {
        out.push(
          await w.signTransaction({
            type: 2,
            chainId: 31337n,
            nonce: n,
            to,
            value: 1n + BigInt(n),
            gasLimit: 21000n,
            ...fees,
          }),
        )
      }
      return out
    }),
  )
}

/** Sends every client's transactions (each client sequentially, clients concurrently) and waits for all receipts. */
async function run(url: string, txs: string[][]): Promise<{ seconds: number; count: number }> {
  const started = performance.now()
  const hashes = await Promise.all(
    txs.map(async (list) => {
      const out: string[] = []
      for (const raw of list) {
        const r = (await rpc(url, { jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [raw] })) as {
          result?: string
          error?: unknown
        }
        if (r.result === undefined) throw new Error(`send failed: ${JSON.stringify(r.error)}`)
        out.push(r.result)
      }
      return out
    }),
  )
  let waiting = hashes.flat()
  const deadline = Date.now() + 120_000
  while (waiting.length > 0) {
    if (Date.now() > deadline) throw new Error(`${waiting.length} receipts missing`)
    const res = (await rpc(
      url,
      waiting
        .slice(0, 500)
        .map((h, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_getTransactionReceipt', params: [h] })),
    )) as { id: number; result: unknown }[]
    const done = new Set(res.filter((r) => r.result !== null && r.result !== undefined).map((r) => waiting[r.id]))
    waiting = waiting.filter((h) => !done.has(h))
    if (waiting.length > 0) await new Promise((r) => setTimeout(r, 20))
  }
  return { seconds: (performance.now() - started) / 1000, count: CLIENTS * PER_CLIENT }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

const wallets = Array.from({ length: CLIENTS }, (_, i) => {
  const hd = HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`)
  return new Wallet(hd.privateKey)
})
const sink = Wallet.createRandom().address
const hardhatTxs = await signAll(wallets, sink, { maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n })
const sethTxs = await signAll(wallets, sink, { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n })

let baselineRate = Number.NaN
let baselineCpu = Number.NaN
if (process.env.BENCH_SKIP_HARDHAT !== '1') {
  const hh = await startHardhat()
  try {
    const cpu0 = cpuSeconds(hh.child.pid)
    const baseline = await run(hh.url, hardhatTxs)
    baselineCpu = ((cpuSeconds(hh.child.pid) - cpu0) * 1000) / baseline.count
    baselineRate = baseline.count / baseline.seconds
  } finally {
    await stop(hh.child)
    rmSync(hh.dir, { recursive: true, force: true })
  }
}

const modes = (process.env.BENCH_MODES ?? 'interval,auto').split(',') as ('interval' | 'auto')[]
for (const mode of modes) {
  const seth = await startSeth(mode, wallets)
  try {
    const cpu0 = cpuSeconds(seth.child.pid)
    const r = await run(seth.url, sethTxs)
    const cpuMsPerTx = ((cpuSeconds(seth.child.pid) - cpu0) * 1000) / r.count
    const value = r.count / r.seconds
    console.log(
      JSON.stringify({
        bench: mode === 'interval' ? 'rpc-transfers' : 'rpc-transfers-automine',
        value: Math.round(value),
        unit: 'tx/s',
        baseline: `hardhat ${process.env.npm_package_devDependencies_hardhat ?? '3.18.0'} node, interval mining ${INTERVAL_MS} ms`,
        baselineValue: Math.round(baselineRate),
        ratio: Math.round((value / baselineRate) * 100) / 100,
        clients: CLIENTS,
        transfers: r.count,
        cpuMsPerTx: Math.round(cpuMsPerTx * 1000) / 1000,
        baselineCpuMsPerTx: Math.round(baselineCpu * 1000) / 1000,
        loadAverage: Math.round(loadavg()[0]! * 10) / 10,
      }),
    )
  } finally {
    seth.child.stdin!.end()
    await stop(seth.child)
  }
}
