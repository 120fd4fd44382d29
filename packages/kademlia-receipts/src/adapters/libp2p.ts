// RequestTransport over a libp2p host (TCP + Noise + Yamux): one stream of
// KAD_RECEIPTS_PROTOCOL per request. The request stream carries two length-prefixed frames,
// the sender's listen multiaddr and the Kademlia message; the answer is one frame. The
// receiver accepts the claimed listen address only if its /p2p/ peer id is the peer Noise
// authenticated, so a contact's address cannot be forged by the sender.
import type { RequestTransport, Unsubscribe } from '@atmosphere/interfaces'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { ClosedError, InvalidParameterError, MalformedMessageError } from '../errors.js'

export const KAD_RECEIPTS_PROTOCOL = '/atmosphere/kad-receipts/1.0.0'
/** Largest frame accepted (a Kademlia message is a few KB at most). */
export const MAX_FRAME = 64 * 1024

export interface Libp2pTransportOptions {
  /** Listen multiaddrs (default one OS-assigned TCP port on 127.0.0.1). */
  readonly listen?: readonly string[]
  /** Per-stream timeout for serving a request. */
  readonly serveTimeoutMs?: number
}

export interface Libp2pKadTransport extends RequestTransport<string> {
  readonly node: Libp2p
  /** Requests dropped because the claimed address did not match the authenticated peer. */
  readonly spoofed: number
}

const utf8 = new TextEncoder()
const utf8d = new TextDecoder()

function peerOf(address: string): string {
  try {
    const id = multiaddr(address)
      .getComponents()
      .findLast((c) => c.name === 'p2p')?.value
    if (id === undefined) throw new Error('no /p2p/ component')
    return id
  } catch (cause) {
    throw new InvalidParameterError('address', address, `a multiaddr ending in /p2p/<peer id> (${String(cause)})`)
  }
}

/** Starts a libp2p host and serves the Kademlia protocol on it. */
export async function createLibp2pTransport(options: Libp2pTransportOptions = {}): Promise<Libp2pKadTransport> {
  const node = await createLibp2p({
    addresses: { listen: [...(options.listen ?? ['/ip4/127.0.0.1/tcp/0'])] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 256 },
  })
  const addrs = node.getMultiaddrs().map((a) => a.toString())
  const localAddress = addrs.find((a) => a.startsWith('/ip4/127.0.0.1/')) ?? addrs[0]
  if (localAddress === undefined)
    throw new InvalidParameterError('listen', options.listen, 'at least one listen address')
  let handler: ((from: string, message: Uint8Array) => Promise<Uint8Array>) | undefined
  let closed = false
  let spoofed = 0
  const serveTimeout = options.serveTimeoutMs ?? 10_000

  await node.handle(
    KAD_RECEIPTS_PROTOCOL,
    async (stream, connection) => {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      try {
        const signal = AbortSignal.timeout(serveTimeout)
        const from = utf8d.decode((await lp.read({ signal })).subarray())
        const message = (await lp.read({ signal })).subarray()
        let claimed: string | undefined
        try {
          claimed = peerOf(from)
        } catch {
          claimed = undefined
        }
        if (claimed !== connection.remotePeer.toString() || handler === undefined) {
          spoofed += claimed === connection.remotePeer.toString() ? 0 : 1
          stream.abort(new Error('address does not match the authenticated peer'))
          return
        }
        const answer = await handler(from, message)
        await lp.write(answer, { signal })
        await stream.close()
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)))
      }
    },
    { maxInboundStreams: 64 },
  )

  return {
    node,
    localAddress,
    get spoofed() {
      return spoofed
    },
    async request(to, message, opts) {
      if (closed) throw new ClosedError(`libp2p transport ${localAddress}`)
      peerOf(to)
      if (message.length > MAX_FRAME)
        throw new MalformedMessageError('message', 0, `at most ${MAX_FRAME} bytes`, message.length)
      const signal = opts?.signal ?? AbortSignal.timeout(10_000)
      const stream = await node.dialProtocol(multiaddr(to), KAD_RECEIPTS_PROTOCOL, { signal })
      try {
        const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
        await lp.write(utf8.encode(localAddress), { signal })
        await lp.write(message, { signal })
        const answer = await lp.read({ signal })
        await stream.close({ signal }).catch(() => undefined)
        return answer.subarray()
      } catch (e) {
        stream.abort(e instanceof Error ? e : new Error(String(e)))
        throw e
      }
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
      await node.stop()
    },
  }
}
