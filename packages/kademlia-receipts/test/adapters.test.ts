// The real-network adapters in one process: request/response over real sockets, junk and
// unsolicited datagrams dropped, aborts, and libp2p's check that a claimed address belongs to
// the authenticated peer.
import { createSocket } from 'node:dgram'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import test from 'ava'
import { createLibp2pTransport, KAD_RECEIPTS_PROTOCOL } from '../src/adapters/libp2p.js'
import { createUdpTransport } from '../src/adapters/udp.js'
import { ClosedError, InvalidParameterError } from '../src/errors.js'

test('UDP: request/response, junk and unsolicited datagrams dropped, abort and close reject', async (t) => {
  const a = await createUdpTransport()
  const b = await createUdpTransport()
  try {
    b.handle(async (from, m) => {
      t.is(from, a.localAddress)
      return Uint8Array.from([...m].reverse())
    })
    const answer = await a.request(b.localAddress, new Uint8Array([1, 2, 3]))
    t.deepEqual([...answer], [3, 2, 1])
    // a stranger sends a 2-byte datagram and an unsolicited "response"
    const s = createSocket('udp4')
    const [host, port] = [b.localAddress.split(':')[0] as string, Number(b.localAddress.split(':')[1])]
    await new Promise<void>((r) => s.send(new Uint8Array([0, 1]), port, host, () => r()))
    await new Promise<void>((r) => s.send(new Uint8Array([1, 0, 0, 0, 9, 7]), port, host, () => r()))
    s.close()
    for (let i = 0; i < 100 && b.dropped < 2; i++) await new Promise((r) => setTimeout(r, 20))
    t.is(b.dropped, 2)
    // nobody answers on a closed port: the caller's abort ends the wait
    const silent = await createUdpTransport()
    const addr = silent.localAddress
    await silent.close()
    const ctl = new AbortController()
    const p = a.request(addr, new Uint8Array([1]), { signal: ctl.signal })
    ctl.abort(new Error('gave up'))
    await t.throwsAsync(p, { message: 'gave up' })
    await t.throwsAsync(a.request('not-an-address', new Uint8Array([1])), { instanceOf: InvalidParameterError })
  } finally {
    await a.close()
    await b.close()
  }
  await t.throwsAsync(a.request(b.localAddress, new Uint8Array([1])), { instanceOf: ClosedError })
})

test('libp2p: request/response, and a claimed address of another peer is refused', async (t) => {
  t.timeout(60_000)
  const a = await createLibp2pTransport()
  const b = await createLibp2pTransport()
  const c = await createLibp2pTransport()
  try {
    const seen: string[] = []
    b.handle(async (from, m) => {
      seen.push(from)
      return Uint8Array.from([...m, 42])
    })
    const answer = await a.request(b.localAddress, new Uint8Array([7]))
    t.deepEqual([...answer], [7, 42])
    t.deepEqual(seen, [a.localAddress])
    // c dials b but claims a's address: b must not hand the message to its core
    const stream = await c.node.dialProtocol(multiaddr(b.localAddress), KAD_RECEIPTS_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(new TextEncoder().encode(a.localAddress))
    await lp.write(new Uint8Array([9]))
    await t.throwsAsync(lp.read({ signal: AbortSignal.timeout(10_000) }))
    t.deepEqual(seen, [a.localAddress])
    t.is(b.spoofed, 1)
    await t.throwsAsync(a.request('/ip4/127.0.0.1/tcp/1', new Uint8Array([1])), { instanceOf: InvalidParameterError })
  } finally {
    await Promise.all([a.close(), b.close(), c.close()])
  }
})
