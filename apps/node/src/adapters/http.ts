// HTTP listeners of a node: the Ethereum JSON-RPC server (seth's adapter) and a small
// server for Prometheus `/metrics` and JSON `/status`.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export { type RpcServer, startRpcServer } from '@atmosphere/seth/server'

/** A running metrics/status server. */
export interface StatusServer {
  readonly url: string
  close(): Promise<void>
}

/** Serves GET /metrics (text), GET /status and GET /block/HEIGHT (JSON) from the given callbacks. */
export async function startStatusServer(
  host: string,
  port: number,
  routes: {
    metrics: () => string
    status: () => unknown
    block: (height: bigint) => Promise<unknown>
    /** POST /admin/partition with {"block": [peer ids]}; absent = route disabled. */
    partition?: (peerIds: string[]) => Promise<void>
  },
): Promise<StatusServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (req.method === 'POST' && path === '/admin/partition' && routes.partition !== undefined) {
      const partition = routes.partition
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let ids: unknown
        try {
          ids = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { block?: unknown }).block
        } catch {
          ids = undefined
        }
        if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('expected {"block": [peer ids]}\n')
          return
        }
        partition(ids as string[]).then(
          () => res.writeHead(204).end(),
          (e) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e)),
        )
      })
      return
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end()
      return
    }
    try {
      const blockMatch = /^\/block\/([0-9]{1,19})$/.exec(path)
      if (blockMatch !== null) {
        routes.block(BigInt(blockMatch[1] as string)).then(
          (b) => {
            if (b === undefined) res.writeHead(404, { 'content-type': 'application/json' }).end('null')
            else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(b))
          },
          (e) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e)),
        )
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(routes.metrics())
      } else if (path === '/status') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(routes.status()))
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics, /status or /block/HEIGHT\n')
      }
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
