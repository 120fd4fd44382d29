// Encode an ATT frame, decode it back, and see a typed error on a damaged copy.
import { ATT_SEND, DecodeError, decodeAttFrame, encodeAttFrame } from '@atmosphere/att-wire'

const bytes = encodeAttFrame({
  type: ATT_SEND, // 0x64: the client sends
  initiator: 6, // user id 1007
  channelId: 0x03eb,
  flag: 0x70,
  payload: new TextEncoder().encode('hello'),
})
console.log(Buffer.from(bytes).toString('hex')) // 0300001302f08064000603eb700568656c6c6f

const frame = decodeAttFrame(bytes)
console.log(frame.channelId, new TextDecoder().decode(frame.payload)) // 1003 hello

const damaged = bytes.slice()
damaged[11] = 0xff // channel 0x03ff is outside 0x03eb..0x03ee
try {
  decodeAttFrame(damaged)
} catch (e) {
  if (e instanceof DecodeError) console.log(e.name, e.field, e.offset) // OutOfRangeError channelId 10
}
