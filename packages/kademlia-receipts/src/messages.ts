// Wire format of the Kademlia RPCs (PING, FIND_NODE, STORE, FIND_RECEIPT, FORK) and their
// responses. Byte tables: docs/kademlia-receipts.md §Messages. Every message names its
// sender (public key + puzzle nonce) and, on authenticated networks, is signed by it
// (S/Kademlia §4.2 "strong" signatures); responses echo the request nonce.
import { ed25519 } from '@noble/curves/ed25519.js'
import { Reader, toHex, Writer } from './bytes.js'
import { BadSignatureError, MalformedMessageError } from './errors.js'
import { ID_BYTES } from './id.js'
import type { NodeIdentity } from './identity.js'
import { checkIdentity, type IdentityCache, type PuzzleParams } from './puzzle.js'

export const PROTOCOL_VERSION = 1
const SIGN_DOMAIN = new TextEncoder().encode('atmo-kad-msg-v1')
/** Largest receipt accepted inside a message. */
export const MAX_RECEIPT_BYTES = 2048
/** Most contacts in one NODES/RECEIPT answer. */
export const MAX_CONTACTS = 64

export const MessageType = {
  Ping: 0x01,
  FindNode: 0x02,
  Store: 0x03,
  FindReceipt: 0x04,
  Fork: 0x05,
  Pong: 0x81,
  Nodes: 0x82,
  Stored: 0x83,
  ReceiptAnswer: 0x84,
  ForkAck: 0x85,
  Error: 0xff,
} as const

/** A peer as other nodes learn it: key, puzzle nonce, address; id = H(publicKey). */
export interface Contact {
  readonly publicKey: Uint8Array
  readonly x: bigint
  readonly address: string
  readonly id: Uint8Array
  readonly idHex: string
}

/** Outcome codes of a STORE. */
export const StoreStatus = { Stored: 0, Duplicate: 1, HeldNewer: 2, Fork: 3, Rejected: 4 } as const
export type StoreStatusCode = (typeof StoreStatus)[keyof typeof StoreStatus]

export type Body =
  | { type: typeof MessageType.Ping }
  | { type: typeof MessageType.Pong }
  | { type: typeof MessageType.FindNode; target: Uint8Array }
  | { type: typeof MessageType.Nodes; contacts: Contact[] }
  | { type: typeof MessageType.Store; receipt: Uint8Array }
  | { type: typeof MessageType.Stored; status: StoreStatusCode; held: Uint8Array }
  | { type: typeof MessageType.FindReceipt; location: Uint8Array; updater: Uint8Array }
  | {
      type: typeof MessageType.ReceiptAnswer
      receipt: Uint8Array
      fork: readonly [Uint8Array, Uint8Array] | undefined
      contacts: Contact[]
    }
  | { type: typeof MessageType.Fork; a: Uint8Array; b: Uint8Array }
  | { type: typeof MessageType.ForkAck; accepted: boolean }
  | { type: typeof MessageType.Error; code: number; message: string }

export interface Message {
  readonly nonce: bigint
  /** Sender as claimed in the message; `address` is filled in by the receiver. */
  readonly sender: { readonly publicKey: Uint8Array; readonly x: bigint }
  readonly body: Body
}

function writeContact(w: Writer, c: Contact): void {
  w.bytes(c.publicKey).u64(c.x).shortString(c.address)
}

function readContact(r: Reader, params: PuzzleParams, field: string, cache: IdentityCache | undefined): Contact {
  const publicKey = r.bytes(32, `${field}.publicKey`)
  const x = r.u64(`${field}.x`)
  const address = r.shortString(`${field}.address`)
  const id = checkIdentity(publicKey, x, params, undefined, cache)
  return { publicKey, x, address, id, idHex: toHex(id) }
}

function writeContacts(w: Writer, cs: readonly Contact[]): void {
  if (cs.length > MAX_CONTACTS) throw new MalformedMessageError('contacts', 0, `at most ${MAX_CONTACTS}`, cs.length)
  w.u8(cs.length)
  for (const c of cs) writeContact(w, c)
}

function readContacts(r: Reader, params: PuzzleParams, cache: IdentityCache | undefined): Contact[] {
  const at = r.offset
  const n = r.u8('contacts count')
  if (n > MAX_CONTACTS) throw new MalformedMessageError('contacts count', at, `at most ${MAX_CONTACTS}`, n)
  const out: Contact[] = []
  for (let i = 0; i < n; i++) out.push(readContact(r, params, `contacts[${i}]`, cache))
  return out
}

/** Encodes a message from `self`; signs it when the identity can sign. */
export function encodeMessage(self: NodeIdentity, nonce: bigint, body: Body): Uint8Array {
  const w = new Writer()
  const signed = self.sign !== undefined
  w.u8(PROTOCOL_VERSION)
    .u8(body.type)
    .u8(signed ? 1 : 0)
    .u64(nonce)
    .bytes(self.publicKey)
    .u64(self.x)
  switch (body.type) {
    case MessageType.Ping:
    case MessageType.Pong:
      break
    case MessageType.FindNode:
      w.bytes(body.target)
      break
    case MessageType.Nodes:
      writeContacts(w, body.contacts)
      break
    case MessageType.Store:
      w.varBytes(body.receipt)
      break
    case MessageType.Stored:
      w.u8(body.status).varBytes(body.held)
      break
    case MessageType.FindReceipt:
      w.bytes(body.location).bytes(body.updater)
      break
    case MessageType.ReceiptAnswer:
      w.varBytes(body.receipt)
      if (body.fork === undefined) w.u8(0)
      else w.u8(1).varBytes(body.fork[0]).varBytes(body.fork[1])
      writeContacts(w, body.contacts)
      break
    case MessageType.Fork:
      w.varBytes(body.a).varBytes(body.b)
      break
    case MessageType.ForkAck:
      w.u8(body.accepted ? 1 : 0)
      break
    case MessageType.Error:
      w.u8(body.code).shortString(body.message.slice(0, 200))
      break
  }
  if (!signed) return w.finish()
  const unsigned = w.finish()
  const sig = (self.sign as (m: Uint8Array) => Uint8Array)(signingBytes(unsigned))
  return new Writer().bytes(unsigned).bytes(sig).finish()
}

function signingBytes(unsigned: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGN_DOMAIN.length + unsigned.length)
  out.set(SIGN_DOMAIN)
  out.set(unsigned, SIGN_DOMAIN.length)
  return out
}

export interface DecodeOptions {
  readonly puzzle: PuzzleParams
  /** Require (and check) a sender signature. */
  readonly authenticate: boolean
  /** Memo of identities already checked (see IdentityCache). */
  readonly cache?: IdentityCache
}

export interface DecodedMessage extends Message {
  readonly senderId: Uint8Array
  readonly senderIdHex: string
}

/**
 * Decodes and checks a message: structure, sender puzzles, every listed contact's puzzles,
 * and the signature when `authenticate` is set. Throws MalformedMessageError,
 * BadPuzzleError or BadSignatureError; never returns half-parsed data.
 */
export function decodeMessage(bytes: Uint8Array, opts: DecodeOptions): DecodedMessage {
  const r = new Reader(bytes)
  const version = r.u8('version')
  if (version !== PROTOCOL_VERSION) throw new MalformedMessageError('version', 0, `${PROTOCOL_VERSION}`, version)
  const type = r.u8('type')
  const flags = r.u8('flags')
  if (flags > 1) throw new MalformedMessageError('flags', 2, '0 or 1', flags)
  const signed = flags === 1
  if (opts.authenticate && !signed) throw new MalformedMessageError('flags', 2, 'a signed message', flags)
  const nonce = r.u64('nonce')
  const publicKey = r.bytes(32, 'sender.publicKey')
  const x = r.u64('sender.x')
  const senderId = checkIdentity(publicKey, x, opts.puzzle, undefined, opts.cache)
  let end = bytes.length
  if (signed) {
    if (bytes.length < r.offset + 64)
      throw new MalformedMessageError('signature', r.offset, '64 bytes', bytes.length - r.offset)
    end = bytes.length - 64
  }
  const br = new Reader(bytes.subarray(0, end))
  br.offset = r.offset
  const body = readBody(br, type, opts.puzzle, opts.cache)
  br.end('message body')
  if (signed) {
    const sig = bytes.subarray(end)
    let ok = false
    try {
      ok = ed25519.verify(sig, signingBytes(bytes.subarray(0, end)), publicKey)
    } catch {
      ok = false
    }
    if (!ok) throw new BadSignatureError('message', toHex(publicKey))
  }
  return { nonce, sender: { publicKey, x }, body, senderId, senderIdHex: toHex(senderId) }
}

function readBody(r: Reader, type: number, params: PuzzleParams, cache: IdentityCache | undefined): Body {
  switch (type) {
    case MessageType.Ping:
      return { type }
    case MessageType.Pong:
      return { type }
    case MessageType.FindNode:
      return { type, target: r.bytes(ID_BYTES, 'target') }
    case MessageType.Nodes:
      return { type, contacts: readContacts(r, params, cache) }
    case MessageType.Store:
      return { type, receipt: r.varBytes('receipt', MAX_RECEIPT_BYTES) }
    case MessageType.Stored: {
      const at = r.offset
      const status = r.u8('status')
      if (status > 4) throw new MalformedMessageError('status', at, '0..4', status)
      return { type, status: status as StoreStatusCode, held: r.varBytes('held', MAX_RECEIPT_BYTES) }
    }
    case MessageType.FindReceipt:
      return { type, location: r.bytes(ID_BYTES, 'location'), updater: r.bytes(32, 'updater') }
    case MessageType.ReceiptAnswer: {
      const receipt = r.varBytes('receipt', MAX_RECEIPT_BYTES)
      const at = r.offset
      const hasFork = r.u8('fork flag')
      if (hasFork > 1) throw new MalformedMessageError('fork flag', at, '0 or 1', hasFork)
      const fork =
        hasFork === 1
          ? ([r.varBytes('fork.a', MAX_RECEIPT_BYTES), r.varBytes('fork.b', MAX_RECEIPT_BYTES)] as const)
          : undefined
      return { type, receipt, fork, contacts: readContacts(r, params, cache) }
    }
    case MessageType.Fork:
      return { type, a: r.varBytes('a', MAX_RECEIPT_BYTES), b: r.varBytes('b', MAX_RECEIPT_BYTES) }
    case MessageType.ForkAck: {
      const at = r.offset
      const v = r.u8('accepted')
      if (v > 1) throw new MalformedMessageError('accepted', at, '0 or 1', v)
      return { type, accepted: v === 1 }
    }
    case MessageType.Error:
      return { type, code: r.u8('code'), message: r.shortString('message') }
    default:
      throw new MalformedMessageError('type', 1, 'a known message type', `0x${type.toString(16)}`)
  }
}
