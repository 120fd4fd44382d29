// Spawns mesh-node processes on loopback and follows their JSON-line logs. Used by the
// multi-process tests and the gossip-20-procs benchmark.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../src/cli/mesh-node.js', import.meta.url))

export interface LogLine {
  readonly t: number
  readonly event: string
  readonly [key: string]: unknown
}

export class NodeProcess {
  readonly lines: LogLine[] = []
  readonly child: ChildProcessWithoutNullStreams
  endpoint = ''
  peerId = ''
  exited = false
  readonly stderr: string[] = []
  #buffer = ''
  readonly #waiters = new Set<() => void>()
  /** Ids of messages received (event "message"). */
  readonly received = new Map<string, number>()

  constructor(
    readonly name: string,
    readonly args: readonly string[],
  ) {
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.child.stdout.setEncoding('utf8')
    this.child.stdout.on('data', (chunk: string) => {
      this.#buffer += chunk
      let nl = this.#buffer.indexOf('\n')
      while (nl >= 0) {
        const text = this.#buffer.slice(0, nl)
        this.#buffer = this.#buffer.slice(nl + 1)
        nl = this.#buffer.indexOf('\n')
        let line: LogLine
        try {
          line = JSON.parse(text) as LogLine
        } catch {
          continue
        }
        if (line.event === 'message' && typeof line['id'] === 'string') {
          this.received.set(line['id'], typeof line['latencyMs'] === 'number' ? line['latencyMs'] : Number.NaN)
        } else {
          this.lines.push(line)
        }
        if (line.event === 'ready') {
          this.endpoint = String(line['endpoint'])
          this.peerId = String(line['peerId'])
        }
      }
      for (const w of [...this.#waiters]) w()
    })
    this.child.stderr.setEncoding('utf8')
    this.child.stderr.on('data', (d: string) => {
      if (this.stderr.length < 200) this.stderr.push(d)
    })
    this.child.on('exit', () => {
      this.exited = true
      for (const w of [...this.#waiters]) w()
    })
    this.child.stdin.on('error', () => {})
  }

  send(command: Record<string, unknown>): void {
    if (!this.exited) this.child.stdin.write(`${JSON.stringify(command)}\n`)
  }

  /** Waits until `predicate` holds over the log, re-checking on every new line. */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = predicate()
        if (v !== undefined && v !== false) {
          cleanup()
          resolve(v)
        } else if (this.exited) {
          cleanup()
          reject(new Error(`${this.name} exited while waiting for ${what}: ${this.stderr.join('').slice(0, 2000)}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.#waiters.delete(check)
      }
      this.#waiters.add(check)
      check()
    })
  }

  ready(timeoutMs = 240_000): Promise<string> {
    return this.waitFor(() => this.endpoint || undefined, timeoutMs, 'ready')
  }

  /** Asks for a status line and returns it. */
  async status(timeoutMs = 30_000): Promise<LogLine> {
    const before = this.lines.length
    this.send({ cmd: 'status' })
    return this.waitFor(() => this.lines.slice(before).find((l) => l.event === 'status'), timeoutMs, 'status')
  }

  /** Current peering count from the latest state line (0 if none yet). */
  peerCount(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const l = this.lines[i]!
      if (l.event === 'state') return Number(l['peers'])
    }
    return 0
  }

  events(name: string): LogLine[] {
    return this.lines.filter((l) => l.event === name)
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return Promise.resolve()
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve())
      this.child.kill(signal)
    })
  }
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function poll(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  return check()
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Starts `count` nodes: the first `seeds` bootstrap nobody, the rest use the seeds. */
export async function startDynamicCluster(
  count: number,
  options: { seeds?: number; min?: number; max?: number; seedMax?: number; extraArgs?: string[] } = {},
): Promise<{ nodes: NodeProcess[]; seeds: string[] }> {
  const seedCount = options.seeds ?? 2
  const base = ['--min', String(options.min ?? 3), '--max', String(options.max ?? 10), ...(options.extraArgs ?? [])]
  const nodes: NodeProcess[] = []
  const seedArgs: string[] = []
  for (let i = 0; i < seedCount; i++) {
    const args = [...base]
    if (options.seedMax !== undefined) args.splice(args.indexOf('--max') + 1, 1, String(options.seedMax))
    const n = new NodeProcess(`seed${i}`, [...args, ...seedArgs])
    nodes.push(n)
    await n.ready()
    seedArgs.push('--seed', n.endpoint)
  }
  const rest: NodeProcess[] = []
  for (let i = seedCount; i < count; i++) rest.push(new NodeProcess(`node${i}`, [...base, ...seedArgs]))
  await Promise.all(rest.map((n) => n.ready()))
  nodes.push(...rest)
  return { nodes, seeds: nodes.slice(0, seedCount).map((n) => n.endpoint) }
}

/** Starts the baseline: plain gossipsub, node i dials nodes i−1, i−2 and i−4. */
export async function startStaticCluster(count: number, extraArgs: string[] = []): Promise<NodeProcess[]> {
  const nodes: NodeProcess[] = []
  for (let i = 0; i < count; i++) {
    const statics = [1, 2, 4].filter((d) => i - d >= 0).flatMap((d) => ['--static', nodes[i - d]!.endpoint])
    const n = new NodeProcess(`static${i}`, ['--mode', 'static', ...statics, ...extraArgs])
    nodes.push(n)
    await n.ready()
  }
  return nodes
}

/** Kills every process still running. */
export async function stopAll(nodes: readonly NodeProcess[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.kill('SIGKILL')))
}
