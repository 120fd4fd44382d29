// Fast path: compiles a binary-layout declaration into straight-line decode/encode functions
// (integers read byte by byte as numbers, no BigInt, no per-item dispatch). The generated code
// follows binary-layout's semantics item by item; property tests prove both agree.

import type { Item, Layout } from 'binary-layout'
import {
  EncodeError,
  FixedValueError,
  LengthMismatchError,
  MalformedFieldError,
  OutOfRangeError,
  TrailingBytesError,
  TruncatedError,
} from '../errors.js'
import { ConversionFailure, metaOf, utf16leToString } from './items.js'

/** The pair of functions compiled from one layout. */
export interface Compiled<T> {
  readonly decode: (bytes: Uint8Array) => T
  readonly encode: (value: T) => Uint8Array
  /** The generated JavaScript source, for inspection. */
  readonly source: { readonly decode: string; readonly encode: string }
}

type AnyItem = Item & Record<string, unknown>

const helpers = {
  trunc: (field: string, offset: number, need: number, left: number) =>
    new TruncatedError({ field, offset, expected: `${need} more byte(s)`, actual: left }),
  fixed: (field: string, offset: number, expected: string, actual: unknown) =>
    new FixedValueError({ field, offset, expected, actual }),
  range: (field: string, offset: number, expected: string, actual: unknown) =>
    new OutOfRangeError({ field, offset, expected, actual }),
  length: (field: string, offset: number, expected: string, actual: unknown) =>
    new LengthMismatchError({ field, offset, expected, actual }),
  malformed: (field: string, offset: number, expected: string, actual: unknown) =>
    new MalformedFieldError({ field, offset, expected, actual }),
  trailing: (field: string, offset: number, actual: number) =>
    new TrailingBytesError({ field, offset, expected: 'end of input', actual: `${actual} byte(s) more` }),
  wrap: (e: unknown, field: string, offset: number): unknown => {
    if (!(e instanceof ConversionFailure)) return e
    const init = { field, offset, expected: e.expected, actual: e.actual }
    switch (e.kind) {
      case 'range':
        return new OutOfRangeError(init)
      case 'length':
        return new LengthMismatchError(init)
      case 'fixed':
        return new FixedValueError(init)
      default:
        return new MalformedFieldError(init)
    }
  },
  enc: (field: string, expected: string, value: unknown, cause?: unknown) =>
    new EncodeError(field, expected, value, cause),
  bytesEqual: (a: Uint8Array, b: Uint8Array) => {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  },
  isBytes: (x: unknown): x is Uint8Array => x instanceof Uint8Array,
  utf16: utf16leToString,
}

const q = JSON.stringify
const join = (path: string, name: string) => (path ? `${path}.${name}` : name)

function isUintArray(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array
}

function isFixedConversion(c: unknown): c is { to: unknown; from: number | Uint8Array } {
  return (
    typeof c === 'object' &&
    c !== null &&
    !isUintArray(c) &&
    'from' in c &&
    (typeof (c as { from: unknown }).from === 'number' || isUintArray((c as { from: unknown }).from))
  )
}

class Gen {
  private n = 0
  /** Constants the generated code refers to as K[i]. */
  readonly consts: unknown[] = []
  v(prefix = 'v'): string {
    return `${prefix}${this.n++}`
  }
  k(value: unknown): string {
    this.consts.push(value)
    return `K[${this.consts.length - 1}]`
  }
}

function readUint(size: number, little: boolean, at: string): string {
  const byte = (i: number) => `b[${at}+${little ? i : size - 1 - i}]`
  // byte(i) is the i-th least significant byte
  if (size === 1) return `b[${at}]`
  const parts: string[] = []
  for (let i = 0; i < size; i++) {
    if (i < 3) parts.push(i === 0 ? byte(0) : `(${byte(i)}<<${8 * i})`)
  }
  let expr = `(${parts.join('|')})`
  for (let i = 3; i < size; i++) expr = `(${expr}+${byte(i)}*${2 ** (8 * i)})`
  return expr
}

function writeUint(size: number, little: boolean, at: string, x: string): string {
  const lines: string[] = []
  for (let i = 0; i < size; i++) {
    const pos = little ? i : size - 1 - i
    const val = i < 4 ? (i === 0 ? `${x}&255` : `(${x}>>>${8 * i})&255`) : `Math.floor(${x}/${2 ** (8 * i)})&255`
    lines.push(`b[${at}+${pos}]=${val};`)
  }
  return lines.join('')
}

function signed(size: number, expr: string): string {
  if (size === 4) return `(${expr}|0)`
  const bits = 2 ** (8 * size)
  return `((x)=>x>=${bits / 2}?x-${bits}:x)(${expr})`
}

function numericItem(item: AnyItem): { size: number; little: boolean; signed: boolean } {
  const size = item['size'] as number
  if (size > 6) throw new Error(`fast path: integers above 6 bytes are not supported (${size})`)
  return { size, little: item['endianness'] === 'little', signed: item['binary'] === 'int' }
}

// ---------------------------------------------------------------- decoding

/** Emits code that leaves the decoded value of `item` in the returned variable (or undefined when omitted). */
function decItem(g: Gen, item: AnyItem, path: string, end: string): { code: string; value: string | undefined } {
  switch (item['binary']) {
    case 'uint':
    case 'int':
      return decNum(g, item, path, end)
    case 'bytes':
      return decBytes(g, item, path, end)
    case 'array':
      return decArray(g, item, path, end)
    case 'switch':
      return decSwitch(g, item, path, end)
    default:
      throw new Error(`fast path: unknown item ${String(item['binary'])}`)
  }
}

function decNum(
  g: Gen,
  item: AnyItem,
  path: string,
  end: string,
  bounded = false,
): { code: string; value: string | undefined } {
  const { size, little, signed: isSigned } = numericItem(item)
  const v = g.v()
  const at = g.v('p')
  const guard = bounded ? '' : `if(o+${size}>${end})throw H.trunc(${q(path)},o,${size},${end}-o);`
  let code = `${guard}const ${at}=o;let ${v}=${
    isSigned ? signed(size, readUint(size, little, 'o')) : readUint(size, little, 'o')
  };o+=${size};`
  const custom = item['custom']
  if (custom === undefined) return { code, value: v }
  if (typeof custom === 'number') {
    code += `if(${v}!==${custom})throw H.fixed(${q(path)},${at},${q(String(custom))},${v});`
    return { code, value: item['omit'] ? undefined : v }
  }
  if (isFixedConversion(custom)) {
    code += `if(${v}!==${custom.from})throw H.fixed(${q(path)},${at},${q(String(custom.from))},${v});`
    return { code, value: item['omit'] ? undefined : g.k(custom.to) }
  }
  const meta = metaOf(custom)
  if (meta?.kind === 'range') {
    code += `if(${v}<${meta.min}||${v}>${meta.max})throw H.range(${q(path)},${at},${q(`0x${meta.min.toString(16)}..0x${meta.max.toString(16)}`)},${v});`
    return { code, value: v }
  }
  if (meta?.kind === 'oneOf') {
    code += `if(${meta.values.map((x) => `${v}!==${x}`).join('&&')})throw H.range(${q(path)},${at},${q(`one of ${meta.values.map((x) => `0x${x.toString(16)}`).join('/')}`)},${v});`
    return { code, value: v }
  }
  const c = g.k(custom)
  code += `try{${v}=${c}.to(${v})}catch(e){throw H.wrap(e,${q(path)},${at})}`
  return { code, value: v }
}

function decBytes(g: Gen, item: AnyItem, path: string, end: string): { code: string; value: string | undefined } {
  const custom = item['custom']
  const layout = item['layout'] as Layout | undefined
  const at = g.v('p')
  let code = `const ${at}=o;`
  // fixed bytes
  const fixed = isUintArray(custom)
    ? custom
    : isFixedConversion(custom) && isUintArray(custom.from)
      ? custom.from
      : null
  if (fixed) {
    const f = g.k(fixed)
    code += `if(o+${fixed.length}>${end})throw H.trunc(${q(path)},o,${fixed.length},${end}-o);if(!H.bytesEqual(b.subarray(o,o+${fixed.length}),${f}))throw H.fixed(${q(path)},o,${q(Buffer.from(fixed).toString('hex'))},b.subarray(o,o+${fixed.length}));o+=${fixed.length};`
    if (item['omit']) return { code, value: undefined }
    return { code, value: isUintArray(custom) ? f : g.k((custom as { to: unknown }).to) }
  }
  // extent
  const e = g.v('e')
  const size = item['size'] as number | undefined
  const lengthSize = item['lengthSize'] as number | undefined
  let bounded = true
  if (size !== undefined) {
    code += `if(o+${size}>${end})throw H.trunc(${q(path)},o,${size},${end}-o);const ${e}=o+${size};`
  } else if (lengthSize !== undefined) {
    const little = item['lengthEndianness'] === 'little'
    const len = g.v('n')
    code += `if(o+${lengthSize}>${end})throw H.trunc(${q(join(path, 'length'))},o,${lengthSize},${end}-o);const ${len}=${readUint(lengthSize, little, 'o')};o+=${lengthSize};if(o+${len}>${end})throw H.trunc(${q(path)},o,${len},${end}-o);const ${e}=o+${len};`
  } else if (layout !== undefined) {
    // Sub-layout consumes what it needs from the enclosing extent.
    bounded = false
    code += `const ${e}=${end};`
  } else {
    code += `const ${e}=${end};`
  }
  let value: string
  if (layout !== undefined) {
    const sub = decLayout(g, layout, path, e)
    code += sub.code
    if (bounded)
      code += `if(o!==${e})throw H.length(${q(path)},${at},${q('the layout to fill the announced size')},o-${at});`
    value = sub.value
  } else {
    const meta = metaOf(custom)
    const raw = g.v('r')
    if (meta?.kind === 'perLength') {
      // Inline T.125 PER length determinant + content.
      code += `if(o>=${e})throw H.trunc(${q(join(path, 'length'))},o,1,0);let ${raw}=b[o];let h${raw}=1;if(${raw}&128){if(${raw}&64)throw H.malformed(${q(join(path, 'length'))},o,'PER length below 0xc0 (no fragmentation)',${raw});if(o+1>=${e})throw H.trunc(${q(join(path, 'length'))},o,2,${e}-o);${raw}=((${raw}&63)<<8)|b[o+1];h${raw}=2;if(${raw}<128)throw H.malformed(${q(join(path, 'length'))},o,'the one-byte PER form for lengths below 0x80',${raw});}if(${e}-o-h${raw}!==${raw})throw H.length(${q(join(path, 'length'))},o,${raw}+' content bytes after the PER length',${e}-o-h${raw});o+=h${raw};const v${raw}=b.subarray(o,${e});o=${e};`
      return { code, value: `v${raw}` }
    }
    if (meta?.kind === 'utf16zSequence') {
      // Inline NUL-terminated UTF-16LE strings, then the rest as `extra`.
      const fields: string[] = []
      for (const name of meta.names) {
        const s = g.v('t')
        code += `let z${s}=o;while(z${s}+1<${e}&&(b[z${s}]|b[z${s}+1])!==0)z${s}+=2;if(z${s}+1>=${e})throw H.malformed(${q(join(path, name))},o,${q(`a UTF-16LE string ${name} ending in 00 00`)},${e}-o);const ${s}=z${s}===o?'':utf16(b,o,(z${s}-o)>>1);o=z${s}+2;`
        fields.push(`${q(name)}:${s}`)
      }
      code += `const ${raw}=b.subarray(o,${e});o=${e};`
      fields.push(`"extra":${raw}`)
      return { code, value: `{${fields.join(',')}}` }
    }
    code += `const ${raw}=b.subarray(o,${e});o=${e};`
    if (custom === undefined) return { code, value: raw }
    if (meta?.kind === 'exactSize') {
      code += `if(${raw}.length!==${meta.size})throw H.length(${q(path)},${at},${q(`exactly ${meta.size} bytes`)},${raw}.length);`
      return { code, value: raw }
    }
    if (meta?.kind === 'berUint') {
      const v = g.v()
      code += `const l${v}=${raw}.length;if(l${v}<1||l${v}>4)throw H.length(${q(path)},${at},'1..4 INTEGER content bytes',l${v});if(${raw}[0]&128)throw H.malformed(${q(path)},${at},'a non-negative INTEGER',${raw}[0]);if(l${v}>1&&${raw}[0]===0&&!(${raw}[1]&128))throw H.malformed(${q(path)},${at},'minimal INTEGER encoding',${raw});let ${v}=0;for(let i=0;i<l${v};i++)${v}=${v}*256+${raw}[i];if(${v}<${meta.min}||${v}>${meta.max})throw H.range(${q(path)},${at},${q(`0x${meta.min.toString(16)}..0x${meta.max.toString(16)}`)},${v});`
      return { code, value: v }
    }
    value = raw
  }
  if (custom !== undefined) {
    const v = g.v()
    code += `let ${v};try{${v}=${g.k(custom)}.to(${value})}catch(e){throw H.wrap(e,${q(path)},${at})}`
    value = v
  }
  return { code, value }
}

function decArray(g: Gen, item: AnyItem, path: string, end: string): { code: string; value: string | undefined } {
  const a = g.v('a')
  const length = item['length'] as number | undefined
  const lengthSize = item['lengthSize'] as number | undefined
  const elemItem = item['layout'] as Layout
  const body = decLayoutOrItem(g, elemItem, `${path}[]`, end)
  let code = `const ${a}=[];`
  if (length !== undefined) code += `for(let i${a}=0;i${a}<${length};i${a}++){${body.code}${a}.push(${body.value});}`
  else if (lengthSize !== undefined) {
    const little = item['lengthEndianness'] === 'little'
    code += `if(o+${lengthSize}>${end})throw H.trunc(${q(join(path, 'length'))},o,${lengthSize},${end}-o);const c${a}=${readUint(lengthSize, little, 'o')};o+=${lengthSize};for(let i${a}=0;i${a}<c${a};i${a}++){${body.code}${a}.push(${body.value});}`
  } else code += `while(o<${end}){${body.code}${a}.push(${body.value});}`
  return { code, value: a }
}

function decSwitch(g: Gen, item: AnyItem, path: string, end: string): { code: string; value: string | undefined } {
  const idSize = item['idSize'] as number
  const little = item['idEndianness'] === 'little'
  const tag = (item['idTag'] as string | undefined) ?? 'id'
  const id = g.v('s')
  const out = g.v('w')
  let code = `if(o+${idSize}>${end})throw H.trunc(${q(join(path, tag))},o,${idSize},${end}-o);const ${id}=${readUint(idSize, little, 'o')};o+=${idSize};let ${out};switch(${id}){`
  const ids: number[] = []
  for (const [idSpec, layout] of item['layouts'] as [number | [number, unknown], Layout][]) {
    const [idNum, mapped] = Array.isArray(idSpec) ? idSpec : [idSpec, idSpec]
    ids.push(idNum)
    const sub = decLayout(g, layout, path, end)
    code += `case ${idNum}:{${sub.code}${out}=${sub.value};${out}[${q(tag)}]=${g.k(mapped)};break;}`
  }
  code += `default:throw H.range(${q(join(path, tag))},o-${idSize},${q(`one of ${ids.join('/')}`)},${id});}`
  return { code, value: out }
}

function decLayoutOrItem(g: Gen, layout: Layout, path: string, end: string): { code: string; value: string } {
  if (Array.isArray(layout)) return decLayout(g, layout, path, end)
  const r = decItem(g, layout as AnyItem, path, end)
  return { code: r.code, value: r.value ?? 'undefined' }
}

function decLayout(g: Gen, layout: Layout, path: string, end: string): { code: string; value: string } {
  if (!Array.isArray(layout)) return decLayoutOrItem(g, layout, path, end)
  let code = ''
  const fields: string[] = []
  const items = layout as AnyItem[]
  const isNum = (it: AnyItem | undefined) => it !== undefined && (it['binary'] === 'uint' || it['binary'] === 'int')
  for (let i = 0; i < items.length; i++) {
    // A run of integers shares one bounds check; the rare failing path finds the field to name.
    let run = 0
    while (isNum(items[i + run])) run++
    if (run > 1) {
      let total = 0
      // The rare path decodes the run item by item, so it throws at the first bad field (a fixed
      // value before the truncation, say), exactly as the unbatched code and binary-layout do.
      let slow = ''
      for (let k = 0; k < run; k++) {
        const it = items[i + k]!
        total += it['size'] as number
        slow += decNum(g, it, join(path, it['name'] as string), end).code
      }
      code += `if(o+${total}>${end}){${slow}throw H.trunc(${q(path || 'value')},o,${total},${end}-o);}`
      for (let k = 0; k < run; k++) {
        const it = items[i + k]!
        const name = it['name'] as string
        const r = decNum(g, it, join(path, name), end, true)
        code += r.code
        if (r.value !== undefined) fields.push(`${q(name)}:${r.value}`)
      }
      i += run - 1
      continue
    }
    const item = items[i]!
    const name = item['name'] as string
    const r = decItem(g, item, join(path, name), end)
    code += r.code
    if (r.value !== undefined) fields.push(`${q(name)}:${r.value}`)
  }
  return { code, value: `{${fields.join(',')}}` }
}

// ---------------------------------------------------------------- encoding

function ensure(n: number | string): string {
  return `if(o+${n}>b.length)b=S.grow(B0,o,o+${n});`
}

function encItem(g: Gen, item: AnyItem, path: string, x: string): string {
  switch (item['binary']) {
    case 'uint':
    case 'int':
      return encNum(g, item, path, x)
    case 'bytes':
      return encBytes(g, item, path, x)
    case 'array':
      return encArray(g, item, path, x)
    case 'switch':
      return encSwitch(g, item, path, x)
    default:
      throw new Error(`fast path: unknown item ${String(item['binary'])}`)
  }
}

function encNum(g: Gen, item: AnyItem, path: string, x: string): string {
  const { size, little, signed: isSigned } = numericItem(item)
  const custom = item['custom']
  const v = g.v()
  let code = ''
  if (typeof custom === 'number') {
    if (item['omit']) code += `const ${v}=${custom};`
    else code += `const ${v}=${x};if(${v}!==${custom})throw H.enc(${q(path)},${q(`the fixed value ${custom}`)},${v});`
  } else if (isFixedConversion(custom)) {
    code += `const ${v}=${custom.from};`
  } else {
    code += `let ${v}=${x};`
    const meta = metaOf(custom)
    if (meta?.kind === 'range')
      code += `if(!(${v}>=${meta.min}&&${v}<=${meta.max}))throw H.enc(${q(path)},${q(`${meta.min}..${meta.max}`)},${v});`
    else if (meta?.kind === 'oneOf')
      code += `if(${meta.values.map((y) => `${v}!==${y}`).join('&&')})throw H.enc(${q(path)},${q(`one of ${meta.values.join('/')}`)},${v});`
    else if (custom !== undefined)
      code += `try{${v}=${g.k(custom)}.from(${v})}catch(e){throw H.enc(${q(path)},'a convertible value',${v},e)}`
  }
  const lo = isSigned ? -(2 ** (8 * size - 1)) : 0
  const hi = isSigned ? 2 ** (8 * size - 1) - 1 : 2 ** (8 * size) - 1
  code += `if(typeof ${v}!=='number'||!Number.isInteger(${v})||${v}<${lo}||${v}>${hi})throw H.enc(${q(path)},${q(`an integer in ${lo}..${hi}`)},${v});`
  code += ensure(size)
  code += writeUint(size, little, 'o', isSigned ? `(${v}<0?${v}+${2 ** (8 * size)}:${v})` : v)
  code += `o+=${size};`
  return code
}

function encBytes(g: Gen, item: AnyItem, path: string, x: string): string {
  const custom = item['custom']
  const layout = item['layout'] as Layout | undefined
  const fixed = isUintArray(custom)
    ? custom
    : isFixedConversion(custom) && isUintArray(custom.from)
      ? custom.from
      : null
  if (fixed) {
    return `${ensure(fixed.length)}b.set(${g.k(fixed)},o);o+=${fixed.length};`
  }
  const size = item['size'] as number | undefined
  const lengthSize = item['lengthSize'] as number | undefined
  const little = item['lengthEndianness'] === 'little'
  const meta = metaOf(custom)
  let code = ''
  if (layout !== undefined) {
    let inner = x
    if (custom !== undefined) {
      inner = g.v()
      code += `let ${inner};try{${inner}=${g.k(custom)}.from(${x})}catch(e){throw H.enc(${q(path)},'a convertible value',${x},e)}`
    }
    const start = g.v('p')
    if (lengthSize !== undefined) code += `${ensure(lengthSize)}const ${start}=o;o+=${lengthSize};`
    else code += `const ${start}=o;`
    code += encLayout(g, layout, path, inner)
    if (lengthSize !== undefined) {
      const n = g.v('n')
      code += `const ${n}=o-${start}-${lengthSize};if(${n}>${2 ** (8 * lengthSize) - 1})throw H.enc(${q(path)},'a length that fits its prefix',${n});${writeUint(lengthSize, little, start, n)}`
    } else if (size !== undefined) {
      code += `if(o-${start}!==${size})throw H.enc(${q(path)},${q(`${size} bytes`)},o-${start});`
    }
    return code
  }
  const raw = g.v('r')
  if (meta?.kind === 'perLength') {
    code += `const ${raw}=${x};if(!H.isBytes(${raw}))throw H.enc(${q(path)},'a Uint8Array',${raw});const l${raw}=${raw}.length;if(l${raw}>${meta.max})throw H.enc(${q(path)},'at most 0x3fff bytes (unfragmented PER length)',l${raw});${ensure(`l${raw}+2`)}if(l${raw}<128){b[o++]=l${raw}}else{b[o++]=128|(l${raw}>>8);b[o++]=l${raw}&255}b.set(${raw},o);o+=l${raw};`
    return code
  }
  if (custom === undefined || meta?.kind === 'exactSize') {
    code += `const ${raw}=${x};if(!H.isBytes(${raw}))throw H.enc(${q(path)},'a Uint8Array',${raw});`
    if (meta?.kind === 'exactSize')
      code += `if(${raw}.length!==${meta.size})throw H.enc(${q(path)},${q(`exactly ${meta.size} bytes`)},${raw}.length);`
  } else {
    code += `let ${raw};try{${raw}=${g.k(custom)}.from(${x})}catch(e){throw H.enc(${q(path)},'a convertible value',${x},e)}`
  }
  if (size !== undefined)
    code += `if(${raw}.length!==${size})throw H.enc(${q(path)},${q(`${size} bytes`)},${raw}.length);`
  if (lengthSize !== undefined) {
    code += `if(${raw}.length>${2 ** (8 * lengthSize) - 1})throw H.enc(${q(path)},'a length that fits its prefix',${raw}.length);${ensure(lengthSize)}${writeUint(lengthSize, little, 'o', `${raw}.length`)}o+=${lengthSize};`
  }
  code += `${ensure(`${raw}.length`)}b.set(${raw},o);o+=${raw}.length;`
  return code
}

function encArray(g: Gen, item: AnyItem, path: string, x: string): string {
  const length = item['length'] as number | undefined
  const lengthSize = item['lengthSize'] as number | undefined
  const little = item['lengthEndianness'] === 'little'
  const a = g.v('a')
  let code = `const ${a}=${x};if(!Array.isArray(${a}))throw H.enc(${q(path)},'an array',${a});`
  if (length !== undefined)
    code += `if(${a}.length!==${length})throw H.enc(${q(path)},${q(`${length} elements`)},${a}.length);`
  if (lengthSize !== undefined)
    code += `if(${a}.length>${2 ** (8 * lengthSize) - 1})throw H.enc(${q(path)},'a count that fits its prefix',${a}.length);${ensure(lengthSize)}${writeUint(lengthSize, little, 'o', `${a}.length`)}o+=${lengthSize};`
  const el = g.v('x')
  code += `for(const ${el} of ${a}){${encLayoutOrItem(g, item['layout'] as Layout, `${path}[]`, el)}}`
  return code
}

function encSwitch(g: Gen, item: AnyItem, path: string, x: string): string {
  const idSize = item['idSize'] as number
  const little = item['idEndianness'] === 'little'
  const tag = (item['idTag'] as string | undefined) ?? 'id'
  const s = g.v('s')
  let code = `const ${s}=${x};switch(${s}[${q(tag)}]){`
  for (const [idSpec, layout] of item['layouts'] as [number | [number, unknown], Layout][]) {
    const [idNum, mapped] = Array.isArray(idSpec) ? idSpec : [idSpec, idSpec]
    code += `case ${q(mapped)}:{${ensure(idSize)}${writeUint(idSize, little, 'o', String(idNum))}o+=${idSize};${encLayout(g, layout, path, s)}break;}`
  }
  code += `default:throw H.enc(${q(join(path, tag))},'a known variant',${s}[${q(tag)}]);}`
  return code
}

function encLayoutOrItem(g: Gen, layout: Layout, path: string, x: string): string {
  if (Array.isArray(layout)) return encLayout(g, layout, path, x)
  return encItem(g, layout as AnyItem, path, x)
}

function encLayout(g: Gen, layout: Layout, path: string, x: string): string {
  if (!Array.isArray(layout)) return encItem(g, layout as AnyItem, path, x)
  const obj = g.v('y')
  let code = `const ${obj}=${x};if(typeof ${obj}!=='object'||${obj}===null)throw H.enc(${q(path || 'value')},'an object',${obj});`
  for (const item of layout as AnyItem[]) {
    const name = item['name'] as string
    code += encItem(g, item, path ? `${path}.${name}` : name, `${obj}[${q(name)}]`)
  }
  return code
}

/**
 * Output pool in the manner of Node's Buffer.allocUnsafe: encoders write straight into a shared
 * ArrayBuffer at a bump pointer and return a view; regions are never reused, so a result costs a
 * view, not a new backing store. Encoders are synchronous and no conversion calls an encoder.
 */
const POOL_SIZE = 1 << 16
const pool = {
  b: new Uint8Array(POOL_SIZE),
  used: 0,
  /** Start offset for the next encoding, opening a fresh pool when little room is left. */
  start(): number {
    if (pool.used > pool.b.length - 4096) {
      pool.b = new Uint8Array(POOL_SIZE)
      pool.used = 0
    }
    return pool.used
  },
  /** Moves the bytes written so far ([start, o)) to a larger pool at the same offsets. */
  grow(start: number, o: number, need: number): Uint8Array {
    const next = new Uint8Array(Math.max(POOL_SIZE, 2 * need))
    next.set(pool.b.subarray(start, o), start)
    pool.b = next
    return next
  },
}

/** Compiles `layout` into a decoder and an encoder with binary-layout's semantics. */
export function compileLayout<T>(layout: Layout, name: string): Compiled<T> {
  const dg = new Gen()
  const d = decLayoutOrItem(dg, layout, '', 'n')
  const decodeSource = `const utf16=H.utf16;return function decode_${name}(b){const n=b.length;let o=0;${d.code}if(o!==n)throw H.trailing(${q(name)},o,n-o);return ${d.value};}`
  const eg = new Gen()
  const e = encLayoutOrItem(eg, layout, '', 'v')
  const encodeSource = `return function encode_${name}(v){const B0=S.start();let b=S.b;let o=B0;${e}S.used=(o+7)&~7;return b.subarray(B0,o);}`
  const decode = new Function('H', 'K', decodeSource)(helpers, dg.consts) as (bytes: Uint8Array) => T
  const encode = new Function('H', 'K', 'S', encodeSource)(helpers, eg.consts, pool) as (value: T) => Uint8Array
  return { decode, encode, source: { decode: decodeSource, encode: encodeSource } }
}
