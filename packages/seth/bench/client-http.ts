// The earlier benchmark client on Node's `http` module (BENCH_CLIENT=http): runs several
// sequential JSON-RPC senders (one keep-alive connection each) when told "go" on stdin, then
// prints the transaction hashes and its own CPU time as JSON. See client.ts for the default.
import { Agent, request } from 'node:http'
import { createInterface } from 'node:readline'

interface Job {
  readonly url: string
  readonly clients: string[][]
}

function post(agent: Agent, url: URL, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve(Buffer.concat(chunks).toString()))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const lines = createInterface({ input: process.stdin })
let job: Job | undefined
for await (const line of lines) {
  if (job === undefined) {
    job = JSON.parse(line) as Job
    process.stdout.write('ready\n')
    continue
  }
  if (line === 'go') break
}
const url = new URL(job!.url)
const cpu0 = process.cpuUsage()
const hashes = await Promise.all(
  job!.clients.map(async (txs) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const out: string[] = []
    for (const raw of txs) {
      const reply = JSON.parse(
        await post(
          agent,
          url,
          JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [raw] }),
        ),
      ) as {
        result?: string
        error?: unknown
      }
      if (reply.result === undefined) throw new Error(`send failed: ${JSON.stringify(reply.error)}`)
      out.push(reply.result)
    }
    agent.destroy()
    return out
  }),
)
const cpu = process.cpuUsage(cpu0)
process.stdout.write(`${JSON.stringify({ hashes: hashes.flat(), cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`)
