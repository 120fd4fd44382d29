// What both benchmark clients share: the job protocol with the benchmark (a JSON job line,
// "ready", then "go" on stdin), the sequential eth_sendRawTransaction senders (one connection
// each) and the report (transaction hashes and the process's own CPU time, as JSON).
import { createInterface } from 'node:readline'

/** One keep-alive connection to the node: a POST and its response body. */
export interface ClientConnection {
  post(body: string): Promise<string>
  close(): void
}

interface Job {
  readonly url: string
  readonly clients: string[][]
}

/** Runs one client process: opens a connection per sender before "ready", sends on "go". */
export async function runClientProcess(open: (url: URL) => Promise<ClientConnection>): Promise<void> {
  const lines = createInterface({ input: process.stdin })
  let job: Job | undefined
  let connections: ClientConnection[] = []
  for await (const line of lines) {
    if (job === undefined) {
      job = JSON.parse(line) as Job
      const url = new URL(job.url)
      connections = await Promise.all(job.clients.map(() => open(url)))
      process.stdout.write('ready\n')
      continue
    }
    if (line === 'go') break
  }
  const cpu0 = process.cpuUsage()
  const hashes = await Promise.all(
    (job as Job).clients.map(async (txs, c) => {
      const conn = connections[c] as ClientConnection
      const out: string[] = []
      for (const raw of txs) {
        const reply = JSON.parse(
          await conn.post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [raw] })),
        ) as {
          result?: string
          error?: unknown
        }
        if (reply.result === undefined) throw new Error(`send failed: ${JSON.stringify(reply.error)}`)
        out.push(reply.result)
      }
      conn.close()
      return out
    }),
  )
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(`${JSON.stringify({ hashes: hashes.flat(), cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`)
}
