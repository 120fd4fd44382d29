// The earlier benchmark client on Node's `http` module (BENCH_CLIENT=http): runs several
// sequential JSON-RPC senders (one keep-alive connection each) when told "go" on stdin, then
// prints the transaction hashes and its own CPU time as JSON. See client.ts for the default.
import { Agent, request } from 'node:http'
import { runClientProcess } from './client-run.js'

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

await runClientProcess(async (url) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  return { post: (body) => post(agent, url, body), close: () => agent.destroy() }
})
