// UDP request/response transport on node:dgram (docs/decisions/0091-udp-transport.md).
// Datagram: u8 kind (0 request, 1 response) | u32 request id | payload (one Kademlia message).
// Addresses are "host:port"; a response is accepted only from the address it was asked of.
import { createSocket, type Socket } from 'node:dgram'
import type { RequestTransport, Unsubscribe } from '@atmosphere/interfaces'
import { ClosedError, InvalidParameterError, MalformedMessageError } from '../errors.js'

const REQUEST = 0
const RESPONSE = 1
/** Largest datagram payload we send (well under the 65,507-byte UDP limit). */
export const MAX_DATAGRAM = 60_000

export interface UdpTransportOptions {
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string
  /** Port to bind; 0 lets the OS choose (default). */
  readonly port?: number
}

export interface UdpTransport extends RequestTransport<string> {
  /** Datagrams dropped because they were malformed or unsolicited. */
  readonly dropped: number
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':')
  const port = Number(address.slice(at + 1))
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new InvalidParameterError('address', address, '"host:port"')
  return [address.slice(0, at), port]
}

/** Binds a UDP socket and returns a request/response transport over it. */
export async function createUdpTransport(options: UdpTransportOptions = {}): Promise<UdpTransport> {
  const socket: Socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      socket.off('error', reject)
      resolve()
    })
  })
  const { address, port } = socket.address()
  const localAddress = `${address}:${port}`
  let nextId = 1
  let closed = false
  let dropped = 0
  let handler: ((from: string, message: Uint8Array) => Promise<Uint8Array>) | undefined
  const pending = new Map<number, { to: string; resolve: (b: Uint8Array) => void; reject: (e: unknown) => void }>()

  const frame = (kind: number, id: number, payload: Uint8Array): Uint8Array => {
    if (payload.length + 5 > MAX_DATAGRAM)
      throw new MalformedMessageError('datagram', 0, `at most ${MAX_DATAGRAM} bytes`, payload.length + 5)
    const out = new Uint8Array(payload.length + 5)
    out[0] = kind
    new DataView(out.buffer).setUint32(1, id)
    out.set(payload, 5)
    return out
  }

  const send = (to: string, bytes: Uint8Array): Promise<void> => {
    const [host, p] = splitAddress(to)
    return new Promise((resolve, reject) => socket.send(bytes, p, host, (err) => (err ? reject(err) : resolve())))
  }

  socket.on('error', () => {
    // ICMP errors (e.g. port unreachable) surface here; the request timeout handles them
  })

  socket.on('message', (buf, rinfo) => {
    if (buf.length < 5) {
      dropped++
      return
    }
    const from = `${rinfo.address}:${rinfo.port}`
    const kind = buf[0]
    const id = buf.readUInt32BE(1)
    const payload = new Uint8Array(buf.buffer, buf.byteOffset + 5, buf.length - 5).slice()
    if (kind === RESPONSE) {
      const p = pending.get(id)
      if (p === undefined || p.to !== from) {
        dropped++
        return
      }
      pending.delete(id)
      p.resolve(payload)
      return
    }
    if (kind !== REQUEST || handler === undefined) {
      dropped++
      return
    }
    handler(from, payload).then(
      (answer) => {
        if (!closed) send(from, frame(RESPONSE, id, answer)).catch(() => undefined)
      },
      () => undefined,
    )
  })

  return {
    localAddress,
    get dropped() {
      return dropped
    },
    request(to, message, opts) {
      if (closed) return Promise.reject(new ClosedError(`udp transport ${localAddress}`))
      const id = nextId
      nextId = nextId === 0xffffffff ? 1 : nextId + 1
      return new Promise<Uint8Array>((resolve, reject) => {
        const signal = opts?.signal
        if (signal?.aborted) {
          reject(signal.reason)
          return
        }
        pending.set(id, { to, resolve, reject })
        signal?.addEventListener(
          'abort',
          () => {
            if (pending.delete(id)) reject(signal.reason)
          },
          { once: true },
        )
        let bytes: Uint8Array
        try {
          bytes = frame(REQUEST, id, message)
          splitAddress(to)
        } catch (e) {
          pending.delete(id)
          reject(e)
          return
        }
        send(to, bytes).catch((e) => {
          if (pending.delete(id)) reject(e)
        })
      })
    },
    handle(h): Unsubscribe {
      handler = h
      return () => {
        if (handler === h) handler = undefined
      }
    },
    async close() {
      if (closed) return
      closed = true
      for (const [, p] of pending) p.reject(new ClosedError(`udp transport ${localAddress}`))
      pending.clear()
      await new Promise<void>((resolve) => socket.close(() => resolve()))
    },
  }
}
