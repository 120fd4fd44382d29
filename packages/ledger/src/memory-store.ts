// An in-memory KeyValueStore (sorted by unsigned byte order), for tests and the simulator.
import type { KeyValueStore, StoreOperation, StoreRange } from '@atmosphere/interfaces'
import { bytesToHex, hexToBytes } from './encoding.js'

/** A KeyValueStore held in a Map; `batch` is atomic because it is synchronous. */
export function memoryStore(): KeyValueStore {
  const map = new Map<string, Uint8Array>()
  const apply = (op: StoreOperation) => {
    if (op.type === 'put') map.set(bytesToHex(op.key), op.value.slice())
    else map.delete(bytesToHex(op.key))
  }
  return {
    async get(key) {
      return map.get(bytesToHex(key))
    },
    async put(key, value) {
      apply({ type: 'put', key, value })
    },
    async del(key) {
      apply({ type: 'del', key })
    },
    async batch(ops) {
      for (const op of ops) apply(op)
    },
    async *iterate(range: StoreRange = {}) {
      // Hex of bytes sorts like the bytes themselves.
      let keys = [...map.keys()].sort()
      const gt = range.gt && bytesToHex(range.gt)
      const gte = range.gte && bytesToHex(range.gte)
      const lt = range.lt && bytesToHex(range.lt)
      const lte = range.lte && bytesToHex(range.lte)
      keys = keys.filter(
        (k) =>
          (gt === undefined || k > gt) &&
          (gte === undefined || k >= gte) &&
          (lt === undefined || k < lt) &&
          (lte === undefined || k <= lte),
      )
      if (range.reverse === true) keys.reverse()
      if (range.limit !== undefined && range.limit >= 0) keys = keys.slice(0, range.limit)
      for (const k of keys) {
        const v = map.get(k)
        if (v !== undefined) yield [hexToBytes(k), v] as const
      }
    },
    async close() {},
  }
}
