// Test helper: a devnet of real `atmo start` processes on loopback (prepared with
// prepareDevnet, started as the CLI does), with per-node stop, kill and restart.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fetchStatus, type NodeProcess, spawnNode } from '../src/adapters/supervisor.js'
import { type DevnetOptions, type PreparedDevnet, prepareDevnet, writeConfig } from '../src/devnet.js'
import type { NodeStatus } from '../src/metrics.js'
import type { RunFile } from '../src/node.js'

export const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url))

export interface Cluster {
  readonly devnet: PreparedDevnet
  readonly runs: RunFile[]
  readonly procs: NodeProcess[]
  status(i: number): Promise<NodeStatus>
  statuses(): Promise<NodeStatus[]>
  /** Stops node i with a signal and waits for its exit code. */
  stop(i: number, signal?: NodeJS.Signals): Promise<number | string>
  /** Starts node i again from its data directory. */
  restart(i: number): Promise<RunFile>
  close(): Promise<void>
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v !== undefined) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

export async function startCluster(options: DevnetOptions = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'atmo-test-'))
  const devnet = await prepareDevnet(dir, { logLevel: 'debug', ...options })
  const procs: NodeProcess[] = []
  const runs: RunFile[] = []
  const launch = (i: number) => {
    const n = devnet.nodes[i]!
    const p = spawnNode(CLI, n.name, n.configPath, join(n.dir, 'node.log'))
    procs[i] = p
    return p
  }
  try {
    runs[0] = await launch(0).started
    for (const n of devnet.nodes.slice(1))
      await writeConfig(n.configPath, { ...n.config, p2p: { ...n.config.p2p, seeds: [runs[0].peerEndpoint] } })
    const rest = devnet.nodes.slice(1).map((_, j) => launch(j + 1))
    for (const [j, p] of rest.entries()) runs[j + 1] = await p.started
    for (const [i, n] of devnet.nodes.entries()) {
      const seeds = runs.filter((_, j) => j !== i).map((r) => r.peerEndpoint)
      await writeConfig(n.configPath, { ...n.config, p2p: { ...n.config.p2p, seeds } })
    }
  } catch (e) {
    for (const p of procs) p?.child.kill('SIGKILL')
    throw e
  }
  const want = Math.min(3, devnet.nodes.length - 1)
  const cluster: Cluster = {
    devnet,
    runs,
    procs,
    status: (i) => fetchStatus(runs[i]!.statusUrl),
    statuses: () => Promise.all(runs.map((r) => fetchStatus(r.statusUrl))),
    async stop(i, signal = 'SIGTERM') {
      procs[i]!.child.kill(signal)
      return procs[i]!.exited
    },
    async restart(i) {
      runs[i] = await launch(i).started
      return runs[i]
    },
    async close() {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM')
      const timer = setTimeout(() => {
        for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL')
      }, 20_000)
      await Promise.all(procs.map((p) => p.exited))
      clearTimeout(timer)
      if (process.env.ATMO_TEST_KEEP === '1') console.error(`kept ${dir}`)
      else await rm(dir, { recursive: true, force: true })
    },
  }
  await waitFor('peering', 120_000, async () => {
    const s = await cluster.statuses()
    return s.every((x) => x.peers >= want) ? true : undefined
  })
  return cluster
}

/** One JSON-RPC call (or a batch when `calls` is an array). */
export async function rpcBatch(
  url: string,
  calls: { method: string; params: unknown[] }[],
): Promise<{ result?: unknown; error?: { message: string } }[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))),
  })
  const out = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[]
  return out.sort((a, b) => a.id - b.id)
}
