// Multi-process harness: every party is a `pop-party` process on UDP loopback, all traffic
// passes through an in-test fault proxy (loss, duplication, reordering, tampering).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFaultProxy, type FaultProxy } from '../src/adapters/fault-proxy.js'
import { type Contract, contractToJson } from '../src/contract.js'
import { bytesToHex, type Identity } from '../src/identity.js'
import type { Misbehaviour, PopParams } from '../src/node.js'
import type { ChannelFaults } from '../src/sim.js'

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'adapters', 'cli.js')

export type LogLine = { type: string; node: number; t: number; [k: string]: unknown }

export interface ClusterResult {
  readonly logs: LogLine[][]
  readonly exitCodes: (number | null)[]
  readonly proxy: FaultProxy
}

export interface ClusterOptions {
  readonly contract: Contract
  readonly identities: readonly Identity[]
  readonly faults?: ChannelFaults
  readonly seed?: number
  readonly misbehave?: Readonly<Record<number, Misbehaviour>>
  readonly params?: Partial<PopParams>
  readonly timeoutMs?: number
  /** Called once every party listens, with the proxy (to inject datagrams). */
  readonly onReady?: (proxy: FaultProxy) => void | Promise<void>
}

/** Runs the contract with one process per party; resolves when all processes exited. */
export async function runCluster(o: ClusterOptions): Promise<ClusterResult> {
  const n = o.identities.length
  const proxy = await createFaultProxy(n, { faults: o.faults ?? {}, seed: o.seed ?? 1 })
  const dir = mkdtempSync(join(tmpdir(), 'pop-cluster-'))
  const file = join(dir, 'deployment.json')
  writeFileSync(
    file,
    JSON.stringify({ contract: contractToJson(o.contract), endpoints: proxy.ports.map((p) => `127.0.0.1:${p}`) }),
  )
  const logs: LogLine[][] = o.identities.map(() => [])
  let listening = 0
  let readyResolve: () => void = () => {}
  const ready = new Promise<void>((r) => {
    readyResolve = r
  })
  const timeout = o.timeoutMs ?? 60_000
  const exits = o.identities.map((id, i) => {
    const args = [
      CLI,
      '--deployment',
      file,
      '--secret',
      bytesToHex(id.secretKey),
      '--timeout',
      String(timeout),
      '--linger',
      '3000',
    ]
    const m = o.misbehave?.[i]
    if (m !== undefined) args.push('--misbehave', JSON.stringify(m))
    if (o.params !== undefined) args.push('--params', JSON.stringify(o.params))
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let buffer = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, nl)) as LogLine
        buffer = buffer.slice(nl + 1)
        ;(logs[i] as LogLine[]).push(line)
        if (line.type === 'listening') {
          proxy.setTarget(i, line.port as number)
          if (++listening === n) readyResolve()
        }
      }
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), timeout + 15_000)
    return new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        clearTimeout(killer)
        resolve(code)
      }),
    )
  })
  await ready
  await o.onReady?.(proxy)
  const exitCodes = await Promise.all(exits)
  await proxy.close()
  rmSync(dir, { recursive: true, force: true })
  return { logs, exitCodes, proxy }
}

/** The last line of a given type in a party's log. */
export function last(lines: readonly LogLine[], type: string): LogLine | undefined {
  return lines.filter((l) => l.type === type).at(-1)
}
