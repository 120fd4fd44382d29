// In-memory contract and network, for tests and the simulator: same semantics as the real ports,
// no sockets.

import type { ByteStream, ContractPort, ContractRecord, Listener, NetworkPort } from './ports.js'

export interface MemoryContract extends ContractPort {
  readonly records: readonly ContractRecord[]
}

export function createMemoryContract(): MemoryContract {
  const records: ContractRecord[] = []
  const handlers = new Set<(r: ContractRecord) => void>()
  return {
    records,
    async submit(record) {
      records.push(record)
      for (const h of [...handlers]) queueMicrotask(() => h(record))
    },
    subscribe(handler) {
      handlers.add(handler)
      for (const r of [...records]) queueMicrotask(() => handler(r))
      return () => {
        handlers.delete(handler)
      }
    },
  }
}

/** Two connected in-memory streams. */
export function createStreamPair(): [ByteStream, ByteStream] {
  const make = () => {
    const state = {
      data: [] as ((b: Uint8Array) => void)[],
      close: [] as ((e?: Error) => void)[],
      closed: false,
      pending: [] as Uint8Array[],
    }
    return state
  }
  const a = make()
  const b = make()
  const stream = (self: ReturnType<typeof make>, peer: ReturnType<typeof make>): ByteStream => ({
    write(bytes) {
      if (self.closed) return
      const copy = bytes.slice()
      queueMicrotask(() => {
        if (peer.data.length === 0) peer.pending.push(copy)
        else for (const h of peer.data) h(copy)
      })
    },
    onData(h) {
      self.data.push(h)
      for (const p of self.pending.splice(0)) h(p)
    },
    onClose(h) {
      self.close.push(h)
    },
    close() {
      if (self.closed) return
      self.closed = true
      peer.closed = true
      queueMicrotask(() => {
        for (const h of [...self.close, ...peer.close]) h()
      })
    },
  })
  return [stream(a, b), stream(b, a)]
}

export function createMemoryNetwork(): NetworkPort {
  const listeners = new Map<number, (s: ByteStream) => void>()
  let nextPort = 40000
  return {
    async listen(): Promise<Listener> {
      const port = nextPort++
      const handlers: ((s: ByteStream) => void)[] = []
      listeners.set(port, (s) => {
        for (const h of handlers) h(s)
      })
      return {
        endpoint: { host: 'memory', port },
        onConnection(h) {
          handlers.push(h)
        },
        async close() {
          listeners.delete(port)
        },
      }
    },
    async dial(endpoint) {
      const accept = listeners.get(endpoint.port)
      if (endpoint.host !== 'memory' || !accept) throw new Error(`nothing listens at ${endpoint.host}:${endpoint.port}`)
      const [client, server] = createStreamPair()
      queueMicrotask(() => accept(server))
      return client
    },
  }
}
