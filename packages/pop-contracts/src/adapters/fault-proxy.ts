// A lossy UDP proxy for tests and benchmarks: one socket per party; a datagram sent to proxy
// port i is forwarded to party i's real port, after seeded loss, duplication, reordering and
// tampering. Also records what it forwards and can inject datagrams (forgeries, replays).
import { createSocket, type Socket } from 'node:dgram'
import { type Random, seededRandom } from '../ports.js'
import type { ChannelFaults, NetworkStats } from '../sim.js'

export interface FaultProxy {
  /** Proxy port of each party: put these in the deployment's endpoints. */
  readonly ports: readonly number[]
  readonly stats: NetworkStats
  /** Where party i really listens. Datagrams for i before this is set are dropped. */
  setTarget(i: number, port: number): void
  setFaults(faults: ChannelFaults): void
  /** Called with (party index, bytes) for every datagram the proxy receives for a party. */
  onDatagram(listener: (to: number, bytes: Uint8Array) => void): void
  /** Sends raw bytes to party i from its proxy socket, bypassing the faults. */
  inject(i: number, bytes: Uint8Array): Promise<void>
  close(): Promise<void>
}

export async function createFaultProxy(
  parties: number,
  options: { faults?: ChannelFaults; seed?: number; random?: Random } = {},
): Promise<FaultProxy> {
  const random = options.random ?? seededRandom(options.seed ?? 1)
  let faults: ChannelFaults = options.faults ?? {}
  const stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, tampered: 0 }
  const targets: (number | undefined)[] = new Array(parties).fill(undefined)
  const listeners: ((to: number, bytes: Uint8Array) => void)[] = []
  const timers = new Set<NodeJS.Timeout>()
  const sockets: Socket[] = []
  let closed = false
  const forward = (i: number, bytes: Uint8Array) => {
    const port = targets[i]
    if (port === undefined || closed) return
    stats.delivered++
    ;(sockets[i] as Socket).send(bytes, port, '127.0.0.1')
  }
  for (let i = 0; i < parties; i++) {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    socket.on('error', () => {})
    socket.on('message', (msg) => {
      const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength).slice()
      stats.sent++
      for (const l of listeners) l(i, bytes)
      if (random.float() < (faults.loss ?? 0)) {
        stats.lost++
        return
      }
      const copies = random.float() < (faults.duplicate ?? 0) ? 2 : 1
      if (copies === 2) stats.duplicated++
      for (let c = 0; c < copies; c++) {
        let out = bytes
        if (random.float() < (faults.tamper ?? 0)) {
          out = bytes.slice()
          const at = Math.floor(random.float() * out.length)
          out[at] = (out[at] as number) ^ (1 + Math.floor(random.float() * 255))
          stats.tampered++
        }
        if (random.float() < (faults.reorder ?? 0)) {
          stats.reordered++
          const t = setTimeout(
            () => {
              timers.delete(t)
              forward(i, out)
            },
            1 + random.float() * (faults.reorderMs ?? 20),
          )
          timers.add(t)
        } else {
          forward(i, out)
        }
      }
    })
    sockets.push(socket)
  }
  return {
    ports: sockets.map((s) => s.address().port),
    stats,
    setTarget(i, port) {
      targets[i] = port
    },
    setFaults(f) {
      faults = f
    },
    onDatagram(listener) {
      listeners.push(listener)
    },
    inject(i, bytes) {
      const port = targets[i]
      if (port === undefined) return Promise.reject(new Error(`party ${i} has no target yet`))
      return new Promise((resolve, reject) =>
        (sockets[i] as Socket).send(bytes, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      )
    },
    async close() {
      closed = true
      for (const t of timers) clearTimeout(t)
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    },
  }
}
