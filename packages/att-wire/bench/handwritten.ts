// Hand-written DataView codecs: the baseline a careful engineer would write without a layout
// language. They perform the same checks as the compiled fast path and return the same objects.

// Strings go through the same UTF-16LE helper the library uses, so only the structure code differs.
import { utf16leToString } from '../src/codec/items.js'
import { AttWireError } from '../src/errors.js'
import type { AttFrame } from '../src/layouts/att.js'
import type { Login } from '../src/layouts/login.js'

class HandError extends AttWireError {
  override readonly name = 'HandError'
}

export function handDecodeAttFrame(b: Uint8Array): AttFrame {
  const n = b.length
  if (n < 14) throw new HandError('truncated')
  const dv = new DataView(b.buffer, b.byteOffset, n)
  if (dv.getUint8(0) !== 3 || dv.getUint8(1) !== 0) throw new HandError('bad head')
  const length = dv.getUint16(2)
  if (dv.getUint8(4) !== 2 || dv.getUint8(5) !== 0xf0 || dv.getUint8(6) !== 0x80) throw new HandError('bad tptp head')
  const type = dv.getUint8(7)
  if (type !== 0x64 && type !== 0x68) throw new HandError('bad type')
  const initiator = dv.getUint16(8)
  if (initiator > 0xfc16) throw new HandError('bad initiator')
  const channelId = dv.getUint16(10)
  if (channelId < 0x3eb || channelId > 0x3ee) throw new HandError('bad channel')
  const flag = dv.getUint8(12)
  if (flag !== 0x70 && flag !== 0xf0) throw new HandError('bad flag')
  let len = dv.getUint8(13)
  let o = 14
  if (len & 0x80) {
    if (len & 0x40 || n < 15) throw new HandError('bad PER length')
    len = ((len & 0x3f) << 8) | dv.getUint8(14)
    if (len < 0x80) throw new HandError('non-minimal PER length')
    o = 15
  }
  if (n - o !== len) throw new HandError('length mismatch')
  if (length !== n) throw new HandError('frame length mismatch')
  return { length, type, initiator, channelId, flag, payload: b.subarray(o) } as AttFrame
}

// The same output strategy as the compiled encoders (a bump-allocated 64 KiB pool, as Node's
// Buffer.allocUnsafe does), so the comparison measures the code, not the allocator.
const POOL = 1 << 16
let pool = new Uint8Array(POOL)
let poolView = new DataView(pool.buffer)
let used = 0

export function handEncodeAttFrame(v: AttFrame): Uint8Array {
  const p = v.payload
  if (v.type !== 0x64 && v.type !== 0x68) throw new HandError('bad type')
  if (v.channelId < 0x3eb || v.channelId > 0x3ee) throw new HandError('bad channel')
  if (v.flag !== 0x70 && v.flag !== 0xf0) throw new HandError('bad flag')
  if (!Number.isInteger(v.initiator) || v.initiator < 0 || v.initiator > 0xfc16) throw new HandError('bad initiator')
  if (p.length > 0x3fff) throw new HandError('payload too large')
  const header = p.length < 0x80 ? 14 : 15
  const total = header + p.length
  if (v.length !== total) throw new HandError('length mismatch')
  if (used + total > POOL) {
    pool = new Uint8Array(POOL)
    poolView = new DataView(pool.buffer)
    used = 0
  }
  const s = used
  used = (used + total + 7) & ~7
  const dv = poolView
  dv.setUint16(s, 0x0300)
  dv.setUint16(s + 2, total)
  dv.setUint8(s + 4, 2)
  dv.setUint8(s + 5, 0xf0)
  dv.setUint8(s + 6, 0x80)
  dv.setUint8(s + 7, v.type)
  dv.setUint16(s + 8, v.initiator)
  dv.setUint16(s + 10, v.channelId)
  dv.setUint8(s + 12, v.flag)
  if (header === 14) dv.setUint8(s + 13, p.length)
  else dv.setUint16(s + 13, 0x8000 | p.length)
  pool.set(p, s + header)
  return pool.subarray(s, s + total)
}

export function handDecodeLogin(b: Uint8Array): Login {
  const n = b.length
  if (n < 18) throw new HandError('truncated')
  const dv = new DataView(b.buffer, b.byteOffset, n)
  const codePage = dv.getUint32(0, true)
  const flags = dv.getUint32(4, true)
  if (!(flags & 0x10)) throw new HandError('not unicode')
  const cb = [
    dv.getUint16(8, true),
    dv.getUint16(10, true),
    dv.getUint16(12, true),
    dv.getUint16(14, true),
    dv.getUint16(16, true),
  ]
  const strings: string[] = []
  let o = 18
  for (const c of cb) {
    if (c & 1 || o + c + 2 > n) throw new HandError('bad string length')
    if (dv.getUint16(o + c, true) !== 0) throw new HandError('missing terminator')
    const s = utf16leToString(b, o, c / 2)
    if (s.includes('\u0000')) throw new HandError('embedded NUL')
    strings.push(s)
    o += c + 2
  }
  return {
    codePage,
    flags,
    cbDomain: cb[0]!,
    cbUserName: cb[1]!,
    cbPassword: cb[2]!,
    cbAlternateShell: cb[3]!,
    cbWorkingDir: cb[4]!,
    strings: {
      domain: strings[0]!,
      userName: strings[1]!,
      password: strings[2]!,
      alternateShell: strings[3]!,
      workingDir: strings[4]!,
      extra: b.subarray(o),
    },
  }
}
