// Reusable layout items with meaning: ranges and value sets from the source tables, the PER length
// determinant (T.125), minimal BER INTEGERs and UTF-16LE strings. Each is a plain binary-layout custom
// conversion (so binary-layout's own serialize/deserialize enforce it) and is also registered with a
// description the fast-path compiler turns into inline code.

import type { CustomConversion } from 'binary-layout'

/** Failure raised inside a conversion; the codec re-raises it as a typed error with field and offset. */
export class ConversionFailure extends Error {
  override readonly name = 'ConversionFailure'
  constructor(
    readonly kind: 'range' | 'malformed' | 'length' | 'fixed',
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`expected ${expected}`)
  }
}

/** What the fast-path compiler knows about a registered conversion. */
export type ItemMeta =
  | { readonly kind: 'range'; readonly min: number; readonly max: number }
  | { readonly kind: 'oneOf'; readonly values: readonly number[] }
  | { readonly kind: 'perLength'; readonly max: number }
  | { readonly kind: 'berUint'; readonly min: number; readonly max: number }
  | { readonly kind: 'exactSize'; readonly size: number }
  | { readonly kind: 'perLengthValue' }
  | { readonly kind: 'utf16zSequence'; readonly names: readonly string[] }
  | { readonly kind: 'perUint' }
  | { readonly kind: 'optionalUint16'; readonly max: number }
  | { readonly kind: 'mapped'; readonly values: readonly number[] }

const registry = new WeakMap<object, ItemMeta>()

/** The meaning registered for a conversion object, if any. */
export function metaOf(conversion: unknown): ItemMeta | undefined {
  return typeof conversion === 'object' && conversion !== null ? registry.get(conversion) : undefined
}

function register<C extends object>(conversion: C, meta: ItemMeta): C {
  registry.set(conversion, meta)
  return conversion
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`

/** An integer that must lie in [min, max] (both inclusive). */
export function inRange(min: number, max: number) {
  const check = (n: number) => {
    if (!(n >= min && n <= max)) throw new ConversionFailure('range', `${hex(min)}..${hex(max)}`, n)
    return n
  }
  return register({ to: check, from: check } as const satisfies CustomConversion<number, number>, {
    kind: 'range',
    min,
    max,
  })
}

/** An integer that must be one of `values`. */
export function oneOf<const V extends readonly number[]>(values: V) {
  const check = (n: number): V[number] => {
    if (!values.includes(n)) throw new ConversionFailure('range', `one of ${values.map(hex).join('/')}`, n)
    return n
  }
  return register({ to: check, from: check } as const satisfies CustomConversion<number, V[number]>, {
    kind: 'oneOf',
    values,
  })
}

/**
 * T.125 aligned-PER length determinant followed by that many content bytes (used as a boundless
 * item): one byte below 0x80, else two bytes `0x80 | hi, lo` up to 0x3fff. Fragmented lengths
 * (first byte 0xc0..0xff) are refused; the short form is required when it fits, so a decode
 * re-encodes byte for byte.
 */
export const perLengthPrefixed = register(
  {
    to: (encoded: Uint8Array): Uint8Array => {
      const first = encoded[0]
      if (first === undefined) throw new ConversionFailure('length', 'a PER length determinant', 0)
      let header = 1
      let length = first
      if (first & 0x80) {
        if (first & 0x40) throw new ConversionFailure('malformed', 'PER length below 0xc0 (no fragmentation)', first)
        const second = encoded[1]
        if (second === undefined) throw new ConversionFailure('length', 'a two-byte PER length', 1)
        length = ((first & 0x3f) << 8) | second
        header = 2
        if (length < 0x80)
          throw new ConversionFailure('malformed', 'the one-byte PER form for lengths below 0x80', length)
      }
      if (encoded.length - header !== length) {
        throw new ConversionFailure('length', `${length} content bytes after the PER length`, encoded.length - header)
      }
      return encoded.subarray(header)
    },
    from: (payload: Uint8Array): Uint8Array => {
      const n = payload.length
      if (n > 0x3fff) throw new ConversionFailure('range', 'at most 0x3fff bytes (unfragmented PER length)', n)
      const header = n < 0x80 ? 1 : 2
      const out = new Uint8Array(header + n)
      if (header === 1) out[0] = n
      else {
        out[0] = 0x80 | (n >> 8)
        out[1] = n & 0xff
      }
      out.set(payload, header)
      return out
    },
  } as const satisfies CustomConversion<Uint8Array, Uint8Array>,
  { kind: 'perLength', max: 0x3fff },
)

/** A T.125 aligned-PER length determinant alone (a boundless item at the end of a header prefix). */
export const perLength = register(
  {
    to: (encoded: Uint8Array): number => {
      const first = encoded[0]
      if (first === undefined) throw new ConversionFailure('length', 'a PER length determinant', 0)
      if (!(first & 0x80)) {
        if (encoded.length !== 1) throw new ConversionFailure('length', 'a one-byte PER length', encoded.length)
        return first
      }
      if (first & 0x40) throw new ConversionFailure('malformed', 'PER length below 0xc0 (no fragmentation)', first)
      if (encoded.length !== 2) throw new ConversionFailure('length', 'a two-byte PER length', encoded.length)
      const length = ((first & 0x3f) << 8) | encoded[1]!
      if (length < 0x80)
        throw new ConversionFailure('malformed', 'the one-byte PER form for lengths below 0x80', length)
      return length
    },
    from: (n: number): Uint8Array => {
      if (!Number.isInteger(n) || n < 0 || n > 0x3fff) {
        throw new ConversionFailure('range', 'a length in 0..0x3fff (unfragmented PER)', n)
      }
      return n < 0x80 ? Uint8Array.of(n) : Uint8Array.of(0x80 | (n >> 8), n & 0xff)
    },
  } as const satisfies CustomConversion<Uint8Array, number>,
  { kind: 'perLengthValue' },
)

/**
 * Contents of a BER INTEGER (X.690 8.3) holding a non-negative value in [min, max]: minimal
 * two's-complement bytes, so 0xffff is `00 ff ff` as in the T.125 DomainParameters of RDP.
 */
export function berUint(min: number, max: number) {
  return register(
    {
      to: (bytes: Uint8Array): number => {
        const n = bytes.length
        if (n < 1 || n > 4) throw new ConversionFailure('length', '1..4 INTEGER content bytes', n)
        const b0 = bytes[0]!
        if (b0 & 0x80) throw new ConversionFailure('malformed', 'a non-negative INTEGER', b0)
        if (n > 1 && b0 === 0 && !(bytes[1]! & 0x80)) {
          throw new ConversionFailure('malformed', 'minimal INTEGER encoding', bytes)
        }
        let v = 0
        for (let i = 0; i < n; i++) v = v * 256 + bytes[i]!
        if (v < min || v > max) throw new ConversionFailure('range', `${hex(min)}..${hex(max)}`, v)
        return v
      },
      from: (v: number): Uint8Array => {
        if (!Number.isInteger(v) || v < min || v > max) {
          throw new ConversionFailure('range', `an integer in ${hex(min)}..${hex(max)}`, v)
        }
        const out: number[] = []
        let x = v
        do {
          out.unshift(x & 0xff)
          x = Math.floor(x / 256)
        } while (x > 0)
        if (out[0]! & 0x80) out.unshift(0)
        return Uint8Array.from(out)
      },
    } as const satisfies CustomConversion<Uint8Array, number>,
    { kind: 'berUint', min, max },
  )
}

/** A length-prefixed byte string whose length is fixed by the source table. */
export function exactSize(size: number) {
  const check = (bytes: Uint8Array) => {
    if (bytes.length !== size) throw new ConversionFailure('length', `exactly ${size} bytes`, bytes.length)
    return bytes
  }
  return register({ to: check, from: check } as const satisfies CustomConversion<Uint8Array, Uint8Array>, {
    kind: 'exactSize',
    size,
  })
}

const codes: number[] = []

/** Reads `units` code units of UTF-16LE; lone surrogates survive, so decode and encode are exact inverses. */
export function utf16leToString(bytes: Uint8Array, s: number, units: number): string {
  // Short strings (names, domains) dominate; direct arguments avoid building an array.
  switch (units) {
    case 0:
      return ''
    case 1:
      return String.fromCharCode(bytes[s + 0]! | (bytes[s + 1]! << 8))
    case 2:
      return String.fromCharCode(bytes[s + 0]! | (bytes[s + 1]! << 8), bytes[s + 2]! | (bytes[s + 3]! << 8))
    case 3:
      return String.fromCharCode(
        bytes[s + 0]! | (bytes[s + 1]! << 8),
        bytes[s + 2]! | (bytes[s + 3]! << 8),
        bytes[s + 4]! | (bytes[s + 5]! << 8),
      )
    case 4:
      return String.fromCharCode(
        bytes[s + 0]! | (bytes[s + 1]! << 8),
        bytes[s + 2]! | (bytes[s + 3]! << 8),
        bytes[s + 4]! | (bytes[s + 5]! << 8),
        bytes[s + 6]! | (bytes[s + 7]! << 8),
      )
    case 5:
      return String.fromCharCode(
        bytes[s + 0]! | (bytes[s + 1]! << 8),
        bytes[s + 2]! | (bytes[s + 3]! << 8),
        bytes[s + 4]! | (bytes[s + 5]! << 8),
        bytes[s + 6]! | (bytes[s + 7]! << 8),
        bytes[s + 8]! | (bytes[s + 9]! << 8),
      )
    case 6:
      return String.fromCharCode(
        bytes[s + 0]! | (bytes[s + 1]! << 8),
        bytes[s + 2]! | (bytes[s + 3]! << 8),
        bytes[s + 4]! | (bytes[s + 5]! << 8),
        bytes[s + 6]! | (bytes[s + 7]! << 8),
        bytes[s + 8]! | (bytes[s + 9]! << 8),
        bytes[s + 10]! | (bytes[s + 11]! << 8),
      )
    case 7:
      return String.fromCharCode(
        bytes[s + 0]! | (bytes[s + 1]! << 8),
        bytes[s + 2]! | (bytes[s + 3]! << 8),
        bytes[s + 4]! | (bytes[s + 5]! << 8),
        bytes[s + 6]! | (bytes[s + 7]! << 8),
        bytes[s + 8]! | (bytes[s + 9]! << 8),
        bytes[s + 10]! | (bytes[s + 11]! << 8),
        bytes[s + 12]! | (bytes[s + 13]! << 8),
      )
    case 8:
      return String.fromCharCode(
        bytes[s + 0]! | (bytes[s + 1]! << 8),
        bytes[s + 2]! | (bytes[s + 3]! << 8),
        bytes[s + 4]! | (bytes[s + 5]! << 8),
        bytes[s + 6]! | (bytes[s + 7]! << 8),
        bytes[s + 8]! | (bytes[s + 9]! << 8),
        bytes[s + 10]! | (bytes[s + 11]! << 8),
        bytes[s + 12]! | (bytes[s + 13]! << 8),
        bytes[s + 14]! | (bytes[s + 15]! << 8),
      )
  }
  codes.length = units
  for (let i = 0, o = s; i < units; i++, o += 2) codes[i] = bytes[o]! | (bytes[o + 1]! << 8)
  // units ≤ 0x7fff here (16-bit byte counts), well inside the argument limit of apply.
  return String.fromCharCode.apply(null, codes)
}

/** Writes a string's UTF-16 code units little-endian at `offset`. */
export function writeUtf16le(s: string, out: Uint8Array, offset: number): void {
  for (let i = 0, o = offset; i < s.length; i++, o += 2) {
    const c = s.charCodeAt(i)
    out[o] = c & 0xff
    out[o + 1] = c >> 8
  }
}

/**
 * A run of NUL-terminated UTF-16LE strings (each ends in `00 00`, the seed's "length + 2"),
 * followed by whatever bytes remain (`extra`). The strings may not contain U+0000 themselves.
 */
export function utf16zSequence<const N extends readonly string[]>(names: N) {
  type Out = { readonly [K in N[number]]: string } & { readonly extra: Uint8Array }
  return register(
    {
      to: (bytes: Uint8Array): Out => {
        const out: Record<string, unknown> = {}
        let o = 0
        for (const name of names) {
          let end = o
          while (true) {
            if (end + 1 >= bytes.length) {
              throw new ConversionFailure('malformed', `a UTF-16LE string ${name} ending in 00 00`, bytes.subarray(o))
            }
            if (bytes[end] === 0 && bytes[end + 1] === 0) break
            end += 2
          }
          out[name] = utf16leToString(bytes, o, (end - o) / 2)
          o = end + 2
        }
        out['extra'] = bytes.subarray(o)
        return out as Out
      },
      from: (value: Out): Uint8Array => {
        const v = value as unknown as Record<string, string | Uint8Array>
        let size = v['extra'] instanceof Uint8Array ? v['extra'].length : 0
        for (const name of names) {
          const s = v[name]
          if (typeof s !== 'string') throw new ConversionFailure('malformed', `a string ${name}`, s)
          if (s.includes('\u0000')) throw new ConversionFailure('malformed', `${name} without U+0000`, s)
          size += s.length * 2 + 2
        }
        const out = new Uint8Array(size)
        let o = 0
        for (const name of names) {
          const s = v[name] as string
          writeUtf16le(s, out, o)
          o += s.length * 2 + 2
        }
        const extra = v['extra']
        if (extra instanceof Uint8Array) out.set(extra, o)
        return out
      },
    } as const satisfies CustomConversion<Uint8Array, Out>,
    { kind: 'utf16zSequence', names },
  )
}

/**
 * Contents of an X.691 unconstrained INTEGER as RDP stacks write it (FreeRDP `per_write_integer`,
 * IronRDP `per::write_u32`): an unsigned big-endian value in 1 octet up to 0xff, 2 up to 0xffff,
 * else 4. Used with a one-byte length prefix; other widths are refused, so a decode re-encodes
 * byte for byte.
 */
export const perUint = register(
  {
    to: (bytes: Uint8Array): number => {
      const n = bytes.length
      if (n !== 1 && n !== 2 && n !== 4) throw new ConversionFailure('length', '1, 2 or 4 INTEGER octets', n)
      let v = 0
      for (let i = 0; i < n; i++) v = v * 256 + bytes[i]!
      const width = v <= 0xff ? 1 : v <= 0xffff ? 2 : 4
      if (width !== n) throw new ConversionFailure('malformed', `the ${width}-octet form for ${v}`, n)
      return v
    },
    from: (v: number): Uint8Array => {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
        throw new ConversionFailure('range', 'an integer in 0..0xffffffff', v)
      if (v <= 0xff) return Uint8Array.of(v)
      if (v <= 0xffff) return Uint8Array.of(v >> 8, v & 0xff)
      return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
    },
  } as const satisfies CustomConversion<Uint8Array, number>,
  { kind: 'perUint' },
)

/** A trailing OPTIONAL 16-bit big-endian field: no bytes (absent, `null`) or two bytes in [0, max]. */
export function optionalUint16(max: number) {
  return register(
    {
      to: (bytes: Uint8Array): number | null => {
        if (bytes.length === 0) return null
        if (bytes.length !== 2) throw new ConversionFailure('length', 'no bytes or 2 bytes', bytes.length)
        const v = (bytes[0]! << 8) | bytes[1]!
        if (v > max) throw new ConversionFailure('range', `0x00..${hex(max)}`, v)
        return v
      },
      from: (v: number | null): Uint8Array => {
        if (v === null) return new Uint8Array(0)
        if (!Number.isInteger(v) || v < 0 || v > max)
          throw new ConversionFailure('range', `null or an integer in 0..${hex(max)}`, v)
        return Uint8Array.of(v >> 8, v & 0xff)
      },
    } as const satisfies CustomConversion<Uint8Array, number | null>,
    { kind: 'optionalUint16', max },
  )
}

/**
 * A raw integer that carries one of `values` through `encode`/`decode` (bit-packed fields);
 * `decode` throws for raw integers that are not the encoding of a listed value.
 */
export function mapped(values: readonly number[], encode: (v: number) => number, decode: (raw: number) => number) {
  return register(
    {
      to: (raw: number): number => {
        const v = decode(raw)
        if (!values.includes(v) || encode(v) !== raw)
          throw new ConversionFailure('range', `the encoding of one of ${values.join('/')}`, raw)
        return v
      },
      from: (v: number): number => {
        if (!values.includes(v)) throw new ConversionFailure('range', `one of ${values.join('/')}`, v)
        return encode(v)
      },
    } as const satisfies CustomConversion<number, number>,
    { kind: 'mapped', values },
  )
}
