// Deterministic semantics of the MVP numeric instructions (0x45..0xbf) over a raw 8-byte-slot
// stack. Shared by the stepping interpreter and the one-step judge, so both compute the same
// bits. Determinism rule: every floating-point result that is NaN is written as the canonical
// positive quiet NaN (f32 0x7fc00000, f64 0x7ff8000000000000); neg/abs/copysign and
// reinterpretations act on bits and keep payloads (Core Spec 1.0 §4.3.3).

/** Status codes of the machine (also the trap kinds). */
export const Status = {
  Running: 0,
  Returned: 1,
  Unreachable: 2,
  DivByZero: 3,
  IntOverflow: 4,
  InvalidConversion: 5,
  OutOfBounds: 6,
  UndefinedElement: 7,
  UninitializedElement: 8,
  IndirectCallTypeMismatch: 9,
  Exhausted: 10,
  OutOfGas: 11,
  HostTrap: 12,
} as const
export type StatusCode = (typeof Status)[keyof typeof Status]

export const STATUS_TEXT: Record<number, string> = {
  0: 'running',
  1: 'returned',
  2: 'unreachable',
  3: 'integer divide by zero',
  4: 'integer overflow',
  5: 'invalid conversion to integer',
  6: 'out of bounds memory access',
  7: 'undefined element',
  8: 'uninitialized element',
  9: 'indirect call type mismatch',
  10: 'call stack exhausted',
  11: 'out of gas',
  12: 'host trap',
}

/** Typed views over one buffer of 8-byte slots. Slot k: i32 at [2k], f64/i64 at [k]. */
export interface Slots {
  readonly buf: ArrayBuffer
  readonly i32: Int32Array
  readonly u32: Uint32Array
  readonly f32: Float32Array
  readonly f64: Float64Array
  readonly i64: BigInt64Array
  readonly u64: BigUint64Array
  readonly u8: Uint8Array
}

export function makeSlots(count: number): Slots {
  const buf = new ArrayBuffer(count * 8)
  return {
    buf,
    i32: new Int32Array(buf),
    u32: new Uint32Array(buf),
    f32: new Float32Array(buf),
    f64: new Float64Array(buf),
    i64: new BigInt64Array(buf),
    u64: new BigUint64Array(buf),
    u8: new Uint8Array(buf),
  }
}

const CANON_F32 = 0x7fc00000
const CANON_F64_HI = 0x7ff80000

function putF32(S: Slots, k: number, v: number): void {
  if (Number.isNaN(v)) S.i32[2 * k] = CANON_F32
  else S.f32[2 * k] = v
  S.i32[2 * k + 1] = 0
}
function putF64(S: Slots, k: number, v: number): void {
  if (Number.isNaN(v)) {
    S.i32[2 * k] = 0
    S.i32[2 * k + 1] = CANON_F64_HI
  } else S.f64[k] = v
}
function putI32(S: Slots, k: number, v: number): void {
  S.i32[2 * k] = v
  S.i32[2 * k + 1] = 0
}

/** Round half to even, keeping the sign of zero (f32.nearest / f64.nearest). */
export function nearest(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x
  const t = Math.trunc(x)
  const diff = Math.abs(x - t)
  let r: number
  if (diff === 0.5) r = t % 2 === 0 ? t : t + Math.sign(x)
  else r = Math.round(x)
  if (r === 0) return x < 0 ? -0 : 0
  return r
}

function clz64(v: bigint): bigint {
  const hi = Number(BigInt.asUintN(32, v >> 32n))
  if (hi !== 0) return BigInt(Math.clz32(hi))
  return BigInt(32 + Math.clz32(Number(BigInt.asUintN(32, v))))
}
function ctz32(x: number): number {
  if (x === 0) return 32
  return 31 - Math.clz32(x & -x)
}
function ctz64(v: bigint): bigint {
  const lo = Number(BigInt.asUintN(32, v))
  if (lo !== 0) return BigInt(ctz32(lo))
  return BigInt(32 + ctz32(Number(BigInt.asUintN(32, v >> 32n))))
}
function popcnt32(x: number): number {
  let v = x >>> 0
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Correctly rounded u64/i64 -> f32 (avoids double rounding through f64). */
function bigToF32(v: bigint): number {
  const neg = v < 0n
  let m = neg ? -v : v
  let scale = 1
  const len = m.toString(2).length
  if (len > 53) {
    const shift = len - 53
    const lost = m & ((1n << BigInt(shift)) - 1n)
    m = (m >> BigInt(shift)) | (lost !== 0n ? 1n : 0n)
    scale = 2 ** shift
  }
  const r = Math.fround(Number(m) * scale)
  return neg ? -r : r
}

/**
 * Executes numeric opcode `o` on the slot stack whose height is `sp`; returns the new height,
 * or -(status) for a trap.
 */
export function execNumeric(o: number, S: Slots, sp: number): number {
  const { i32, u32, f32, f64, i64, u64 } = S
  const t = sp - 1 // top slot
  const s = sp - 2 // second slot (destination of binary ops)
  const ti = 2 * t
  const si = 2 * s
  switch (o) {
    // i32 comparisons
    case 0x45:
      i32[ti] = i32[ti] === 0 ? 1 : 0
      return sp
    case 0x46:
      i32[si] = i32[si] === i32[ti] ? 1 : 0
      return sp - 1
    case 0x47:
      i32[si] = i32[si] !== i32[ti] ? 1 : 0
      return sp - 1
    case 0x48:
      i32[si] = (i32[si] as number) < (i32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x49:
      i32[si] = (u32[si] as number) < (u32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x4a:
      i32[si] = (i32[si] as number) > (i32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x4b:
      i32[si] = (u32[si] as number) > (u32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x4c:
      i32[si] = (i32[si] as number) <= (i32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x4d:
      i32[si] = (u32[si] as number) <= (u32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x4e:
      i32[si] = (i32[si] as number) >= (i32[ti] as number) ? 1 : 0
      return sp - 1
    case 0x4f:
      i32[si] = (u32[si] as number) >= (u32[ti] as number) ? 1 : 0
      return sp - 1
    // i64 comparisons (result i32: clear the high word)
    case 0x50:
      putI32(S, t, i64[t] === 0n ? 1 : 0)
      return sp
    case 0x51:
      putI32(S, s, i64[s] === i64[t] ? 1 : 0)
      return sp - 1
    case 0x52:
      putI32(S, s, i64[s] !== i64[t] ? 1 : 0)
      return sp - 1
    case 0x53:
      putI32(S, s, (i64[s] as bigint) < (i64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x54:
      putI32(S, s, (u64[s] as bigint) < (u64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x55:
      putI32(S, s, (i64[s] as bigint) > (i64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x56:
      putI32(S, s, (u64[s] as bigint) > (u64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x57:
      putI32(S, s, (i64[s] as bigint) <= (i64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x58:
      putI32(S, s, (u64[s] as bigint) <= (u64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x59:
      putI32(S, s, (i64[s] as bigint) >= (i64[t] as bigint) ? 1 : 0)
      return sp - 1
    case 0x5a:
      putI32(S, s, (u64[s] as bigint) >= (u64[t] as bigint) ? 1 : 0)
      return sp - 1
    // f32 comparisons
    case 0x5b:
      putI32(S, s, f32[si] === f32[ti] ? 1 : 0)
      return sp - 1
    case 0x5c:
      putI32(S, s, f32[si] !== f32[ti] ? 1 : 0)
      return sp - 1
    case 0x5d:
      putI32(S, s, (f32[si] as number) < (f32[ti] as number) ? 1 : 0)
      return sp - 1
    case 0x5e:
      putI32(S, s, (f32[si] as number) > (f32[ti] as number) ? 1 : 0)
      return sp - 1
    case 0x5f:
      putI32(S, s, (f32[si] as number) <= (f32[ti] as number) ? 1 : 0)
      return sp - 1
    case 0x60:
      putI32(S, s, (f32[si] as number) >= (f32[ti] as number) ? 1 : 0)
      return sp - 1
    // f64 comparisons
    case 0x61:
      putI32(S, s, f64[s] === f64[t] ? 1 : 0)
      return sp - 1
    case 0x62:
      putI32(S, s, f64[s] !== f64[t] ? 1 : 0)
      return sp - 1
    case 0x63:
      putI32(S, s, (f64[s] as number) < (f64[t] as number) ? 1 : 0)
      return sp - 1
    case 0x64:
      putI32(S, s, (f64[s] as number) > (f64[t] as number) ? 1 : 0)
      return sp - 1
    case 0x65:
      putI32(S, s, (f64[s] as number) <= (f64[t] as number) ? 1 : 0)
      return sp - 1
    case 0x66:
      putI32(S, s, (f64[s] as number) >= (f64[t] as number) ? 1 : 0)
      return sp - 1
    // i32 unary
    case 0x67:
      i32[ti] = Math.clz32(i32[ti] as number)
      return sp
    case 0x68:
      i32[ti] = ctz32(i32[ti] as number)
      return sp
    case 0x69:
      i32[ti] = popcnt32(i32[ti] as number)
      return sp
    // i32 binary
    case 0x6a:
      i32[si] = ((i32[si] as number) + (i32[ti] as number)) | 0
      return sp - 1
    case 0x6b:
      i32[si] = ((i32[si] as number) - (i32[ti] as number)) | 0
      return sp - 1
    case 0x6c:
      i32[si] = Math.imul(i32[si] as number, i32[ti] as number)
      return sp - 1
    case 0x6d: {
      const x = i32[si] as number
      const y = i32[ti] as number
      if (y === 0) return -3
      if (x === -2147483648 && y === -1) return -4
      i32[si] = (x / y) | 0
      return sp - 1
    }
    case 0x6e: {
      const y = u32[ti] as number
      if (y === 0) return -3
      u32[si] = Math.trunc((u32[si] as number) / y)
      return sp - 1
    }
    case 0x6f: {
      const y = i32[ti] as number
      if (y === 0) return -3
      i32[si] = ((i32[si] as number) % y) | 0
      return sp - 1
    }
    case 0x70: {
      const y = u32[ti] as number
      if (y === 0) return -3
      u32[si] = (u32[si] as number) % y
      return sp - 1
    }
    case 0x71:
      i32[si] = (i32[si] as number) & (i32[ti] as number)
      return sp - 1
    case 0x72:
      i32[si] = (i32[si] as number) | (i32[ti] as number)
      return sp - 1
    case 0x73:
      i32[si] = (i32[si] as number) ^ (i32[ti] as number)
      return sp - 1
    case 0x74:
      i32[si] = (i32[si] as number) << (i32[ti] as number)
      return sp - 1
    case 0x75:
      i32[si] = (i32[si] as number) >> (i32[ti] as number)
      return sp - 1
    case 0x76:
      i32[si] = (i32[si] as number) >>> (i32[ti] as number)
      return sp - 1
    case 0x77: {
      const x = i32[si] as number
      const k = (i32[ti] as number) & 31
      i32[si] = (x << k) | (x >>> ((32 - k) & 31))
      if (k === 0) i32[si] = x
      return sp - 1
    }
    case 0x78: {
      const x = i32[si] as number
      const k = (i32[ti] as number) & 31
      i32[si] = k === 0 ? x : (x >>> k) | (x << (32 - k))
      return sp - 1
    }
    // i64 unary
    case 0x79:
      i64[t] = clz64(i64[t] as bigint)
      return sp
    case 0x7a:
      i64[t] = ctz64(i64[t] as bigint)
      return sp
    case 0x7b:
      i64[t] = BigInt(popcnt32(i32[ti] as number) + popcnt32(i32[ti + 1] as number))
      return sp
    // i64 binary (BigInt64Array stores wrap modulo 2^64)
    case 0x7c:
      i64[s] = (i64[s] as bigint) + (i64[t] as bigint)
      return sp - 1
    case 0x7d:
      i64[s] = (i64[s] as bigint) - (i64[t] as bigint)
      return sp - 1
    case 0x7e:
      i64[s] = (i64[s] as bigint) * (i64[t] as bigint)
      return sp - 1
    case 0x7f: {
      const x = i64[s] as bigint
      const y = i64[t] as bigint
      if (y === 0n) return -3
      if (x === -9223372036854775808n && y === -1n) return -4
      i64[s] = x / y
      return sp - 1
    }
    case 0x80: {
      const y = u64[t] as bigint
      if (y === 0n) return -3
      u64[s] = (u64[s] as bigint) / y
      return sp - 1
    }
    case 0x81: {
      const y = i64[t] as bigint
      if (y === 0n) return -3
      i64[s] = (i64[s] as bigint) % y
      return sp - 1
    }
    case 0x82: {
      const y = u64[t] as bigint
      if (y === 0n) return -3
      u64[s] = (u64[s] as bigint) % y
      return sp - 1
    }
    case 0x83:
      i32[si] = (i32[si] as number) & (i32[ti] as number)
      i32[si + 1] = (i32[si + 1] as number) & (i32[ti + 1] as number)
      return sp - 1
    case 0x84:
      i32[si] = (i32[si] as number) | (i32[ti] as number)
      i32[si + 1] = (i32[si + 1] as number) | (i32[ti + 1] as number)
      return sp - 1
    case 0x85:
      i32[si] = (i32[si] as number) ^ (i32[ti] as number)
      i32[si + 1] = (i32[si + 1] as number) ^ (i32[ti + 1] as number)
      return sp - 1
    case 0x86:
      i64[s] = (i64[s] as bigint) << ((u64[t] as bigint) & 63n)
      return sp - 1
    case 0x87:
      i64[s] = (i64[s] as bigint) >> ((u64[t] as bigint) & 63n)
      return sp - 1
    case 0x88:
      u64[s] = (u64[s] as bigint) >> ((u64[t] as bigint) & 63n)
      return sp - 1
    case 0x89: {
      const x = u64[s] as bigint
      const k = (u64[t] as bigint) & 63n
      u64[s] = BigInt.asUintN(64, (x << k) | (x >> ((64n - k) & 63n)))
      if (k === 0n) u64[s] = x
      return sp - 1
    }
    case 0x8a: {
      const x = u64[s] as bigint
      const k = (u64[t] as bigint) & 63n
      u64[s] = k === 0n ? x : BigInt.asUintN(64, (x >> k) | (x << (64n - k)))
      return sp - 1
    }
    // f32 unary (abs/neg on bits)
    case 0x8b:
      i32[ti] = (i32[ti] as number) & 0x7fffffff
      return sp
    case 0x8c:
      i32[ti] = (i32[ti] as number) ^ -0x80000000
      return sp
    case 0x8d:
      putF32(S, t, Math.ceil(f32[ti] as number))
      return sp
    case 0x8e:
      putF32(S, t, Math.floor(f32[ti] as number))
      return sp
    case 0x8f:
      putF32(S, t, Math.trunc(f32[ti] as number))
      return sp
    case 0x90:
      putF32(S, t, nearest(f32[ti] as number))
      return sp
    case 0x91:
      putF32(S, t, Math.fround(Math.sqrt(f32[ti] as number)))
      return sp
    case 0x92:
      putF32(S, s, Math.fround((f32[si] as number) + (f32[ti] as number)))
      return sp - 1
    case 0x93:
      putF32(S, s, Math.fround((f32[si] as number) - (f32[ti] as number)))
      return sp - 1
    case 0x94:
      putF32(S, s, Math.fround((f32[si] as number) * (f32[ti] as number)))
      return sp - 1
    case 0x95:
      putF32(S, s, Math.fround((f32[si] as number) / (f32[ti] as number)))
      return sp - 1
    case 0x96:
      putF32(S, s, Math.min(f32[si] as number, f32[ti] as number))
      return sp - 1
    case 0x97:
      putF32(S, s, Math.max(f32[si] as number, f32[ti] as number))
      return sp - 1
    case 0x98:
      i32[si] = ((i32[si] as number) & 0x7fffffff) | ((i32[ti] as number) & -0x80000000)
      return sp - 1
    // f64 unary
    case 0x99:
      i32[ti + 1] = (i32[ti + 1] as number) & 0x7fffffff
      return sp
    case 0x9a:
      i32[ti + 1] = (i32[ti + 1] as number) ^ -0x80000000
      return sp
    case 0x9b:
      putF64(S, t, Math.ceil(f64[t] as number))
      return sp
    case 0x9c:
      putF64(S, t, Math.floor(f64[t] as number))
      return sp
    case 0x9d:
      putF64(S, t, Math.trunc(f64[t] as number))
      return sp
    case 0x9e:
      putF64(S, t, nearest(f64[t] as number))
      return sp
    case 0x9f:
      putF64(S, t, Math.sqrt(f64[t] as number))
      return sp
    case 0xa0:
      putF64(S, s, (f64[s] as number) + (f64[t] as number))
      return sp - 1
    case 0xa1:
      putF64(S, s, (f64[s] as number) - (f64[t] as number))
      return sp - 1
    case 0xa2:
      putF64(S, s, (f64[s] as number) * (f64[t] as number))
      return sp - 1
    case 0xa3:
      putF64(S, s, (f64[s] as number) / (f64[t] as number))
      return sp - 1
    case 0xa4:
      putF64(S, s, Math.min(f64[s] as number, f64[t] as number))
      return sp - 1
    case 0xa5:
      putF64(S, s, Math.max(f64[s] as number, f64[t] as number))
      return sp - 1
    case 0xa6:
      i32[si + 1] = ((i32[si + 1] as number) & 0x7fffffff) | ((i32[ti + 1] as number) & -0x80000000)
      return sp - 1
    // conversions
    case 0xa7:
      i32[ti + 1] = 0
      return sp
    case 0xa8:
    case 0xaa: {
      const x = o === 0xa8 ? (f32[ti] as number) : (f64[t] as number)
      if (Number.isNaN(x)) return -5
      if (!(x > -2147483649 && x < 2147483648)) return -4
      putI32(S, t, Math.trunc(x))
      return sp
    }
    case 0xa9:
    case 0xab: {
      const x = o === 0xa9 ? (f32[ti] as number) : (f64[t] as number)
      if (Number.isNaN(x)) return -5
      if (!(x > -1 && x < 4294967296)) return -4
      putI32(S, t, Math.trunc(x) | 0)
      return sp
    }
    case 0xac:
      i64[t] = BigInt(i32[ti] as number)
      return sp
    case 0xad:
      i32[ti + 1] = 0
      return sp
    case 0xae:
    case 0xb0: {
      const x = o === 0xae ? (f32[ti] as number) : (f64[t] as number)
      if (Number.isNaN(x)) return -5
      if (!(x >= -(2 ** 63) && x < 2 ** 63)) return -4
      i64[t] = BigInt(Math.trunc(x))
      return sp
    }
    case 0xaf:
    case 0xb1: {
      const x = o === 0xaf ? (f32[ti] as number) : (f64[t] as number)
      if (Number.isNaN(x)) return -5
      if (!(x > -1 && x < 2 ** 64)) return -4
      u64[t] = BigInt(Math.trunc(x))
      return sp
    }
    case 0xb2:
      putF32(S, t, Math.fround(i32[ti] as number))
      return sp
    case 0xb3:
      putF32(S, t, Math.fround(u32[ti] as number))
      return sp
    case 0xb4:
      putF32(S, t, bigToF32(i64[t] as bigint))
      return sp
    case 0xb5:
      putF32(S, t, bigToF32(u64[t] as bigint))
      return sp
    case 0xb6:
      putF32(S, t, Math.fround(f64[t] as number))
      return sp
    case 0xb7:
      putF64(S, t, i32[ti] as number)
      return sp
    case 0xb8:
      putF64(S, t, u32[ti] as number)
      return sp
    case 0xb9:
      putF64(S, t, Number(i64[t] as bigint))
      return sp
    case 0xba:
      putF64(S, t, Number(u64[t] as bigint))
      return sp
    case 0xbb:
      putF64(S, t, f32[ti] as number)
      return sp
    // reinterpretations: the raw slot bits already are the result
    case 0xbc:
    case 0xbd:
    case 0xbe:
    case 0xbf:
      return sp
  }
  throw new Error(`not a numeric opcode: 0x${o.toString(16)}`)
}
