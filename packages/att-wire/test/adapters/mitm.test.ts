// A man in the middle on real loopback TCP: a proxy between B and A tampers with, replays or
// reorders B's sealed records; A refuses each with its typed error.
import { createServer, connect as tcpConnect } from 'node:net'
import { ed25519 } from '@noble/curves/ed25519.js'
import test from 'ava'
import { createTcpNetwork } from '../../src/adapters/tcp.js'
import { systemClock } from '../../src/clock.js'
import type { Endpoint } from '../../src/connection/identity.js'
import { createMemoryContract } from '../../src/connection/memory.js'
import { createAttNode } from '../../src/connection/node.js'
import type { NetworkPort } from '../../src/connection/ports.js'
import { ReorderedRecordError, ReplayedRecordError, TamperedRecordError } from '../../src/errors.js'
import { createFramer } from '../../src/framer.js'

type Rewrite = (frames: Uint8Array[]) => Uint8Array[]

/** B's frames in order: 0 version, 1 security choice, 2 Hello, 3 sealed SUCCESS, 4 sealed setEncodings. */
async function proxy(target: Endpoint, rewrite: Rewrite) {
  const sockets = new Set<import('node:net').Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    const upstream = tcpConnect(target.port, target.host)
    sockets.add(upstream)
    const framer = createFramer()
    const seen: Uint8Array[] = []
    let sent = 0
    client.on('data', (chunk) => {
      seen.push(...framer.push(chunk).frames)
      // Hold frames 3 and 4 until both arrived, so reordering is possible.
      const ready = seen.length >= 5 ? rewrite(seen) : seen.slice(0, Math.min(seen.length, 3))
      for (; sent < ready.length; sent++) upstream.write(ready[sent]!)
    })
    upstream.on('data', (d) => client.write(d))
    for (const s of [client, upstream]) s.on('error', () => {})
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address() as { port: number }
  return {
    endpoint: { host: '127.0.0.1', port: address.port },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

async function attempt(rewrite: Rewrite): Promise<unknown> {
  const real = createTcpNetwork()
  const closers: (() => Promise<void>)[] = []
  const network: NetworkPort = {
    async listen() {
      const listener = await real.listen()
      const p = await proxy(listener.endpoint, rewrite)
      closers.push(p.close)
      return { ...listener, endpoint: p.endpoint, onConnection: listener.onConnection, close: listener.close }
    },
    dial: real.dial,
  }
  const contract = createMemoryContract()
  const components = { contract, network, clock: systemClock }
  const a = createAttNode({ secretKey: ed25519.utils.randomSecretKey(), timeoutMs: 20_000 })(components)
  const b = createAttNode({ secretKey: ed25519.utils.randomSecretKey(), timeoutMs: 20_000 })(components)
  b.onError(() => {})
  try {
    await a.connect(b.address, 'mitm')
    return undefined
  } catch (e) {
    return e
  } finally {
    await a.stop()
    await b.stop()
    await Promise.all(closers.map((c) => c()))
  }
}

test('untouched traffic through the proxy connects (control)', async (t) => {
  t.timeout(60_000)
  t.is(await attempt((f) => f), undefined)
})

test('a flipped byte in a sealed record is refused as tampered', async (t) => {
  t.timeout(60_000)
  const e = await attempt((f) => {
    const bad = f[3]!.slice()
    bad[bad.length - 1]! ^= 0x01
    return [f[0]!, f[1]!, f[2]!, bad, f[4]!]
  })
  t.true(e instanceof TamperedRecordError, String(e))
})

test('a replayed sealed record is refused', async (t) => {
  t.timeout(60_000)
  const e = await attempt((f) => [f[0]!, f[1]!, f[2]!, f[3]!, f[3]!, f[4]!])
  t.true(e instanceof ReplayedRecordError, String(e))
})

test('reordered sealed records are refused', async (t) => {
  t.timeout(60_000)
  const e = await attempt((f) => [f[0]!, f[1]!, f[2]!, f[4]!, f[3]!])
  t.true(e instanceof ReorderedRecordError, String(e))
})
