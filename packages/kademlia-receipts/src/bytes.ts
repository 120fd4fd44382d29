// Byte helpers and a bounds-checked reader/writer whose failures name the field and offset.
import { MalformedMessageError } from './errors.js'

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

export function fromHex(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new MalformedMessageError('hex string', 0, 'even-length hex', hex)
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const utf8 = new TextEncoder()
const utf8d = new TextDecoder('utf-8', { fatal: true })

/** Appends big-endian fields to a growing buffer. */
export class Writer {
  private buf = new Uint8Array(2048)
  private len = 0
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }
  u8(v: number): this {
    this.ensure(1)
    this.buf[this.len++] = v & 0xff
    return this
  }
  u16(v: number): this {
    this.ensure(2)
    this.buf[this.len++] = (v >>> 8) & 0xff
    this.buf[this.len++] = v & 0xff
    return this
  }
  u64(v: bigint): this {
    this.ensure(8)
    const hi = Number((v >> 32n) & 0xffffffffn)
    const lo = Number(v & 0xffffffffn)
    const b = this.buf
    let o = this.len
    b[o++] = hi >>> 24
    b[o++] = (hi >>> 16) & 0xff
    b[o++] = (hi >>> 8) & 0xff
    b[o++] = hi & 0xff
    b[o++] = lo >>> 24
    b[o++] = (lo >>> 16) & 0xff
    b[o++] = (lo >>> 8) & 0xff
    b[o++] = lo & 0xff
    this.len = o
    return this
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
    return this
  }
  /** u16 length prefix, then the bytes. */
  varBytes(b: Uint8Array): this {
    return this.u16(b.length).bytes(b)
  }
  /** u8 length prefix, then UTF-8. */
  shortString(s: string): this {
    const b = utf8.encode(s)
    if (b.length > 255) throw new MalformedMessageError('string', this.len, 'at most 255 UTF-8 bytes', b.length)
    return this.u8(b.length).bytes(b)
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

/** Reads big-endian fields; every read checks bounds and throws MalformedMessageError. */
export class Reader {
  offset = 0
  constructor(readonly buf: Uint8Array) {}
  private need(n: number, field: string): void {
    if (this.offset + n > this.buf.length)
      throw new MalformedMessageError(field, this.offset, `${n} more bytes`, `${this.buf.length - this.offset} left`)
  }
  u8(field: string): number {
    this.need(1, field)
    return this.buf[this.offset++] as number
  }
  u16(field: string): number {
    this.need(2, field)
    const v = ((this.buf[this.offset] as number) << 8) | (this.buf[this.offset + 1] as number)
    this.offset += 2
    return v
  }
  u64(field: string): bigint {
    this.need(8, field)
    const b = this.buf
    const o = this.offset
    const hi =
      (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>>
      0
    const lo =
      (((b[o + 4] as number) << 24) |
        ((b[o + 5] as number) << 16) |
        ((b[o + 6] as number) << 8) |
        (b[o + 7] as number)) >>>
      0
    this.offset += 8
    return (BigInt(hi) << 32n) | BigInt(lo)
  }
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field)
    const v = this.buf.slice(this.offset, this.offset + n)
    this.offset += n
    return v
  }
  varBytes(field: string, max = 0xffff): Uint8Array {
    const at = this.offset
    const n = this.u16(`${field} length`)
    if (n > max) throw new MalformedMessageError(`${field} length`, at, `at most ${max}`, n)
    return this.bytes(n, field)
  }
  shortString(field: string): string {
    const n = this.u8(`${field} length`)
    const at = this.offset
    const b = this.bytes(n, field)
    try {
      return utf8d.decode(b)
    } catch (cause) {
      throw new MalformedMessageError(field, at, 'valid UTF-8', cause)
    }
  }
  get remaining(): number {
    return this.buf.length - this.offset
  }
  end(what: string): void {
    if (this.offset !== this.buf.length)
      throw new MalformedMessageError(
        what,
        this.offset,
        'end of message',
        `${this.buf.length - this.offset} trailing bytes`,
      )
  }
}
