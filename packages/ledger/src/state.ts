// Layered state: committed state read through an overlay of staged writes, per-transaction
// views limited to declared inputs/outputs, and the state root chained over each block's writes.
import type { StateAddress, StateView } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import { StateAccessError } from './errors.js'
import { rlpEncode, utf8Bytes } from './rlp.js'

/** Read access to some version of state. */
export interface StateReader {
  get(address: StateAddress): Promise<Uint8Array | undefined>
}

/** Staged writes over a base; `null` marks a deletion. */
export class Overlay implements StateReader {
  readonly writes = new Map<StateAddress, Uint8Array | null>()
  constructor(readonly base: StateReader) {}

  async get(address: StateAddress): Promise<Uint8Array | undefined> {
    const w = this.writes.get(address)
    if (w !== undefined) return w === null ? undefined : w
    return this.base.get(address)
  }

  set(address: StateAddress, value: Uint8Array): void {
    this.writes.set(address, value)
  }

  delete(address: StateAddress): void {
    this.writes.set(address, null)
  }

  /** Moves every staged write into `target`. */
  mergeInto(target: Overlay): void {
    for (const [k, v] of this.writes) target.writes.set(k, v)
  }
}

function allowed(address: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (address.startsWith(p)) return true
  return false
}

/** A transaction's view: reads limited to its inputs, writes to its outputs (Sawtooth's rule). */
export function transactionView(overlay: Overlay, inputs: readonly string[], outputs: readonly string[]): StateView {
  return {
    async get(address) {
      if (!allowed(address, inputs)) throw new StateAccessError(address, 'read')
      return overlay.get(address)
    },
    async set(address, value) {
      if (!allowed(address, outputs)) throw new StateAccessError(address, 'write')
      overlay.set(address, value)
    },
    async delete(address) {
      if (!allowed(address, outputs)) throw new StateAccessError(address, 'write')
      overlay.delete(address)
    },
  }
}

const DOMAIN = new TextEncoder().encode('atmosphere/ledger/state-root/v1')

/**
 * The state root of a block: SHA-256 over a domain tag, the parent's root and the block's
 * writes sorted by address (deletions as an empty value with a flag). A commitment to the
 * whole history of state, not a Merkle tree: see docs/decisions/0061.
 */
export function chainedStateRoot(parentRoot: Uint8Array, writes: ReadonlyMap<string, Uint8Array | null>): Uint8Array {
  const keys = [...writes.keys()].sort()
  const entries = keys.map((k) => {
    const v = writes.get(k)
    return [
      utf8Bytes(k),
      v === null || v === undefined ? new Uint8Array(0) : v,
      v === null ? Uint8Array.of(1) : new Uint8Array(0),
    ]
  })
  const h = sha256.create()
  h.update(DOMAIN)
  h.update(parentRoot)
  h.update(rlpEncode(entries))
  return h.digest()
}
