// Catch-up over a RequestTransport: a request/response codec so a node can serve its
// canonical blocks to peers and fetch missed blocks from them.
import type { Block, RequestTransport } from '@atmosphere/interfaces'
import { RLP } from '@ethereumjs/rlp'
import { bigintToBytes, bytesToBigint, decodeBlock, encodeBlock } from './encoding.js'
import { CatchUpError, DecodeError } from './errors.js'
import type { CatchUpPort, Ledger } from './ledger.js'

const utf8 = new TextEncoder()
const utf8d = new TextDecoder()
const HEAD = utf8.encode('head')
const BLOCKS = utf8.encode('blocks')
const MAX_PAGE = 256

/** Serves catch-up requests from this ledger; wire it with `transport.handle(catchUpHandler(ledger))`. */
export function catchUpHandler(ledger: Ledger): (from: string, message: Uint8Array) => Promise<Uint8Array> {
  return async (_from, message) => {
    let req: Uint8Array[]
    try {
      req = RLP.decode(message) as Uint8Array[]
    } catch (cause) {
      throw new DecodeError('CatchUpRequest', '(rlp)', 'well-formed RLP', message, { cause })
    }
    const kind = req[0] instanceof Uint8Array ? utf8d.decode(req[0]) : ''
    if (kind === 'head') {
      const h = ledger.head
      return RLP.encode([utf8.encode(h.id), bigintToBytes(h.header.height)])
    }
    if (kind === 'blocks' && req[1] instanceof Uint8Array && req[2] instanceof Uint8Array) {
      const limit = Math.min(Number(bytesToBigint(req[2])), MAX_PAGE)
      const blocks = await ledger.getBlocks(bytesToBigint(req[1]), limit)
      return RLP.encode(blocks.map(encodeBlock))
    }
    throw new DecodeError('CatchUpRequest', 'kind', '"head" or "blocks"', kind)
  }
}

/** A {@link CatchUpPort} that asks `peer` over `transport`. */
export function requestCatchUpPort(transport: RequestTransport, peer: string): CatchUpPort {
  return {
    async head() {
      const res = RLP.decode(await transport.request(peer, RLP.encode([HEAD]))) as Uint8Array[]
      if (!(res[0] instanceof Uint8Array) || !(res[1] instanceof Uint8Array))
        throw new CatchUpError('malformed head response', res)
      return { id: utf8d.decode(res[0]), height: bytesToBigint(res[1]) }
    },
    async blocks(fromHeight, limit) {
      const res = RLP.decode(
        await transport.request(peer, RLP.encode([BLOCKS, bigintToBytes(fromHeight), bigintToBytes(BigInt(limit))])),
      )
      if (!Array.isArray(res)) throw new CatchUpError('malformed blocks response', res)
      return res.map((b): Block => {
        if (!(b instanceof Uint8Array)) throw new CatchUpError('malformed block in response', b)
        return decodeBlock(b)
      })
    },
  }
}
