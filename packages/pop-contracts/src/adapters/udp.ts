// UDP transport (node:dgram) for the PoP engine: one datagram per Transport.send, addresses
// written "host:port". Units are split into two datagrams by the engine, not here.
import { createSocket, type Socket } from 'node:dgram'
import type { Transport } from '@atmosphere/interfaces'
import { DeploymentInvalidError } from '../errors.js'

/** A bound UDP transport. */
export interface UdpTransport extends Transport<string> {
  readonly port: number
  readonly socket: Socket
}

/** Splits "host:port" (IPv4 or a name). */
export function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':')
  const port = Number(address.slice(at + 1))
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new DeploymentInvalidError('address must be host:port', address)
  return { host: address.slice(0, at), port }
}

/** Binds a UDP socket (port 0: the OS picks) and wraps it as a Transport. */
export async function createUdpTransport(options: { host?: string; port?: number } = {}): Promise<UdpTransport> {
  const host = options.host ?? '127.0.0.1'
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject)
      resolve()
    })
  })
  const handlers = new Set<(from: string, m: Uint8Array) => void>()
  socket.on('message', (msg, rinfo) => {
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength)
    for (const h of handlers) h(`${rinfo.address}:${rinfo.port}`, bytes)
  })
  // A send to a closed port surfaces as an asynchronous ICMP error on some systems; UDP is lossy by contract.
  socket.on('error', () => {})
  const port = socket.address().port
  let closed = false
  return {
    localAddress: `${host}:${port}`,
    port,
    socket,
    send(to, message) {
      const { host: h, port: p } = parseAddress(to)
      return new Promise<void>((resolve, reject) => {
        if (closed) return reject(new Error('transport closed'))
        socket.send(message, p, h, (error) => (error ? reject(error) : resolve()))
      })
    },
    onMessage(handler) {
      handlers.add(handler)
      return () => void handlers.delete(handler)
    },
    close() {
      if (closed) return Promise.resolve()
      closed = true
      return new Promise<void>((resolve) => socket.close(() => resolve()))
    },
  }
}
