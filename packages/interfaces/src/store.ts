// An ordered byte key-value store: the port behind which LevelDB (or memory) sits.

/** One operation of an atomic {@link KeyValueStore.batch}. */
export type StoreOperation =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array }

/** Bounds for {@link KeyValueStore.iterate}; keys compare as unsigned bytes. */
export interface StoreRange {
  readonly gt?: Uint8Array
  readonly gte?: Uint8Array
  readonly lt?: Uint8Array
  readonly lte?: Uint8Array
  readonly reverse?: boolean
  readonly limit?: number
}

/** A persistent, ordered map from bytes to bytes. */
export interface KeyValueStore {
  get(key: Uint8Array): Promise<Uint8Array | undefined>
  put(key: Uint8Array, value: Uint8Array): Promise<void>
  del(key: Uint8Array): Promise<void>
  /** Applies all operations atomically: after a crash either all or none are visible. */
  batch(operations: readonly StoreOperation[]): Promise<void>
  /** Entries in key order within the range. */
  iterate(range?: StoreRange): AsyncIterable<readonly [key: Uint8Array, value: Uint8Array]>
  close(): Promise<void>
}
