/**
 * ATT and TPTP byte formats, a streaming TCP framer, the contract-mediated peer-to-peer handshake
 * and end-to-end encrypted sessions.
 *
 * @packageDocumentation
 * @example
 * ```ts
 * import { ATT_SEND, decodeAttFrame, encodeAttFrame } from '@atmosphere/att-wire'
 * const bytes = encodeAttFrame({ type: ATT_SEND, initiator: 6, channelId: 0x03eb, flag: 0x70, payload: new Uint8Array([1, 2]) })
 * decodeAttFrame(bytes).payload // Uint8Array [1, 2]
 * ```
 */

export * from './clock.js'
export * from './codec/codec.js'
export * from './codec/items.js'
export * from './connection/handshake.js'
export * from './connection/identity.js'
export * from './connection/memory.js'
export * from './connection/node.js'
export * from './connection/ports.js'
export * from './errors.js'
export * from './framer.js'
export * from './layouts/att.js'
export * from './layouts/basic.js'
export * from './layouts/licence.js'
export * from './layouts/login.js'
export * from './layouts/mcs.js'
export * from './layouts/messages.js'
export * from './layouts/share.js'
export * from './layouts/tptp.js'
export * from './negotiation.js'
export * from './session/session.js'
