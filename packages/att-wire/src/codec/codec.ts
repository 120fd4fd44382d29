// A codec: one binary-layout declaration, its compiled fast path, binary-layout's own (reference)
// path, and the cross-field checks the layout language cannot state (lengths that count headers).

import { type DeriveType, deserialize, type Layout, serialize } from 'binary-layout'
import { AttWireError, DecodeError, EncodeError, MalformedFieldError } from '../errors.js'
import { type Compiled, compileLayout } from './compile.js'
import { ConversionFailure } from './items.js'

/** Encoder and decoders for one structure. */
export interface Codec<L extends Layout, T = DeriveType<L>> {
  readonly name: string
  /** The declaration: the single source of truth for the bytes. */
  readonly layout: L
  /** Fast path: decodes `bytes` exactly (no trailing bytes), running the structure's checks. */
  decode(bytes: Uint8Array): T
  /** Fast path: encodes `value`, running the structure's checks first. */
  encode(value: T): Uint8Array
  /** Reference path: binary-layout's `deserialize`, then the same checks; errors are wrapped as typed errors. */
  decodeReference(bytes: Uint8Array): T
  /** Reference path: binary-layout's `serialize`. */
  encodeReference(value: T): Uint8Array
  /** The compiled functions without the cross-field checks (for benchmarks and tests). */
  readonly compiled: Compiled<T>
}

/** Options of {@link defineCodec}. */
export interface CodecOptions<T> {
  /** Cross-field checks on a decoded value; throws a {@link DecodeError} naming field and offset. */
  readonly check?: (value: T, bytes: Uint8Array) => void
  /** Cross-field checks before encoding; throws an {@link EncodeError}. */
  readonly checkEncode?: (value: T) => void
}

function wrapReferenceError(name: string, e: unknown): unknown {
  if (e instanceof AttWireError) return e
  if (e instanceof ConversionFailure) {
    return new MalformedFieldError({
      field: `${name}.(binary-layout)`,
      offset: -1,
      expected: e.expected,
      actual: e.actual,
    })
  }
  // binary-layout reports failures as plain Errors without a field or offset.
  return new MalformedFieldError({
    field: `${name}.(binary-layout)`,
    offset: -1,
    expected: 'bytes binary-layout accepts',
    actual: String(e),
  })
}

/** Declares a structure once and derives both code paths from the declaration. */
export function defineCodec<const L extends Layout, T = DeriveType<L>>(
  name: string,
  layout: L,
  options: CodecOptions<NoInfer<T>> = {},
): Codec<L, T> {
  const compiled = compileLayout<T>(layout, name.replace(/[^A-Za-z0-9_]/g, '_'))
  const check = options.check
  const checkEncode = options.checkEncode
  return {
    name,
    layout,
    compiled,
    decode(bytes) {
      const value = compiled.decode(bytes)
      if (check) check(value, bytes)
      return value
    },
    encode(value) {
      if (checkEncode) checkEncode(value)
      return compiled.encode(value)
    },
    decodeReference(bytes) {
      let value: T
      try {
        value = deserialize(layout, bytes) as T
      } catch (e) {
        throw wrapReferenceError(name, e)
      }
      if (check) check(value, bytes)
      return value
    },
    encodeReference(value) {
      if (checkEncode) checkEncode(value)
      try {
        return serialize(layout, value as never)
      } catch (e) {
        if (e instanceof AttWireError) throw e
        throw new EncodeError(name, 'a value binary-layout can serialize', value, e)
      }
    },
  }
}

export { DecodeError }
