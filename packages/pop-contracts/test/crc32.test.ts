import test from 'ava'
import { crc32 } from '../src/crc32.js'

const ascii = (s: string) => new TextEncoder().encode(s)

test('CRC-32 check value of "123456789" is 0xCBF43926 (IEEE 802.3 / zlib)', (t) => {
  t.is(crc32(ascii('123456789')), 0xcbf43926)
})

test('known answers: empty input and "The quick brown fox jumps over the lazy dog"', (t) => {
  t.is(crc32(new Uint8Array(0)), 0)
  t.is(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339)
})

test('CRC over parts equals CRC over the concatenation', (t) => {
  t.is(crc32(ascii('12345'), ascii('6789')), crc32(ascii('123456789')))
})

test('a single flipped bit changes the CRC', (t) => {
  const a = ascii('header and payload')
  const b = a.slice()
  b[3] = (b[3] as number) ^ 1
  t.not(crc32(a), crc32(b))
})
