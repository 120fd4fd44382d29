// The JSON-RPC transport: HTTP POST and WebSocket on one port, bound to 127.0.0.1 by
// default, with a request-size limit. Protocol logic stays in ../rpc.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { InvalidRequestError, ParseError } from '../errors.js'
import { errorResponse, type RpcConnection, type RpcHandler } from '../rpc.js'

/** Options of {@link startRpcServer}. */
export interface RpcServerOptions {
  /** Interface to bind; 127.0.0.1 by default. */
  readonly host?: string
  /** Port; 0 (any free port) by default. */
  readonly port?: number
  /** Largest request body (HTTP) or message (WebSocket) in bytes; 1 MiB by default. */
  readonly maxBodyBytes?: number
}

/** A running server. */
export interface RpcServer {
  readonly url: string
  readonly wsUrl: string
  readonly port: number
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'access-control-allow-origin': '*',
  })
  res.end(text)
}

function tooLarge(limit: number) {
  return errorResponse(null, new InvalidRequestError(`request body exceeds ${limit} bytes`, limit))
}

/** Serves `handler` over HTTP and WebSocket. */
export async function startRpcServer(handler: RpcHandler, options: RpcServerOptions = {}): Promise<RpcServer> {
  const limit = options.maxBodyBytes ?? 1024 * 1024
  const host = options.host ?? '127.0.0.1'
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'content-type',
        'access-control-allow-methods': 'POST',
      })
      res.end()
      return
    }
    if (req.method !== 'POST') {
      send(res, 405, errorResponse(null, new InvalidRequestError('use POST', req.method)))
      return
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      send(res, 413, tooLarge(limit))
      req.resume()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let aborted = false
    req.on('data', (c: Buffer) => {
      if (aborted) return
      size += c.length
      if (size > limit) {
        aborted = true
        send(res, 413, tooLarge(limit))
        req.resume()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (aborted) return
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch (e) {
        send(res, 200, errorResponse(null, new ParseError(size, e)))
        return
      }
      handler.handle(body).then(
        (out) => send(res, 200, out),
        (e) => send(res, 200, errorResponse(null, e)),
      )
    })
    req.on('error', () => {
      aborted = true
    })
  })
  const wss = new WebSocketServer({ server, maxPayload: limit })
  wss.on('connection', (ws) => {
    const connection: RpcConnection = {
      subscriptions: new Set(),
      notify: (m) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m))
      },
    }
    ws.on('message', (raw) => {
      let body: unknown
      try {
        body = JSON.parse(raw.toString())
      } catch (e) {
        ws.send(JSON.stringify(errorResponse(null, new ParseError(raw.toString().length, e))))
        return
      }
      handler.handle(body, connection).then(
        (out) => {
          if (out !== undefined && ws.readyState === ws.OPEN) ws.send(JSON.stringify(out))
        },
        (e) => ws.send(JSON.stringify(errorResponse(null, e))),
      )
    })
    ws.on('close', () => handler.dropConnection(connection))
    ws.on('error', () => handler.dropConnection(connection))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}`,
    wsUrl: `ws://${shown}:${port}`,
    port,
    async close() {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
