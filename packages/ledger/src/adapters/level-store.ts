// The KeyValueStore port on LevelDB (classic-level) in a data directory. Writes of a batch
// are atomic; with `sync` (the default) each batch is fsynced before it resolves.
import type { KeyValueStore, StoreRange } from '@atmosphere/interfaces'
import { ClassicLevel } from 'classic-level'

/** Options of {@link levelStore}. */
export interface LevelStoreOptions {
  /** fsync each write before resolving (survives power loss, not only process death). Default true. */
  readonly sync?: boolean
}

/** Opens (creating if needed) a LevelDB database at `location`. */
export async function levelStore(location: string, options: LevelStoreOptions = {}): Promise<KeyValueStore> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  const sync = options.sync ?? true
  return {
    async get(key) {
      const v = await db.get(key)
      return v ?? undefined
    },
    put: (key, value) => db.put(key, value, { sync }),
    del: (key) => db.del(key, { sync }),
    batch: (ops) =>
      db.batch(
        ops.map((o) =>
          o.type === 'put'
            ? { type: 'put' as const, key: o.key, value: o.value }
            : { type: 'del' as const, key: o.key },
        ),
        { sync },
      ),
    async *iterate(range: StoreRange = {}) {
      const opts: Record<string, unknown> = {}
      for (const k of ['gt', 'gte', 'lt', 'lte', 'reverse', 'limit'] as const)
        if (range[k] !== undefined) opts[k] = range[k]
      for await (const [k, v] of db.iterator(opts)) yield [k, v] as const
    },
    close: () => db.close(),
  }
}
