// Node processes: `atmo start --config FILE` children with their logs in files, an IPC
// "started" message carrying the run file, and polling of their /status endpoints.
import { type ChildProcess, fork } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { DevnetError, NodeUnreachableError } from '../errors.js'
import type { NodeStatus } from '../metrics.js'
import type { RunFile } from '../node.js'

/** A node running as a child process. */
export interface NodeProcess {
  readonly name: string
  readonly child: ChildProcess
  /** Resolves with the run file once the node started; rejects if it exits first. */
  readonly started: Promise<RunFile>
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>
}

/** Starts `node cli start --config configPath`, appending its output to `logPath`. */
export function spawnNode(cliPath: string, name: string, configPath: string, logPath: string): NodeProcess {
  const fd = openSync(logPath, 'a')
  const child = fork(cliPath, ['start', '--config', configPath], { stdio: ['ignore', fd, fd, 'ipc'] })
  closeSync(fd)
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  const started = new Promise<RunFile>((resolve, reject) => {
    child.on('message', (m) => {
      const msg = m as { type?: string; run?: RunFile }
      if (msg.type === 'started' && msg.run !== undefined) resolve(msg.run)
    })
    void exited.then((code) =>
      reject(new DevnetError(`${name} exited (${code}) before it started; see ${logPath}`, code)),
    )
  })
  started.catch(() => {})
  return { name, child, started, exited }
}

/** GET a node's /status. */
export async function fetchStatus(statusUrl: string, timeoutMs = 5000): Promise<NodeStatus> {
  try {
    const res = await fetch(`${statusUrl}/status`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    return (await res.json()) as NodeStatus
  } catch (cause) {
    throw new NodeUnreachableError(statusUrl, { cause })
  }
}

/** True when the JSON-RPC endpoint answers eth_chainId with `chainId`. */
export async function rpcAnswers(rpcUrl: string, chainId: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(5000),
    })
    const body = (await res.json()) as { result?: string }
    return body.result !== undefined && BigInt(body.result) === BigInt(chainId)
  } catch {
    return false
  }
}
