// TCP request/response transport (node:net), the benchmark baseline for PoP over UDP: one
// persistent connection per peer, frames [u32 request id][u32 length][bytes], responses
// matched by id. Implements @atmosphere/interfaces' RequestTransport.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { RequestTransport } from '@atmosphere/interfaces'
import { parseAddress } from './udp.js'

export interface TcpRequestTransport extends RequestTransport<string> {
  readonly port: number
}

function encodeFrame(id: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, id)
  view.setUint32(4, body.length)
  out.set(body, 8)
  return out
}

function reader(onFrame: (id: number, body: Uint8Array) => void): (chunk: Uint8Array) => void {
  let buf: Uint8Array = new Uint8Array(0)
  return (chunk) => {
    if (buf.length === 0) buf = chunk
    else {
      const next = new Uint8Array(buf.length + chunk.length)
      next.set(buf)
      next.set(chunk, buf.length)
      buf = next
    }
    let at = 0
    while (buf.length - at >= 8) {
      const view = new DataView(buf.buffer, buf.byteOffset + at)
      const id = view.getUint32(0)
      const len = view.getUint32(4)
      if (buf.length - at - 8 < len) break
      onFrame(id, buf.slice(at + 8, at + 8 + len))
      at += 8 + len
    }
    buf = at === buf.length ? new Uint8Array(0) : buf.slice(at)
  }
}

/** Listens on `port` (0: the OS picks) and connects lazily to peers. */
export async function createTcpRequestTransport(
  options: { host?: string; port?: number } = {},
): Promise<TcpRequestTransport> {
  const host = options.host ?? '127.0.0.1'
  let handler: ((from: string, m: Uint8Array) => Promise<Uint8Array>) | undefined
  const inbound = new Set<Socket>()
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true)
    inbound.add(socket)
    socket.on('close', () => inbound.delete(socket))
    socket.on('error', () => {})
    const from = `${socket.remoteAddress}:${socket.remotePort}`
    socket.on(
      'data',
      reader((id, body) => {
        const h = handler
        if (h === undefined) return
        h(from, body).then(
          (response) => socket.write(encodeFrame(id, response)),
          () => socket.destroy(),
        )
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const connections = new Map<
    string,
    { socket: Socket; pending: Map<number, (b: Uint8Array) => void>; ready: Promise<void> }
  >()
  let nextId = 1
  const connect = (to: string) => {
    let c = connections.get(to)
    if (c !== undefined) return c
    const { host: h, port: p } = parseAddress(to)
    const socket = createConnection({ host: h, port: p })
    socket.setNoDelay(true)
    const pending = new Map<number, (b: Uint8Array) => void>()
    const ready = new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    socket.on(
      'data',
      reader((id, body) => {
        pending.get(id)?.(body)
        pending.delete(id)
      }),
    )
    socket.on('close', () => connections.delete(to))
    c = { socket, pending, ready }
    connections.set(to, c)
    return c
  }
  return {
    localAddress: `${host}:${port}`,
    port,
    async request(to, message) {
      const c = connect(to)
      await c.ready
      const id = nextId++
      return new Promise<Uint8Array>((resolve) => {
        c.pending.set(id, resolve)
        c.socket.write(encodeFrame(id, message))
      })
    },
    handle(h) {
      handler = h
      return () => {
        if (handler === h) handler = undefined
      }
    },
    async close() {
      for (const c of connections.values()) c.socket.destroy()
      for (const s of inbound) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
