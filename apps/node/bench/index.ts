// devnet-throughput: end-to-end transfers/s and inclusion latency (p50/p99) on a 4-process
// PoET devnet over loopback, against the single-node Seth dev chain (LevelDB, auto mining,
// JSON-RPC over HTTP) measured in the same run with the same pre-signed transfers.
// ATMO_BENCH_TXS sets the number of transfers (default 600).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { levelStore } from '@atmosphere/ledger/level'
import { createDevChain } from '@atmosphere/seth'
import { startRpcServer } from '@atmosphere/seth/server'
import { Wallet } from 'ethers'
import { addressOf, devAccountKey, devKey } from '../src/genesis.js'
import { rpcBatch, startCluster } from '../test/cluster.js'

const N = Number(process.env.ATMO_BENCH_TXS ?? 600)
const CONCURRENCY = 50

interface Result {
  readonly txPerSecond: number
  readonly p50: number
  readonly p99: number
}

async function signAll(): Promise<string[]> {
  return Promise.all(
    Array.from({ length: N }, (_, i) =>
      new Wallet(`0x${Buffer.from(devAccountKey(i)).toString('hex')}`).signTransaction({
        type: 2,
        chainId: 31337n,
        nonce: 0,
        to: `0x${(0xbe0000 + i).toString(16).padStart(40, '0')}`,
        value: 1n,
        gasLimit: 21000n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
      }),
    ),
  )
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/** Sends every transfer (to a random URL each), polls receipts every 50 ms; latency = send → receipt seen. */
async function drive(urls: readonly string[], raws: readonly string[]): Promise<Result> {
  const sentAt = new Map<string, number>()
  const sentTo = new Map<string, string>()
  const latency: number[] = []
  const start = performance.now()
  let polling = true
  const poller = (async () => {
    while (polling || sentAt.size > 0) {
      const byUrl = new Map<string, string[]>()
      for (const [h] of sentAt) {
        const u = sentTo.get(h) as string
        const list = byUrl.get(u) ?? []
        if (list.length < 500) list.push(h)
        byUrl.set(u, list)
      }
      await Promise.all(
        [...byUrl].map(async ([u, hs]) => {
          const res = await rpcBatch(
            u,
            hs.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
          )
          const now = performance.now()
          for (const [i, r] of res.entries()) {
            if (r.result === null || r.result === undefined) continue
            const h = hs[i] as string
            latency.push(now - (sentAt.get(h) as number))
            sentAt.delete(h)
          }
        }),
      )
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < raws.length) {
        const raw = raws[next++] as string
        const url = urls[Math.floor(Math.random() * urls.length)] as string
        const t = performance.now()
        const [r] = await rpcBatch(url, [{ method: 'eth_sendRawTransaction', params: [raw] }])
        if (typeof r?.result !== 'string') throw new Error(`send failed: ${JSON.stringify(r)}`)
        sentAt.set(r.result, t)
        sentTo.set(r.result, url)
      }
    }),
  )
  polling = false
  await poller
  const seconds = (performance.now() - start) / 1000
  latency.sort((a, b) => a - b)
  return { txPerSecond: raws.length / seconds, p50: percentile(latency, 50), p99: percentile(latency, 99) }
}

async function baseline(raws: readonly string[]): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'atmo-bench-seth-'))
  const chain = await createDevChain({
    store: await levelStore(join(dir, 'chain')),
    secretKey: devKey('bench single node'),
    chainId: 31337n,
    alloc: Object.fromEntries(Array.from({ length: N }, (_, i) => [addressOf(devAccountKey(i)), 10n ** 24n])),
    mining: { mode: 'auto' },
  })
  const server = await startRpcServer(chain.rpc)
  try {
    return await drive([server.url], raws)
  } finally {
    await server.close()
    await chain.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function devnet(raws: readonly string[]): Promise<Result & { height: string }> {
  const cluster = await startCluster({ nodes: 4, accounts: N, logLevel: 'warn' })
  try {
    const r = await drive(
      cluster.runs.map((x) => x.rpcUrl),
      raws,
    )
    // Not done until every node holds the same head.
    const deadline = Date.now() + 60_000
    for (;;) {
      const s = await cluster.statuses()
      if (s.every((x) => x.head === s[0]?.head)) return { ...r, height: s[0]?.height ?? '?' }
      if (Date.now() > deadline) throw new Error('devnet nodes did not agree on a head')
      await new Promise((res) => setTimeout(res, 200))
    }
  } finally {
    await cluster.close()
  }
}

const raws = await signAll()
const single = await baseline(raws)
const four = await devnet(raws)
const line = (bench: string, value: number, unit: string, baselineValue: number) =>
  console.log(
    JSON.stringify({
      bench,
      value: Number(value.toFixed(1)),
      unit,
      baseline: `single-node seth dev chain (LevelDB, auto mining, JSON-RPC), same ${N} transfers`,
      baselineValue: Number(baselineValue.toFixed(1)),
      ratio: Number((value / baselineValue).toFixed(3)),
    }),
  )
line('devnet-throughput', four.txPerSecond, 'tx/s', single.txPerSecond)
line('devnet-inclusion-latency-p50', four.p50, 'ms', single.p50)
line('devnet-inclusion-latency-p99', four.p99, 'ms', single.p99)
