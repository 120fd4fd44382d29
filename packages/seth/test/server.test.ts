// The lean HTTP/1.1 path of the JSON-RPC server, over real sockets: pipelining, requests
// split across packets, Connection: close, and the hand-over to Node's http server for
// everything it does not handle (chunked bodies, Expect, GET, OPTIONS, oversized bodies).
// Each exchange is also run with the lean path off: the JSON bodies must be the same.
import { connect } from 'node:net'
import { memoryStore, randomSecretKey } from '@atmosphere/ledger'
import test from 'ava'
import { startRpcServer } from '../src/adapters/server.js'
import { createDevChain } from '../src/index.js'

interface Reply {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** Writes `chunks` (with a pause between them) on one connection and reads `count` responses. */
function exchange(
  port: number,
  chunks: readonly string[],
  count: number,
): Promise<{ replies: Reply[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    s.setNoDelay(true)
    let buf = Buffer.alloc(0)
    const replies: Reply[] = []
    let closed = false
    const timer = setTimeout(() => {
      s.destroy()
      reject(new Error(`timed out with ${replies.length} replies: ${buf.toString()}`))
    }, 30_000)
    const done = () => {
      clearTimeout(timer)
      resolve({ replies, closed })
    }
    const parse = () => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const lines = buf.toString('latin1', 0, end).split('\r\n')
        const headers: Record<string, string> = {}
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':')
          headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim()
        }
        const status = Number(lines[0]!.split(' ')[1])
        if (status === 100) {
          buf = buf.subarray(end + 4)
          continue
        }
        let body: string
        let used: number
        if (headers['content-length'] !== undefined) {
          const n = Number(headers['content-length'])
          if (buf.length < end + 4 + n) return
          body = buf.toString('utf8', end + 4, end + 4 + n)
          used = end + 4 + n
        } else if (headers['transfer-encoding'] === 'chunked') {
          const parts: Buffer[] = []
          let o = end + 4
          for (;;) {
            const nl = buf.indexOf('\r\n', o)
            if (nl < 0) return
            const size = Number.parseInt(buf.toString('latin1', o, nl), 16)
            if (buf.length < nl + 2 + size + 2) return
            o = nl + 2 + size + 2
            if (size === 0) break
            parts.push(buf.subarray(nl + 2, nl + 2 + size))
          }
          body = Buffer.concat(parts).toString()
          used = o
        } else {
          body = ''
          used = end + 4
        }
        buf = buf.subarray(used)
        replies.push({ status, headers, body })
        if (replies.length === count) {
          // Give a close a moment to arrive, then report.
          setTimeout(() => {
            s.destroy()
            done()
          }, 100)
        }
      }
    }
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      parse()
    })
    s.on('close', () => {
      closed = true
    })
    s.on('error', reject)
    s.on('connect', async () => {
      for (const c of chunks) {
        s.write(c)
        await new Promise((r) => setTimeout(r, 20))
      }
    })
  })
}

const call = (id: number, method: string, params: unknown[] = []) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params })
const post = (body: string, extra = '') =>
  `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`

test('lean HTTP path: pipelined, split and mixed requests are answered in order, as by Node http', async (t) => {
  t.timeout(120_000)
  const chain = await createDevChain({ store: memoryStore(), secretKey: randomSecretKey(), mining: { mode: 'manual' } })
  const lean = await startRpcServer(chain.rpc, { maxBodyBytes: 4096 })
  const plain = await startRpcServer(chain.rpc, { maxBodyBytes: 4096, fastPath: false })
  t.teardown(async () => {
    await lean.close()
    await plain.close()
    await chain.close()
  })
  const chunked = (body: string) =>
    `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
  const cases: { name: string; chunks: string[]; count: number; statuses: number[]; closes?: boolean }[] = [
    {
      name: 'three pipelined in one write',
      chunks: [post(call(1, 'eth_chainId')) + post(call(2, 'net_version')) + post(call(3, 'eth_blockNumber'))],
      count: 3,
      statuses: [200, 200, 200],
    },
    {
      name: 'split byte by byte across the head and body',
      chunks: [...post(call(4, 'web3_clientVersion'))].map((c) => c),
      count: 1,
      statuses: [200],
    },
    {
      name: 'a batch, a parse error, a notification',
      chunks: [
        post(JSON.stringify([JSON.parse(call(5, 'eth_chainId')), JSON.parse(call(6, 'eth_nope'))])) +
          post('{"jsonrpc":') +
          post(JSON.stringify({ jsonrpc: '2.0', method: 'eth_chainId', params: [] })),
      ],
      count: 3,
      statuses: [200, 200, 200],
    },
    {
      name: 'lean, then chunked (handed to Node), then lean again on the same connection',
      chunks: [post(call(7, 'eth_chainId')), chunked(call(8, 'net_version')), post(call(9, 'eth_chainId'))],
      count: 3,
      statuses: [200, 200, 200],
    },
    {
      name: 'Expect: 100-continue',
      chunks: [post(call(10, 'eth_chainId'), 'Expect: 100-continue\r\n')],
      count: 1,
      statuses: [200],
    },
    {
      name: 'GET and OPTIONS',
      chunks: ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n'],
      count: 2,
      statuses: [405, 204],
    },
    {
      name: 'a body over the limit after a good request',
      chunks: [post(call(11, 'eth_chainId')) + post(call(12, 'eth_chainId', ['x'.repeat(5000)]))],
      count: 2,
      statuses: [200, 413],
    },
    {
      name: 'a body near the limit in many small packets, then another request',
      chunks: (() => {
        const big = post(call(14, 'eth_chainId', ['y'.repeat(3900)])) + post(call(15, 'net_version'))
        const out: string[] = []
        for (let i = 0; i < big.length; i += 300) out.push(big.slice(i, i + 300))
        return out
      })(),
      count: 2,
      statuses: [200, 200],
    },
    {
      name: '300 pipelined requests in one write (beyond the read-ahead bound)',
      chunks: [Array.from({ length: 300 }, (_, i) => post(call(100 + i, 'eth_chainId'))).join('')],
      count: 300,
      statuses: Array.from({ length: 300 }, () => 200),
    },
    {
      name: 'Connection: close',
      chunks: [post(call(13, 'eth_chainId'), 'Connection: close\r\n')],
      count: 1,
      statuses: [200],
      closes: true,
    },
  ]
  for (const c of cases) {
    const a = await exchange(lean.port, c.chunks, c.count)
    const b = await exchange(plain.port, c.chunks, c.count)
    t.deepEqual(
      a.replies.map((r) => r.status),
      c.statuses,
      c.name,
    )
    t.deepEqual(
      a.replies.map((r) => r.status),
      b.replies.map((r) => r.status),
      c.name,
    )
    t.deepEqual(
      a.replies.map((r) => (r.body === '' ? '' : JSON.parse(r.body))),
      b.replies.map((r) => (r.body === '' ? '' : JSON.parse(r.body))),
      c.name,
    )
    for (const r of a.replies.filter((x) => x.status === 200)) {
      t.is(r.headers['content-type'], 'application/json', c.name)
      t.is(r.headers['access-control-allow-origin'], '*', c.name)
    }
    if (c.closes === true) {
      t.true(a.closed, `${c.name}: lean path closes`)
      t.true(b.closed, `${c.name}: Node closes`)
    }
  }
  // JSON results are the real ones.
  const first = await exchange(lean.port, [post(call(1, 'eth_chainId'))], 1)
  t.deepEqual(JSON.parse(first.replies[0]!.body), { jsonrpc: '2.0', id: 1, result: '0x7a69' })
})
