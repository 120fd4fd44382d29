// A benchmark client process: runs several sequential JSON-RPC senders (one keep-alive
// HTTP/1.1 connection each) when told "go" on stdin, then prints the transaction hashes and
// its own CPU time as JSON.
//
// Each sender writes a plain HTTP/1.1 POST on a TCP socket and reads the response
// (Content-Length or chunked). Node's `http` client cost ~0.5 ms of CPU per request here, as
// much as the node under test, and its processes share the same two cores with the nodes:
// this client needs a fraction of that, so the figure measures the node. Both nodes get the
// same client.
import { connect, type Socket } from 'node:net'
import { type ClientConnection, runClientProcess } from './client-run.js'

const CRLF2 = Buffer.from('\r\n\r\n')

/** One keep-alive HTTP/1.1 connection that sends a request and waits for its response. */
class Connection implements ClientConnection {
  private buf: Buffer = Buffer.alloc(0)
  private waiting: { resolve: (body: string) => void; reject: (e: Error) => void } | undefined

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d])
      this.parse()
    })
    socket.on('error', (e) => this.waiting?.reject(e))
    socket.on('close', () => this.waiting?.reject(new Error('connection closed')))
  }

  static open(url: URL): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const s = connect(Number(url.port), url.hostname, () => resolve(new Connection(s, url.host)))
      s.once('error', reject)
    })
  }

  post(body: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.socket.write(
        `POST / HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    })
  }

  private parse(): void {
    const end = this.buf.indexOf(CRLF2)
    if (end < 0 || this.waiting === undefined) return
    const head = this.buf.toString('latin1', 0, end)
    const status = Number(head.slice(9, 12))
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
    let body: string
    let used: number
    if (length !== null) {
      const n = Number(length[1])
      if (this.buf.length < end + 4 + n) return
      body = this.buf.toString('utf8', end + 4, end + 4 + n)
      used = end + 4 + n
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts: Buffer[] = []
      let o = end + 4
      for (;;) {
        const nl = this.buf.indexOf('\r\n', o)
        if (nl < 0) return
        const size = Number.parseInt(this.buf.toString('latin1', o, nl), 16)
        if (this.buf.length < nl + 2 + size + 2) return
        if (size === 0) {
          o = nl + 4
          break
        }
        parts.push(this.buf.subarray(nl + 2, nl + 2 + size))
        o = nl + 2 + size + 2
      }
      body = Buffer.concat(parts).toString('utf8')
      used = o
    } else {
      this.waiting.reject(new Error(`response without a length: ${head}`))
      return
    }
    this.buf = this.buf.subarray(used)
    const w = this.waiting
    this.waiting = undefined
    if (status !== 200) w.reject(new Error(`HTTP ${status}: ${body}`))
    else w.resolve(body)
  }

  close(): void {
    this.socket.destroy()
  }
}

await runClientProcess((url) => Connection.open(url))
