// A single-node Seth chain on LevelDB behind the JSON-RPC server, run as its own process
// by the benchmark (as the Hardhat baseline runs in its own process). Prints its URL.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomSecretKey } from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'
import { startRpcServer } from '../src/adapters/server.js'
import { workerSecp } from '../src/adapters/worker-crypto.js'
import { createDevChain, type MiningMode } from '../src/index.js'

const [mode, intervalMs, allocJson] = process.argv.slice(2)
const dir = mkdtempSync(join(tmpdir(), 'seth-bench-'))
const alloc = Object.fromEntries((JSON.parse(allocJson ?? '[]') as string[]).map((a) => [a, 10n ** 24n]))
const mining: MiningMode = mode === 'interval' ? { mode: 'interval', intervalMs: Number(intervalMs) } : { mode: 'auto' }
const secretKey = randomSecretKey()
// With the native libsecp256k1 binding, recovery inline (~60 µs) is cheaper than a round
// trip to a worker thread on this 2-core machine; SETH_CRYPTO_THREADS=n brings the workers back.
const threads = Number(process.env.SETH_CRYPTO_THREADS ?? 0)
const secp = threads > 0 ? workerSecp(secretKey, { threads }) : undefined
const chain = await createDevChain({
  store: await levelStore(dir),
  secretKey,
  chainId: 31337n,
  alloc,
  mining,
  ...(secp === undefined ? {} : { secp }),
})
process.stderr.write(`seth bench node: libsecp256k1 ${chain.family.secp.name}, ${threads} crypto threads\n`)
// SETH_BENCH_HTTP_ONLY=1 answers every request with a constant (no chain): the cost of the
// HTTP layer alone. SETH_BENCH_FAST_PATH=0 serves through Node's http server only.
const constant = (r: { id?: unknown }) => ({ jsonrpc: '2.0', id: r.id ?? null, result: `0x${'ab'.repeat(32)}` })
const handler =
  process.env.SETH_BENCH_HTTP_ONLY === '1'
    ? ({
        handle: async (b: unknown) => (Array.isArray(b) ? b.map(constant) : constant(b as { id?: unknown })),
        dropConnection() {},
      } as unknown as typeof chain.rpc)
    : chain.rpc
const server = await startRpcServer(handler, {
  maxBodyBytes: 16 * 1024 * 1024,
  fastPath: process.env.SETH_BENCH_FAST_PATH !== '0',
})
process.stdout.write(`URL ${server.url}\n`)
const stop = async () => {
  if (process.env.SETH_BENCH_CPU === '1') {
    const u = process.cpuUsage()
    process.stderr.write(`seth bench node cpu: user ${u.user / 1000} ms, system ${u.system / 1000} ms\n`)
  }
  await server.close()
  await chain.close()
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()
