// Seed 5.3.5 basic types: big-endian, two's complement for S*, little-endian variants.
import test from 'ava'
import { defineCodec } from '../../src/codec/codec.js'
import { TruncatedError } from '../../src/errors.js'
import { S8, S16, S32, U8, U16, U16LE, U32, U32LE } from '../../src/layouts/basic.js'

const all = defineCodec('basic', [
  { name: 'u8', ...U8 },
  { name: 'u16', ...U16 },
  { name: 'u32', ...U32 },
  { name: 's8', ...S8 },
  { name: 's16', ...S16 },
  { name: 's32', ...S32 },
  { name: 'u16le', ...U16LE },
  { name: 'u32le', ...U32LE },
])

test('each type has its size, sign and byte order', (t) => {
  const value = {
    u8: 0xfe,
    u16: 0x1234,
    u32: 0x89abcdef,
    s8: -2,
    s16: -300,
    s32: -70000,
    u16le: 0x1234,
    u32le: 0x89abcdef,
  }
  const bytes = all.encode(value)
  t.is(
    Buffer.from(bytes).toString('hex'),
    ['fe', '1234', '89abcdef', 'fe', 'fed4', 'fffeee90', '3412', 'efcdab89'].join(''),
  )
  t.deepEqual(all.decode(bytes), value)
  t.deepEqual(all.decodeReference(bytes), value)
})

test('bad input is a typed error', (t) => {
  t.throws(() => all.decode(new Uint8Array(5)), { instanceOf: TruncatedError })
  t.throws(() => defineCodec('s8', [{ name: 'x', ...S8 }]).encode({ x: 128 }), { name: 'EncodeError' })
})
