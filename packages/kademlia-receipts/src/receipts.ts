// The receipt roles of the seed's "Deep storage" section over a Kademlia node: the updater
// stores on the m closest nodes to hash(key), the verifier checks α·m nodes, the reader
// finds the latest valid version by lookup, anyone can present fork evidence.
import { equalBytes, toHex } from './bytes.js'
import { ForkDetectedError, KademliaError, ReceiptNotFoundError } from './errors.js'
import { keyLocation } from './id.js'
import { iterativeLookup } from './lookup.js'
import { type Contact, MessageType, StoreStatus } from './messages.js'
import type { KademliaNode } from './node.js'
import { decodeReceipt, type ForkEvidence, type Receipt, receiptSignatureValid, verifyForkEvidence } from './receipt.js'

/** Per-call overrides of the node's configuration. */
export interface ReceiptOptions {
  /** Replication m. */
  readonly m?: number
  /** Disjoint lookup paths d. */
  readonly paths?: number
}

export interface StoreReport {
  /** The m closest nodes the receipt was sent to. */
  readonly targets: Contact[]
  /** Those that answered STORED (or already held it). */
  readonly stored: Contact[]
  /** Fork evidence returned by a storer holding another receipt for the same version. */
  readonly fork: ForkEvidence | undefined
}

/** Updater: stores a signed receipt on the m nodes closest to hash(key). */
export async function storeReceipt(
  node: KademliaNode,
  receipt: Receipt,
  options: ReceiptOptions = {},
): Promise<StoreReport> {
  const res = await node.lookup(receipt.location, options.paths === undefined ? {} : { paths: options.paths })
  const targets = res.closest.slice(0, options.m ?? node.config.m)
  const stored: Contact[] = []
  let fork: ForkEvidence | undefined
  await Promise.all(
    targets.map(async (c) => {
      try {
        const out = await node.sendStore(c, receipt)
        if (out.status === StoreStatus.Stored || out.status === StoreStatus.Duplicate) stored.push(c)
        else if (out.status === StoreStatus.Fork && out.held !== undefined && fork === undefined) {
          try {
            fork = verifyForkEvidence(out.held.bytes, receipt.bytes)
          } catch {
            // a storer that lies about a fork proves nothing
          }
        }
      } catch {
        // an unreachable or refusing target simply does not count as stored
      }
    }),
  )
  return { targets, stored, fork }
}

export interface VerifyReport {
  /** The α·m closest nodes asked. */
  readonly checked: Contact[]
  /** Those holding this receipt (or a valid later version of the same chain). */
  readonly holders: Contact[]
  /** holders >= the configured quorum. */
  readonly ok: boolean
}

/** Verifier: immediately asks the α·m nodes closest to hash(key) whether they hold the receipt. */
export async function verifyStorage(
  node: KademliaNode,
  receipt: Receipt,
  options: ReceiptOptions = {},
): Promise<VerifyReport> {
  const m = options.m ?? node.config.m
  const n = node.config.alpha * m
  const res = await node.lookup(receipt.location, {
    k: Math.max(n, node.config.k),
    ...(options.paths === undefined ? {} : { paths: options.paths }),
  })
  const checked = res.closest.slice(0, n)
  const holders: Contact[] = []
  await Promise.all(
    checked.map(async (c) => {
      try {
        const { msg } = await node.request(
          c.address,
          { type: MessageType.FindReceipt, location: receipt.location, updater: receipt.updater },
          MessageType.ReceiptAnswer,
        )
        if (msg.body.type !== MessageType.ReceiptAnswer || msg.body.receipt.length === 0) return
        const got = decodeReceipt(msg.body.receipt)
        if (equalBytes(got.hash, receipt.hash)) holders.push(c)
        else if (
          got.version > receipt.version &&
          receiptSignatureValid(got) &&
          equalBytes(got.updater, receipt.updater)
        )
          holders.push(c)
      } catch {
        // no answer: not a holder
      }
    }),
  )
  const quorum = options.m === undefined ? node.config.verifyQuorum : Math.ceil(m / 2)
  return { checked, holders, ok: holders.length >= quorum }
}

export interface ReadResult {
  readonly receipt: Receipt
  /** Nodes that returned this exact receipt. */
  readonly sources: number
  /** Hops of the lookup. */
  readonly hops: number
}

/**
 * Reader: looks up hash(key), collecting receipts from every node on the way; returns the
 * highest valid version. Two valid receipts for that version, or fork evidence returned
 * by a node, raise ForkDetectedError; nothing valid raises ReceiptNotFoundError.
 */
export async function readLatest(
  node: KademliaNode,
  updater: Uint8Array,
  key: Uint8Array,
  options: Pick<ReceiptOptions, 'paths'> = {},
): Promise<ReadResult> {
  const location = keyLocation(key)
  const found = new Map<string, { r: Receipt; count: number }>()
  const rejected = new Set<string>()
  let evidence: ForkEvidence | undefined
  const consider = (bytes: Uint8Array): void => {
    if (bytes.length === 0) return
    let r: Receipt
    try {
      r = decodeReceipt(bytes)
    } catch {
      return // malformed receipts are ignored, not trusted
    }
    const h = toHex(r.hash)
    const e = found.get(h)
    if (e !== undefined) {
      e.count++
      return
    }
    if (rejected.has(h)) return
    // each distinct receipt is verified once; forged ones are ignored
    if (!equalBytes(r.updater, updater) || !equalBytes(r.key, key) || !receiptSignatureValid(r)) {
      rejected.add(h)
      return
    }
    found.set(h, { r, count: 1 })
  }
  const res = await iterativeLookup({
    target: location,
    k: node.config.k,
    alpha: node.config.alpha,
    paths: options.paths ?? node.config.disjointPaths,
    seeds: node.table.closest(location, node.config.k),
    selfIdHex: node.identity.idHex,
    query: async (c) => {
      const { msg } = await node.request(
        c.address,
        { type: MessageType.FindReceipt, location, updater },
        MessageType.ReceiptAnswer,
      )
      if (msg.body.type !== MessageType.ReceiptAnswer) return []
      consider(msg.body.receipt)
      if (msg.body.fork !== undefined && evidence === undefined) {
        try {
          const ev = verifyForkEvidence(msg.body.fork[0], msg.body.fork[1])
          if (equalBytes(ev.a.updater, updater) && equalBytes(ev.a.key, key)) evidence = ev
        } catch {
          // invalid evidence is ignored
        }
      }
      return msg.body.contacts
    },
  })
  const local = node.store.get(location, updater)
  if (local !== undefined) consider(local.bytes)
  if (evidence !== undefined)
    throw new ForkDetectedError(toHex(key), evidence.a.version, [evidence.a.bytes, evidence.b.bytes])
  let best: { r: Receipt; count: number } | undefined
  for (const e of found.values()) if (best === undefined || e.r.version > best.r.version) best = e
  if (best === undefined) throw new ReceiptNotFoundError(toHex(key))
  for (const e of found.values())
    if (e !== best && e.r.version === best.r.version)
      throw new ForkDetectedError(toHex(key), best.r.version, [best.r.bytes, e.r.bytes])
  return { receipt: best.r, sources: best.count, hops: res.hops }
}

/** Anyone: verifies fork evidence, keeps it, and sends it to the m closest nodes of the key. */
export async function publishForkEvidence(node: KademliaNode, a: Uint8Array, b: Uint8Array): Promise<Contact[]> {
  const ev = verifyForkEvidence(a, b)
  node.store.recordFork(ev.a.location, ev.a.updater, ev.a.bytes, ev.b.bytes, ev.a)
  node.forks.push(ev)
  const res = await node.lookup(ev.a.location)
  const acked: Contact[] = []
  await Promise.all(
    res.closest.slice(0, node.config.m).map(async (c) => {
      try {
        const { msg } = await node.request(c.address, { type: MessageType.Fork, a, b }, MessageType.ForkAck)
        if (msg.body.type === MessageType.ForkAck && msg.body.accepted) acked.push(c)
      } catch (e) {
        if (!(e instanceof KademliaError)) throw e
      }
    }),
  )
  return acked
}
