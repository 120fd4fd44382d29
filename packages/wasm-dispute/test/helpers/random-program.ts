// Random valid MVP programs from a seed: loops, branches, calls (direct and through the table),
// memory traffic (sometimes out of bounds), globals, i64 and f64 arithmetic, possible traps.
import { buildModule, sleb } from '../../src/builder.js'

const I32 = 0x7f
const I64 = 0x7e
const F64 = 0x7c

export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface RandomProgram {
  bytes: Uint8Array
  arg: number
}

export function randomProgram(seed: number): RandomProgram {
  const r = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T
  const int = (n: number) => Math.floor(r() * n)
  // main(p0) locals: 1..3 i32, 4 i64, 5 f64, 6..7 loop counters
  const i32Locals = [0, 1, 2, 3]
  let budget = 60
  const i32e = (d: number): number[] => {
    budget--
    if (d <= 0 || budget <= 0) return pick([() => [0x41, ...sleb(int(200) - 50)], () => [0x20, pick(i32Locals)]])()
    const k = int(16)
    switch (k) {
      case 0:
        return [0x41, ...sleb(((int(1 << 30) - (1 << 29)) * (r() < 0.5 ? 1 : 7)) | 0)]
      case 1:
        return [0x20, pick(i32Locals)]
      case 2:
        return [0x23, 0]
      case 3:
        return [...i32e(d - 1), 0x41, ...sleb(0xfff0), 0x71, 0x28, 2, ...sleb(int(16))]
      case 4:
      case 5:
      case 6:
        return [
          ...i32e(d - 1),
          ...i32e(d - 1),
          pick([0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77, 0x46, 0x48, 0x49, 0x6e, 0x70]),
        ]
      case 7:
        return [...i32e(d - 1), 0x45]
      case 8:
        return [...i32e(d - 1), 0x10, 1]
      case 9:
        return [...i32e(d - 1), 0x41, 0, 0x11, 1, 0]
      case 10:
        return [...i64e(d - 1), 0xa7]
      case 11:
        return [...f64e(d - 1), 0xaa]
      case 12:
        return [...i32e(d - 1), ...i32e(d - 1), ...i32e(d - 1), 0x1b]
      case 13:
        return [0x3f, 0]
      case 14:
        return [...i32e(d - 1), 0x28, 0, 0] // unmasked load: may trap out of bounds
      default:
        return [...i32e(d - 1), ...i32e(d - 1), 0x6d] // div_s: may trap
    }
  }
  const i64e = (d: number): number[] => {
    budget--
    if (d <= 0 || budget <= 0) return [0x20, 4]
    switch (int(5)) {
      case 0:
        return [0x42, ...sleb(BigInt(int(1 << 30)) * 4294967311n)]
      case 1:
        return [...i32e(d - 1), 0xad]
      case 2:
        return [...i64e(d - 1), ...i64e(d - 1), pick([0x7c, 0x7e, 0x85, 0x86, 0x88])]
      case 3:
        return [...i32e(d - 1), 0x41, ...sleb(0xfff0), 0x71, 0x29, 3, 0]
      default:
        return [0x20, 4]
    }
  }
  const f64e = (d: number): number[] => {
    budget--
    if (d <= 0 || budget <= 0) return [0x20, 5]
    switch (int(4)) {
      case 0: {
        const b = new Uint8Array(new Float64Array([(r() - 0.5) * 1e6]).buffer)
        return [0x44, ...b]
      }
      case 1:
        return [...i32e(d - 1), 0xb7]
      case 2:
        return [...f64e(d - 1), ...f64e(d - 1), pick([0xa0, 0xa2, 0xa3])]
      default:
        return [...f64e(d - 1), 0x9f]
    }
  }
  const stmts = (d: number, n: number, loopDepth: number): number[] => {
    const out: number[] = []
    for (let i = 0; i < n && budget > 0; i++) {
      const k = int(loopDepth < 2 && d > 0 ? 11 : 8)
      switch (k) {
        case 0:
        case 1:
          out.push(...i32e(2), 0x21, pick([1, 2, 3]))
          break
        case 2:
          out.push(...i32e(1), 0x41, ...sleb(0xfff0), 0x71, ...i32e(2), 0x36, 2, ...sleb(int(12)))
          break
        case 3:
          out.push(...i32e(1), ...i32e(1), 0x3a, 0, ...sleb(int(100)))
          break
        case 4:
          out.push(...i32e(2), 0x24, 0)
          break
        case 5:
          out.push(...i64e(2), 0x21, 4)
          break
        case 6:
          out.push(...f64e(2), 0x21, 5)
          break
        case 7:
          out.push(0x41, int(2), 0x40, 0, 0x1a)
          break
        case 8:
        case 9: {
          const c = 6 + loopDepth
          out.push(0x41, ...sleb(1 + int(6)), 0x21, c, 0x02, 0x40, 0x03, 0x40, 0x20, c, 0x45, 0x0d, 1)
          out.push(...stmts(d - 1, 1 + int(3), loopDepth + 1))
          out.push(0x20, c, 0x41, 1, 0x6b, 0x21, c, 0x0c, 0, 0x0b, 0x0b)
          break
        }
        default:
          out.push(...i32e(1), 0x04, 0x40, ...stmts(d - 1, 1 + int(2), loopDepth))
          if (r() < 0.5) out.push(0x05, ...stmts(d - 1, 1 + int(2), loopDepth))
          out.push(0x0b)
      }
    }
    return out
  }
  const body = [...stmts(3, 3 + int(6), 0), ...i32e(2)]
  const bytes = buildModule({
    memory: { min: 1, max: 2 },
    globals: [{ type: I32, mutable: true, init: 7 }],
    table: [1],
    data: [{ offset: 16, bytes: [1, 2, 3, 4, 5, 6, 7, 8] }],
    funcs: [
      { export: 'main', params: [I32], results: [I32], locals: [I32, I32, I32, I64, F64, I32, I32], body },
      {
        params: [I32],
        results: [I32],
        body: [0x20, 0, 0x41, 3, 0x6c, 0x41, 1, 0x6a, 0x23, 0, 0x73],
      },
    ],
  })
  return { bytes, arg: int(1000) - 100 }
}
