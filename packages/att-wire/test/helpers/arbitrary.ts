// fast-check arbitraries derived from the layout declarations themselves, plus the per-structure
// completion of length fields that the layout language cannot relate.
import type { Layout } from 'binary-layout'
import fc from 'fast-check'
import type { Codec } from '../../src/codec/codec.js'
import { metaOf } from '../../src/codec/items.js'
import { endpointCodec } from '../../src/connection/identity.js'
import { attFrame, attFrameCodec } from '../../src/layouts/att.js'
import { licenceRequestCodec, licenceResultCodec } from '../../src/layouts/licence.js'
import { login, loginCodec } from '../../src/layouts/login.js'
import {
  attachUserConfirm,
  attachUserConfirmCodec,
  channelJoinConfirm,
  channelJoinConfirmCodec,
  mcsResult,
} from '../../src/layouts/mcs.js'
import { SHARE_HEADERS_SIZE, shareDataCodec } from '../../src/layouts/share.js'
import { connectInitialHeadCodec, connectResponseHeadCodec } from '../../src/layouts/tptp.js'

type Item = Record<string, unknown>
type Arb = fc.Arbitrary<unknown>

const codeUnit = fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c))
export const utf16String = fc.string({ unit: codeUnit, maxLength: 12 })

function numArb(item: Item): Arb {
  const size = item['size'] as number
  const custom = item['custom']
  const meta = metaOf(custom)
  if (meta?.kind === 'range') return fc.integer({ min: meta.min, max: meta.max })
  if (meta?.kind === 'oneOf') return fc.constantFrom(...meta.values)
  if (meta?.kind === 'mapped') return fc.constantFrom(...meta.values)
  if (typeof custom === 'number') return fc.constant(custom)
  if (item['binary'] === 'int') return fc.integer({ min: -(2 ** (8 * size - 1)), max: 2 ** (8 * size - 1) - 1 })
  return fc.integer({ min: 0, max: 2 ** (8 * size) - 1 })
}

function bytesArb(item: Item): Arb {
  const custom = item['custom']
  const meta = metaOf(custom)
  if (item['layout'] !== undefined) {
    const inner = layoutArb(item['layout'] as Layout)
    if (custom !== undefined && custom !== null && typeof custom === 'object' && 'to' in custom) {
      return inner.map((v) => (custom as { to: (x: unknown) => unknown }).to(v))
    }
    return inner
  }
  if (meta?.kind === 'perLength') return fc.uint8Array({ maxLength: 300 })
  if (meta?.kind === 'perLengthValue') return fc.integer({ min: 0, max: 0x3fff })
  if (meta?.kind === 'berUint') return fc.integer({ min: meta.min, max: meta.max })
  if (meta?.kind === 'perUint')
    return fc.oneof(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xffff }), fc.nat({ max: 0xffffffff }))
  if (meta?.kind === 'optionalUint16') return fc.option(fc.integer({ min: 0, max: meta.max }), { nil: null })
  if (meta?.kind === 'exactSize') return fc.uint8Array({ minLength: meta.size, maxLength: meta.size })
  if (meta?.kind === 'utf16zSequence') {
    const rec: Record<string, Arb> = { extra: fc.uint8Array({ maxLength: 40 }) }
    for (const n of meta.names) rec[n] = utf16String
    return fc.record(rec)
  }
  const size = item['size'] as number | undefined
  if (size !== undefined) return fc.uint8Array({ minLength: size, maxLength: size })
  return fc.uint8Array({ maxLength: 64 })
}

function itemArb(item: Item): Arb | undefined {
  if (item['omit']) return undefined
  switch (item['binary']) {
    case 'uint':
    case 'int':
      return numArb(item)
    case 'bytes':
      return bytesArb(item)
    case 'array':
      return fc.array(layoutArb(item['layout'] as Layout), { maxLength: 8 })
    case 'switch': {
      const tag = (item['idTag'] as string | undefined) ?? 'id'
      return fc.oneof(
        ...(item['layouts'] as [number | [number, unknown], Layout][]).map(([id, layout]) => {
          const mapped = Array.isArray(id) ? id[1] : id
          return layoutArb(layout).map((v) => ({ ...(v as object), [tag]: mapped }))
        }),
      )
    }
    default:
      throw new Error(`no arbitrary for ${String(item['binary'])}`)
  }
}

/** Values of any layout, straight from its declaration. */
export function layoutArb(layout: Layout): Arb {
  if (!Array.isArray(layout)) return itemArb(layout as unknown as Item) ?? fc.constant(undefined)
  const rec: Record<string, Arb> = {}
  for (const item of layout as Item[]) {
    const a = itemArb(item)
    if (a) rec[item['name'] as string] = a
  }
  return fc.record(rec)
}

/** Fixes the length fields that count other fields, so the value satisfies the codec's checks. */
// biome-ignore lint/suspicious/noExplicitAny: values of heterogeneous codecs
export function complete(codec: Codec<any, any>, value: any): any {
  if (codec === attFrameCodec) return attFrame(value)
  if (codec === endpointCodec) return { ...value, host: Buffer.from(value.host).toString('hex').slice(0, 200) }
  if (codec === shareDataCodec) {
    return {
      ...value,
      totalLength: SHARE_HEADERS_SIZE + value.payload.length,
      uncompressedLength: value.payload.length,
    }
  }
  if (codec === loginCodec) {
    return { ...login({ ...value, ...value.strings }), codePage: value.codePage, flags: (value.flags | 0x10) >>> 0 }
  }
  if (codec === licenceRequestCodec || codec === licenceResultCodec) {
    const v = { ...value, flags: value.flags | 0x80, version: (value.version & 0x80) | (value.version & 1 ? 2 : 3) }
    return { ...v, msgSize: codec.encode({ ...v, msgSize: 0 }).length - 4 }
  }
  if (codec === attachUserConfirmCodec) return attachUserConfirm(mcsResult(value.head), value.initiator)
  if (codec === channelJoinConfirmCodec) return channelJoinConfirm({ ...value, result: mcsResult(value.head) })
  if (codec === connectInitialHeadCodec || codec === connectResponseHeadCodec) {
    const size = codec.encode({ ...value, length: 0 }).length
    const userDataLength = Math.min(value.userDataLength, 0xffff - (size - 5))
    return { ...value, userDataLength, length: size - 5 + userDataLength }
  }
  if ('totalLength' in value) return { ...value, totalLength: Math.max(value.totalLength, 18) }
  if ('length' in value && !('payload' in value)) return { ...value, length: Math.max(value.length, 7) }
  return value
}
