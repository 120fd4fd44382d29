// TPTP protocol messages (seed 5.3.5): a U8 message type, then big-endian U8/U16/U32/S8/S16/S32 fields.
// Version and security-method negotiation, encodings and pseudo-encodings (seed 3.2.5), and the
// signed Hellos and SUCCESS of the contract-mediated connection (seed 1.9).

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { S32, U8, U16 } from './basic.js'

const helloFields = [
  { name: 'requestId', binary: 'bytes', size: 32 },
  { name: 'identityKey', binary: 'bytes', size: 32 },
  { name: 'ephemeralKey', binary: 'bytes', size: 32 },
  { name: 'signature', binary: 'bytes', size: 64 },
] as const satisfies Layout

const s32List = { binary: 'array', lengthSize: 2, layout: S32 } as const

export const tptpMessageLayout = {
  binary: 'switch',
  idSize: 1,
  idTag: 'type',
  layouts: [
    [
      [0x01, 'version'],
      [
        { name: 'major', ...U16 },
        { name: 'minor', ...U16 },
      ],
    ],
    [[0x02, 'securityMethods'], [{ name: 'methods', binary: 'array', lengthSize: 1, layout: U8 }]],
    [[0x03, 'securityChoice'], [{ name: 'method', ...U8 }]],
    [
      [0x04, 'setEncodings'],
      [
        { name: 'padding', binary: 'uint', size: 1, custom: 0, omit: true },
        { name: 'encodings', ...s32List },
      ],
    ],
    [[0x05, 'encodingsConfirm'], [{ name: 'encodings', ...s32List }]],
    [[0x10, 'helloResponder'], helloFields],
    [[0x11, 'helloInitiator'], helloFields],
    [[0x12, 'success'], []],
    [[0x13, 'data'], [{ name: 'data', binary: 'bytes' }]],
  ],
} as const satisfies Layout

export type TptpMessage = DeriveType<typeof tptpMessageLayout>
export type TptpMessageType = TptpMessage['type']
export type TptpMessageOf<K extends TptpMessageType> = Extract<TptpMessage, { type: K }>

export const tptpMessageCodec = defineCodec('tptpMessage', tptpMessageLayout)
