// The operator's HTTP API (what `plasma operator` serves and `plasma transfer` calls):
//   POST /transactions   body: signed transactions back to back (386 bytes each), ≤ 4 MiB
//                        → 200 [{"ok":true} | {"ok":false,"rule":..,"error":..}]
//   GET  /blocks/:blknum → 200 application/octet-stream (encoded block) | 404
//   GET  /utxos/:address → 200 [{"pos":"…","token":"0x…","amount":"…"}]
//   POST /publish        → 200 {"blknum":"…","transactions":n} (publishes the pending block)
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BlockSource } from '../block-codec.js'
import { MalformedDataError, PlasmaError } from '../errors.js'
import type { Operator } from '../operator.js'
import { SIGS_LENGTH, type SignedTransaction, TX_LENGTH } from '../transaction.js'
import type { Utxo } from '../wallet.js'

const MAX_BODY = 4 * 1024 * 1024
const ITEM = TX_LENGTH + SIGS_LENGTH

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new MalformedDataError('request', 'body', MAX_BODY, `at most ${MAX_BODY} bytes`, `more`)
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v))

export interface OperatorServer {
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

/** Serves an operator on 127.0.0.1 (port 0 = any free port). */
export async function serveOperator(
  operator: Operator,
  options: { port?: number; host?: string } = {},
): Promise<OperatorServer> {
  const server = createServer(async (req, res) => {
    const send = (status: number, payload: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type })
      res.end(payload instanceof Uint8Array ? payload : json(payload))
    }
    try {
      const url = new URL(req.url ?? '/', 'http://operator')
      const parts = url.pathname.split('/').filter(Boolean)
      if (req.method === 'POST' && parts[0] === 'transactions' && parts.length === 1) {
        const bytes = await body(req)
        if (bytes.length === 0 || bytes.length % ITEM !== 0) {
          return send(400, { error: `body must be a multiple of ${ITEM} bytes, got ${bytes.length}` })
        }
        const results = await operator.submitEncoded(bytes)
        return send(
          200,
          results.map((e) => (e ? { ok: false, rule: e.rule, error: e.message } : { ok: true })),
        )
      }
      if (req.method === 'GET' && parts[0] === 'blocks' && parts.length === 2 && /^\d+$/.test(parts[1] ?? '')) {
        const block = await operator.getBlock(BigInt(parts[1] as string))
        return block ? send(200, block, 'application/octet-stream') : send(404, { error: 'no such block' })
      }
      if (
        req.method === 'GET' &&
        parts[0] === 'utxos' &&
        parts.length === 2 &&
        /^0x[0-9a-fA-F]{40}$/.test(parts[1] ?? '')
      ) {
        return send(
          200,
          operator.chain
            .utxosOf((parts[1] as string).toLowerCase() as `0x${string}`)
            .map((u) => ({ pos: u.pos, ...u.output })),
        )
      }
      if (req.method === 'POST' && parts[0] === 'publish' && parts.length === 1) {
        await operator.syncDeposits()
        const r = await operator.publishBlock()
        return send(200, { blknum: r.blknum, transactions: r.transactions })
      }
      return send(404, { error: `no route ${req.method} ${url.pathname}` })
    } catch (err) {
      return send(err instanceof PlasmaError ? 400 : 500, { error: (err as Error).message, name: (err as Error).name })
    }
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    server,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  }
}

/** Watchers' view of a remote operator. */
export class HttpOperatorClient implements BlockSource {
  constructor(readonly url: string) {}

  async getBlock(blknum: bigint): Promise<Uint8Array | undefined> {
    const res = await fetch(`${this.url}/blocks/${blknum}`)
    if (res.status === 404) return undefined
    if (!res.ok) throw new PlasmaError(`operator answered ${res.status} for block ${blknum}`)
    return new Uint8Array(await res.arrayBuffer())
  }

  async submit(txs: readonly SignedTransaction[]): Promise<Array<{ ok: boolean; rule?: string; error?: string }>> {
    const buf = new Uint8Array(ITEM * txs.length)
    for (const [i, s] of txs.entries()) {
      buf.set(s.txBytes, i * ITEM)
      buf.set(s.sigs, i * ITEM + TX_LENGTH)
    }
    const res = await fetch(`${this.url}/transactions`, {
      method: 'POST',
      body: buf,
      headers: { 'content-type': 'application/octet-stream' },
    })
    const out = (await res.json()) as Array<{ ok: boolean; rule?: string; error?: string }> | { error: string }
    if (!Array.isArray(out)) throw new PlasmaError(`operator refused the request: ${out.error}`)
    return out
  }

  async utxos(owner: string): Promise<Utxo[]> {
    const res = await fetch(`${this.url}/utxos/${owner}`)
    const list = (await res.json()) as Array<{
      pos: string
      owner: `0x${string}`
      token: `0x${string}`
      amount: string
    }>
    return list.map((u) => ({
      pos: BigInt(u.pos),
      output: { owner: u.owner, token: u.token, amount: BigInt(u.amount) },
    }))
  }

  async publish(): Promise<{ blknum: bigint; transactions: number }> {
    const res = await fetch(`${this.url}/publish`, { method: 'POST' })
    const out = (await res.json()) as { blknum: string; transactions: number; error?: string }
    if (!res.ok) throw new PlasmaError(`publish failed: ${out.error}`)
    return { blknum: BigInt(out.blknum), transactions: out.transactions }
  }
}
