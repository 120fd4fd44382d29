// Real TCP for the connection core (node:net): listeners on OS-assigned ports, dialled sockets as
// byte streams.

import { createServer, type Socket, connect as tcpConnect } from 'node:net'
import type { Endpoint } from '../connection/identity.js'
import type { ByteStream, Listener, NetworkPort } from '../connection/ports.js'

function socketStream(socket: Socket): ByteStream {
  socket.setNoDelay(true)
  return {
    write(bytes) {
      if (!socket.destroyed) socket.write(bytes)
    },
    onData(handler) {
      socket.on('data', (chunk: Buffer) => handler(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)))
    },
    onClose(handler) {
      let error: Error | undefined
      socket.on('error', (e) => {
        error = e
      })
      socket.on('close', () => handler(error))
    },
    close() {
      socket.end()
      socket.destroy()
    },
  }
}

export interface TcpNetworkOptions {
  /** Interface to listen on and to announce (default 127.0.0.1). */
  readonly host?: string
}

export function createTcpNetwork(options: TcpNetworkOptions = {}): NetworkPort {
  const host = options.host ?? '127.0.0.1'
  return {
    listen() {
      return new Promise<Listener>((resolve, reject) => {
        const handlers: ((s: ByteStream) => void)[] = []
        const sockets = new Set<Socket>()
        const server = createServer((socket) => {
          sockets.add(socket)
          socket.on('close', () => sockets.delete(socket))
          const stream = socketStream(socket)
          for (const h of handlers) h(stream)
        })
        server.once('error', reject)
        server.listen(0, host, () => {
          const address = server.address()
          if (address === null || typeof address === 'string') {
            reject(new Error('TCP listener has no port'))
            return
          }
          resolve({
            endpoint: { host, port: address.port },
            onConnection(h) {
              handlers.push(h)
            },
            close() {
              for (const s of sockets) s.destroy()
              return new Promise<void>((done) => server.close(() => done()))
            },
          })
        })
      })
    },
    dial(endpoint: Endpoint) {
      return new Promise<ByteStream>((resolve, reject) => {
        const socket = tcpConnect({ host: endpoint.host, port: endpoint.port })
        socket.once('error', reject)
        socket.once('connect', () => {
          socket.off('error', reject)
          resolve(socketStream(socket))
        })
      })
    },
  }
}
