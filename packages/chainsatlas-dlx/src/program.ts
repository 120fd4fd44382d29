// The assembled program image: two contiguous regions (.text and .data) in big-endian DLX memory order.

export interface Program {
  /** Address of the first .text byte. */
  readonly textBase: number
  readonly text: Uint8Array
  /** Address of the first .data byte. */
  readonly dataBase: number
  readonly data: Uint8Array
  /** Entry point: label `main`, else `_start`, else textBase. */
  readonly entry: number
  /** Label → absolute address. */
  readonly symbols: Readonly<Record<string, number>>
}

/** Reads the big-endian instruction word at byte offset `offset` of `bytes`. */
export function wordAt(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0
}

/** True if both images hold the same bytes at the same addresses and the same entry point. */
export function sameImage(a: Program, b: Program): boolean {
  const eq = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i])
  return (
    a.textBase === b.textBase &&
    a.dataBase === b.dataBase &&
    a.entry === b.entry &&
    eq(a.text, b.text) &&
    eq(a.data, b.data)
  )
}
