// RLP encoding in one pass over a pre-sized buffer. Byte for byte the output of
// @ethereumjs/rlp's `RLP.encode` for byte strings and lists (test/rlp.test.ts compares them on
// random input), which concatenates at every level of nesting; blocks hold hundreds of
// transactions, and this encoder is several times faster on them. Decoding stays on
// @ethereumjs/rlp.

/** An RLP item: a byte string or a list of items. */
export type RlpInput = Uint8Array | readonly RlpInput[]

function lengthOfLength(n: number): number {
  let bytes = 0
  while (n > 0) {
    bytes++
    n = Math.floor(n / 256)
  }
  return bytes
}

function headerSize(payload: number): number {
  return payload < 56 ? 1 : 1 + lengthOfLength(payload)
}

/** Encoded size of `x`; records the payload size of each list in pre-order. */
function measure(x: RlpInput, lists: number[]): number {
  if (x instanceof Uint8Array) {
    if (x.length === 1 && x[0]! < 0x80) return 1
    return headerSize(x.length) + x.length
  }
  if (!Array.isArray(x)) throw new TypeError(`RLP input must be bytes or a list, not ${typeof x}`)
  const at = lists.length
  lists.push(0)
  let payload = 0
  for (const item of x) payload += measure(item, lists)
  lists[at] = payload
  return headerSize(payload) + payload
}

function writeHeader(out: Uint8Array, pos: number, payload: number, short: number, long: number): number {
  if (payload < 56) {
    out[pos] = short + payload
    return pos + 1
  }
  const n = lengthOfLength(payload)
  out[pos] = long + n
  for (let i = n; i > 0; i--) {
    out[pos + i] = payload & 0xff
    payload = Math.floor(payload / 256)
  }
  return pos + 1 + n
}

interface Cursor {
  list: number
}

function write(x: RlpInput, out: Uint8Array, pos: number, lists: readonly number[], c: Cursor): number {
  if (x instanceof Uint8Array) {
    if (x.length === 1 && x[0]! < 0x80) {
      out[pos] = x[0]!
      return pos + 1
    }
    pos = writeHeader(out, pos, x.length, 0x80, 0xb7)
    out.set(x, pos)
    return pos + x.length
  }
  const payload = lists[c.list++]!
  pos = writeHeader(out, pos, payload, 0xc0, 0xf7)
  for (const item of x as readonly RlpInput[]) pos = write(item, out, pos, lists, c)
  return pos
}

/** RLP-encodes byte strings and (nested) lists of them. */
export function rlpEncode(input: RlpInput): Uint8Array {
  const lists: number[] = []
  const size = measure(input, lists)
  const out = new Uint8Array(size)
  write(input, out, 0, lists, { list: 0 })
  return out
}

const utf8 = new TextEncoder()

/** UTF-8 bytes of a string; a plain loop for ASCII (ids, namespaces), TextEncoder otherwise. */
export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) return utf8.encode(s)
    out[i] = c
  }
  return out
}
