// The basic types of protocol messages (seed 5.3.5): U8, U16, U32, S8, S16, S32, big-endian by
// default, and the little-endian ("byte inversion") forms the seed's tables use elsewhere.

import type { Layout } from 'binary-layout'

export const U8 = { binary: 'uint', size: 1 } as const satisfies Layout
export const U16 = { binary: 'uint', size: 2 } as const satisfies Layout
export const U32 = { binary: 'uint', size: 4 } as const satisfies Layout
export const S8 = { binary: 'int', size: 1 } as const satisfies Layout
export const S16 = { binary: 'int', size: 2 } as const satisfies Layout
export const S32 = { binary: 'int', size: 4 } as const satisfies Layout
export const U16LE = { binary: 'uint', size: 2, endianness: 'little' } as const satisfies Layout
export const U32LE = { binary: 'uint', size: 4, endianness: 'little' } as const satisfies Layout
