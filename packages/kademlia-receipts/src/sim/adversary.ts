// Adversarial endpoints for the simulator. They hold valid puzzle identities (they paid for
// them) and collude: each knows every adversary and answers lookups with the adversaries
// closest to the target (an eclipse attempt), swallows stored receipts, or serves stale ones.
import { toHex } from '../bytes.js'
import type { NodeIdentity } from '../identity.js'
import { type Body, type Contact, decodeMessage, encodeMessage, MessageType, StoreStatus } from '../messages.js'
import type { PuzzleParams } from '../puzzle.js'
import { decodeReceipt } from '../receipt.js'
import type { Handler } from './network.js'

export type AdversaryBehaviour = 'drop' | 'misroute' | 'stale'

export interface AdversaryContext {
  readonly behaviour: AdversaryBehaviour
  readonly puzzle: PuzzleParams
  readonly authenticate: boolean
  readonly k: number
  /** The colluding adversaries closest to a target. */
  readonly closestAdversaries: (target: Uint8Array, n: number) => Contact[]
}

/** A request handler that misbehaves as `ctx.behaviour` says. */
export function adversaryHandler(identity: NodeIdentity, ctx: AdversaryContext): Handler {
  // 'stale' adversaries keep the first receipt they saw for each resource and serve only it
  const firstSeen = new Map<string, Uint8Array>()
  return async (_from, bytes) => {
    if (ctx.behaviour === 'drop') return new Promise<Uint8Array>(() => undefined)
    const msg = decodeMessage(bytes, { puzzle: ctx.puzzle, authenticate: ctx.authenticate })
    const b = msg.body
    let out: Body
    switch (b.type) {
      case MessageType.Ping:
        out = { type: MessageType.Pong }
        break
      case MessageType.FindNode:
        out = { type: MessageType.Nodes, contacts: ctx.closestAdversaries(b.target, ctx.k) }
        break
      case MessageType.Store: {
        const r = decodeReceipt(b.receipt)
        const key = `${toHex(r.location)}:${toHex(r.updater)}`
        if (!firstSeen.has(key)) firstSeen.set(key, r.bytes)
        // claims to store, keeps nothing useful
        out = { type: MessageType.Stored, status: StoreStatus.Stored, held: new Uint8Array(0) }
        break
      }
      case MessageType.FindReceipt: {
        const stale = ctx.behaviour === 'stale' ? firstSeen.get(`${toHex(b.location)}:${toHex(b.updater)}`) : undefined
        out = {
          type: MessageType.ReceiptAnswer,
          receipt: stale ?? new Uint8Array(0),
          fork: undefined,
          contacts: ctx.closestAdversaries(b.location, ctx.k),
        }
        break
      }
      case MessageType.Fork:
        out = { type: MessageType.ForkAck, accepted: false }
        break
      default:
        out = { type: MessageType.Error, code: 5, message: 'unexpected' }
    }
    return encodeMessage(identity, msg.nonce, out)
  }
}
