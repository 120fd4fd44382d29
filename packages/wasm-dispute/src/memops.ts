// Loads and stores over a DataView, shared by the interpreter and the one-step judge.
import type { Slots } from './numeric.js'

/** Load/store helpers shared with the judge: `view` is memory, `ea` the effective address. */
export function doLoad(o: number, S: Slots, k: number, view: DataView, ea: number): void {
  const i = 2 * k
  switch (o) {
    case 0x28:
    case 0x2a:
      S.i32[i] = view.getInt32(ea, true)
      S.i32[i + 1] = 0
      return
    case 0x29:
    case 0x2b:
      S.i32[i] = view.getInt32(ea, true)
      S.i32[i + 1] = view.getInt32(ea + 4, true)
      return
    case 0x2c:
      S.i32[i] = view.getInt8(ea)
      S.i32[i + 1] = 0
      return
    case 0x2d:
      S.i32[i] = view.getUint8(ea)
      S.i32[i + 1] = 0
      return
    case 0x2e:
      S.i32[i] = view.getInt16(ea, true)
      S.i32[i + 1] = 0
      return
    case 0x2f:
      S.i32[i] = view.getUint16(ea, true)
      S.i32[i + 1] = 0
      return
    case 0x30:
      S.i32[i] = view.getInt8(ea)
      S.i32[i + 1] = (S.i32[i] as number) >> 31
      return
    case 0x31:
      S.i32[i] = view.getUint8(ea)
      S.i32[i + 1] = 0
      return
    case 0x32:
      S.i32[i] = view.getInt16(ea, true)
      S.i32[i + 1] = (S.i32[i] as number) >> 31
      return
    case 0x33:
      S.i32[i] = view.getUint16(ea, true)
      S.i32[i + 1] = 0
      return
    case 0x34:
      S.i32[i] = view.getInt32(ea, true)
      S.i32[i + 1] = (S.i32[i] as number) >> 31
      return
    case 0x35:
      S.i32[i] = view.getInt32(ea, true)
      S.i32[i + 1] = 0
      return
  }
}

export function doStore(o: number, S: Slots, k: number, view: DataView, ea: number): void {
  const i = 2 * k
  const lo = S.i32[i] as number
  switch (o) {
    case 0x36:
    case 0x38:
    case 0x3e:
      view.setInt32(ea, lo, true)
      return
    case 0x37:
    case 0x39:
      view.setInt32(ea, lo, true)
      view.setInt32(ea + 4, S.i32[i + 1] as number, true)
      return
    case 0x3a:
    case 0x3c:
      view.setInt8(ea, lo)
      return
    case 0x3b:
    case 0x3d:
      view.setInt16(ea, lo, true)
      return
  }
}
