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
const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 250)
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 100)
const CLIENT_PROCS = Number(process.env.BENCH_CLIENT_PROCS ?? 4)
/** `raw` (HTTP/1.1 on node:net, default) or `http` (Node's http client, the earlier harness). */
const CLIENT = process.env.BENCH_CLIENT === 'http' ? 'client-http.js' : 'client.js'
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

/**
 * Sends every client's transactions (each client sequentially on its own keep-alive
 * connection, clients concurrently, spread over CLIENT_PROCS processes so the load generator
 * is not the bottleneck) and waits until every receipt exists.
 */
async function run(
  url: string,
  txs: string[][],
): Promise<{ seconds: number; count: number; clientCpuSeconds: number }> {
  const procs = Math.min(CLIENT_PROCS, txs.length)
  const children = Array.from({ length: procs }, (_, i) => {
    const child = spawn(process.execPath, [join(here, CLIENT)], { stdio: ['pipe', 'pipe', 'inherit'] })
    let buf = ''
    const lines: string[] = []
    const waiters: ((l: string) => void)[] = []
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl = buf.indexOf('\n')
      while (nl >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        const w = waiters.shift()
        if (w) w(line)
        else lines.push(line)
        nl = buf.indexOf('\n')
      }
    })
    const next = () => new Promise<string>((r) => (lines.length > 0 ? r(lines.shift()!) : waiters.push(r)))
    child.stdin!.write(`${JSON.stringify({ url, clients: txs.filter((_, c) => c % procs === i) })}\n`)
    return { child, next }
  })
  for (const c of children) if ((await c.next()) !== 'ready') throw new Error('client did not start')
  const started = performance.now()
  for (const c of children) c.child.stdin!.write('go\n')
  const replies = await Promise.all(
    children.map(async (c) => JSON.parse(await c.next()) as { hashes: string[]; cpuSeconds: number }),
  )
  const hashes = replies.flatMap((r) => r.hashes)
  // The clients' own CPU while sending (they compete with the node for the same cores).
  const clientCpuSeconds = replies.reduce((sum, r) => sum + r.cpuSeconds, 0)
  for (const c of children) c.child.stdin!.end()
  let waiting = hashes
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
  return { seconds: (performance.now() - started) / 1000, count: hashes.length, clientCpuSeconds }
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

interface Measured {
  readonly rate: number
  readonly cpuMsPerTx: number
  readonly clientCpuMsPerTx: number
}

async function measureHardhat(): Promise<Measured> {
  const hh = await startHardhat()
  try {
    const cpu0 = cpuSeconds(hh.child.pid)
    const r = await run(hh.url, hardhatTxs)
    return {
      rate: r.count / r.seconds,
      cpuMsPerTx: ((cpuSeconds(hh.child.pid) - cpu0) * 1000) / r.count,
      clientCpuMsPerTx: (r.clientCpuSeconds * 1000) / r.count,
    }
  } finally {
    await stop(hh.child)
    rmSync(hh.dir, { recursive: true, force: true })
  }
}

async function measureSeth(mode: 'interval' | 'auto'): Promise<Measured> {
  const seth = await startSeth(mode, wallets)
  try {
    const cpu0 = cpuSeconds(seth.child.pid)
    const r = await run(seth.url, sethTxs)
    return {
      rate: r.count / r.seconds,
      cpuMsPerTx: ((cpuSeconds(seth.child.pid) - cpu0) * 1000) / r.count,
      clientCpuMsPerTx: (r.clientCpuSeconds * 1000) / r.count,
    }
  } finally {
    seth.child.stdin!.end()
    await stop(seth.child)
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const round3 = (x: number) => Math.round(x * 1000) / 1000

// The machine is shared and its load drifts: Hardhat and Seth runs alternate, and the
// medians of ROUNDS runs each are compared.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const modes = (process.env.BENCH_MODES ?? 'interval').split(',') as ('interval' | 'auto')[]
const hardhat: Measured[] = []
const seth = new Map<string, Measured[]>(modes.map((m) => [m, []]))
for (let round = 0; round < ROUNDS; round++) {
  if (process.env.BENCH_SKIP_HARDHAT !== '1') hardhat.push(await measureHardhat())
  for (const mode of modes) seth.get(mode)!.push(await measureSeth(mode))
}
const baselineRate = hardhat.length > 0 ? median(hardhat.map((m) => m.rate)) : Number.NaN
for (const mode of modes) {
  const runs = seth.get(mode)!
  const value = median(runs.map((m) => m.rate))
  console.log(
    JSON.stringify({
      bench:
        process.env.SETH_BENCH_HTTP_ONLY === '1'
          ? 'rpc-http-only'
          : mode === 'interval'
            ? 'rpc-transfers'
            : 'rpc-transfers-automine',
      value: Math.round(value),
      unit: 'tx/s',
      baseline: `hardhat 3.18.0 node, interval mining ${INTERVAL_MS} ms`,
      baselineValue: Math.round(baselineRate),
      ratio: Math.round((value / baselineRate) * 100) / 100,
      clients: CLIENTS,
      clientProcesses: CLIENT_PROCS,
      client: CLIENT === 'client.js' ? 'raw http/1.1' : 'node:http',
      transfersPerRun: CLIENTS * PER_CLIENT,
      rounds: ROUNDS,
      runs: runs.map((m) => Math.round(m.rate)),
      baselineRuns: hardhat.map((m) => Math.round(m.rate)),
      cpuMsPerTx: round3(median(runs.map((m) => m.cpuMsPerTx))),
      baselineCpuMsPerTx: hardhat.length > 0 ? round3(median(hardhat.map((m) => m.cpuMsPerTx))) : null,
      clientCpuMsPerTx: round3(median(runs.map((m) => m.clientCpuMsPerTx))),
      baselineClientCpuMsPerTx: hardhat.length > 0 ? round3(median(hardhat.map((m) => m.clientCpuMsPerTx))) : null,
      loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    }),
  )
}
