// The JSON-RPC transport: HTTP POST and WebSocket on one port, bound to 127.0.0.1 by
// default, with a request-size limit. Protocol logic stays in ../rpc.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net'
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
  /**
   * Answer plain `POST` requests (HTTP/1.1, Content-Length, no Expect/Upgrade/Transfer-Encoding)
   * on a lean path over the socket instead of Node's `http` server; true by default. Every
   * other request, and WebSocket upgrades, go to Node's `http` server (decision 0067).
   */
  readonly fastPath?: boolean
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
  // One listening socket: each connection starts on the lean path (or goes straight to
  // Node's server when the fast path is off) and is handed over at a request boundary.
  const fast = options.fastPath ?? true
  const open = new Set<Socket>()
  const front = createNetServer((socket) => {
    if (!fast) {
      server.emit('connection', socket)
      return
    }
    open.add(socket)
    socket.once('close', () => open.delete(socket))
    leanConnection(socket, handler, limit, server, () => open.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject)
    front.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (front.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}`,
    wsUrl: `ws://${shown}:${port}`,
    port,
    async close() {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      for (const s of open) s.destroy()
      server.closeAllConnections()
      await new Promise<void>((r) => front.close(() => r()))
    },
  }
}

const HEADER_END = Buffer.from('\r\n\r\n')
/** Longest request head the lean path reads before leaving the request to Node (which answers 431). */
const MAX_HEAD = 16 * 1024
const IDLE_MS = 5000

let dateSecond = 0
let dateText = ''
function httpDate(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(now).toUTCString()
  }
  return dateText
}

/** The request head of a plain POST the lean path answers, or undefined to leave it to Node. */
function leanHead(head: string): { length: number; close: boolean } | undefined {
  const lines = head.split('\r\n')
  const request = lines[0]!.split(' ')
  if (request.length !== 3 || request[0] !== 'POST' || request[2] !== 'HTTP/1.1') return undefined
  let length: number | undefined
  let close = false
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    const colon = line.indexOf(':')
    if (colon <= 0) return undefined
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'content-length') {
      if (length !== undefined || !/^\d{1,15}$/.test(value)) return undefined
      length = Number(value)
    } else if (name === 'transfer-encoding' || name === 'upgrade' || name === 'expect') return undefined
    else if (name === 'connection') {
      const v = value.toLowerCase()
      if (v === 'close') close = true
      else if (v !== 'keep-alive') return undefined
    }
  }
  return length === undefined ? undefined : { length, close }
}

/**
 * Serves one connection: plain JSON-RPC POSTs are parsed and answered here, one at a time and
 * in order, each response in one write; at the first request it does not handle, the socket
 * (with the unread bytes pushed back) goes to Node's `http` server for the rest of its life.
 */
function leanConnection(socket: Socket, handler: RpcHandler, limit: number, server: Server, left: () => void): void {
  socket.setNoDelay(true)
  let buf: Buffer = Buffer.alloc(0)
  let pending: Buffer[] = []
  let pendingSize = 0
  /** Bytes `buf` must hold before parsing is worth retrying. */
  let need = 0
  let busy = false
  let gone = false
  // Closes a connection idle between requests (Node's keepAliveTimeout is 5 s too).
  const idle = () => {
    if (busy) socket.setTimeout(IDLE_MS, idle)
    else socket.destroy()
  }
  socket.setTimeout(IDLE_MS, idle)
  const handOver = () => {
    gone = true
    socket.pause()
    socket.removeListener('data', onData)
    socket.removeListener('error', onError)
    socket.removeListener('timeout', idle)
    socket.setTimeout(0)
    left()
    const unread = Buffer.concat([buf, ...pending])
    buf = Buffer.alloc(0)
    pending = []
    if (unread.length > 0) socket.unshift(unread)
    server.emit('connection', socket)
    socket.resume()
  }
  const respond = (out: unknown, close: boolean) => {
    const text = out === undefined ? '' : JSON.stringify(out)
    socket.write(
      `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\naccess-control-allow-origin: *\r\ndate: ${httpDate()}\r\nconnection: ${close ? 'close' : 'keep-alive'}\r\n\r\n${text}`,
    )
    if (close) socket.end()
  }
  const next = (): void => {
    while (!busy && !gone) {
      const end = buf.indexOf(HEADER_END)
      if (end < 0) {
        if (buf.length > MAX_HEAD) handOver()
        return
      }
      const head = leanHead(buf.toString('latin1', 0, end))
      if (head === undefined || head.length > limit) {
        handOver()
        return
      }
      const start = end + 4
      if (buf.length < start + head.length) {
        need = start + head.length
        return
      }
      need = 0
      const raw = buf.toString('utf8', start, start + head.length)
      buf = buf.subarray(start + head.length)
      let body: unknown
      try {
        body = JSON.parse(raw)
      } catch (e) {
        respond(errorResponse(null, new ParseError(head.length, e)), head.close)
        if (head.close) gone = true
        continue
      }
      busy = true
      handler.handle(body).then(
        (out) => finish(out, head.close),
        (e) => finish(errorResponse(null, e), head.close),
      )
    }
  }
  const finish = (out: unknown, close: boolean) => {
    busy = false
    if (socket.destroyed) return
    respond(out, close)
    if (close) {
      gone = true
      return
    }
    if (socket.isPaused()) socket.resume()
    next()
  }
  const onData = (d: Buffer) => {
    pending.push(d)
    pendingSize += d.length
    // A body arriving in many chunks is joined once, when all of it is here.
    if (buf.length + pendingSize < need) return
    buf = buf.length === 0 && pending.length === 1 ? d : Buffer.concat(buf.length === 0 ? pending : [buf, ...pending])
    pending = []
    pendingSize = 0
    // Requests pipelined behind one in progress wait in the kernel beyond a bound.
    if (busy && buf.length > limit + MAX_HEAD) socket.pause()
    next()
  }
  const onError = () => socket.destroy()
  socket.on('data', onData)
  socket.on('error', onError)
}
