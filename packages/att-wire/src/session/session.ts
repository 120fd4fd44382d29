// End-to-end encrypted session over ATT frames (replaces the seed's RSA/RC4, 5.3.4): per-direction
// ChaCha20-Poly1305 keys from X25519 + HKDF-SHA256, 64-bit counter nonces carried in clear and
// checked strictly in order, the frame header authenticated as associated data.

import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  EncodeError,
  ReorderedRecordError,
  ReplayedRecordError,
  TamperedRecordError,
  UnexpectedMessageError,
} from '../errors.js'
import { ATT_FLAG_HIGH, ATT_RECEIVE, ATT_SEND, attFrameCodec, attFrameSize } from '../layouts/att.js'

/** Which side of the seed 1.9 connection: A records the request and listens; B accepts and dials. */
export type Role = 'initiator' | 'responder'

export interface SessionKeys {
  readonly send: Uint8Array
  readonly receive: Uint8Array
}

const SESSION_INFO = new TextEncoder().encode('att-wire/session/v1')
/** Bytes of sequence number and tag each record adds to its plaintext. */
export const RECORD_OVERHEAD = 8 + 16
/** Largest plaintext one record carries (the ATT payload limit minus the overhead). */
export const MAX_RECORD_PLAINTEXT = 0x3fff - RECORD_OVERHEAD

/**
 * Derives the two direction keys from the ephemeral X25519 exchange, bound to the handshake
 * transcript (both Hellos) through the HKDF salt.
 */
export function deriveSessionKeys(
  role: Role,
  ephemeralSecret: Uint8Array,
  peerEphemeralPublic: Uint8Array,
  transcript: Uint8Array,
): SessionKeys {
  const shared = x25519.getSharedSecret(ephemeralSecret, peerEphemeralPublic)
  const okm = hkdf(sha256, shared, sha256(transcript), SESSION_INFO, 64)
  const initiatorToResponder = okm.slice(0, 32)
  const responderToInitiator = okm.slice(32, 64)
  return role === 'initiator'
    ? { send: initiatorToResponder, receive: responderToInitiator }
    : { send: responderToInitiator, receive: initiatorToResponder }
}

function nonce(seq: bigint): Uint8Array {
  const n = new Uint8Array(12)
  new DataView(n.buffer).setBigUint64(4, seq)
  return n
}

export interface SessionOptions {
  readonly role: Role
  readonly keys: SessionKeys
  /** Virtual channel of the frames this side sends (default 0x03eb). */
  readonly channelId?: number
  /** Initiator (user id − 1001) written in the frames (default 0). */
  readonly initiator?: number
}

/** Opened record: the plaintext and the channel it came on. */
export interface OpenedRecord {
  readonly plaintext: Uint8Array
  readonly channelId: number
  readonly sequence: bigint
}

export interface Session {
  /** Seals `plaintext` into one whole ATT frame. */
  seal(plaintext: Uint8Array, channelId?: number): Uint8Array
  /** Authenticates and decrypts one whole ATT frame; refuses replays, reordering and tampering. */
  open(frame: Uint8Array): OpenedRecord
  readonly sent: bigint
  readonly received: bigint
}

/** Frames from the responder (B, the dialling "client") are type 0x64, from the initiator 0x68. */
function frameType(role: Role): typeof ATT_SEND | typeof ATT_RECEIVE {
  return role === 'responder' ? ATT_SEND : ATT_RECEIVE
}

export function createSession(options: SessionOptions): Session {
  const sendType = frameType(options.role)
  const receiveType = frameType(options.role === 'initiator' ? 'responder' : 'initiator')
  const defaultChannel = options.channelId ?? 0x03eb
  const initiator = options.initiator ?? 0
  let sendSeq = 0n
  let receiveSeq = 0n
  return {
    get sent() {
      return sendSeq
    },
    get received() {
      return receiveSeq
    },
    seal(plaintext, channelId = defaultChannel) {
      if (plaintext.length > MAX_RECORD_PLAINTEXT) {
        throw new EncodeError('plaintext', `at most ${MAX_RECORD_PLAINTEXT} bytes per record`, plaintext.length)
      }
      const payloadLength = plaintext.length + RECORD_OVERHEAD
      const payload = new Uint8Array(payloadLength)
      new DataView(payload.buffer).setBigUint64(0, sendSeq)
      const frame = attFrameCodec.encode({
        length: attFrameSize(payloadLength),
        type: sendType,
        initiator,
        channelId,
        flag: ATT_FLAG_HIGH,
        payload,
      })
      const start = frame.length - payloadLength
      const aad = frame.subarray(0, start + 8)
      const sealed = chacha20poly1305(options.keys.send, nonce(sendSeq), aad).encrypt(plaintext)
      frame.set(sealed, start + 8)
      sendSeq++
      return frame
    },
    open(frameBytes) {
      const frame = attFrameCodec.decode(frameBytes)
      if (frame.type !== receiveType) {
        throw new UnexpectedMessageError(`session ${options.role}`, `frame type 0x${frame.type.toString(16)}`)
      }
      const payload = frame.payload
      if (payload.length < RECORD_OVERHEAD) throw new TamperedRecordError(-1n)
      const seq = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0)
      if (seq < receiveSeq) throw new ReplayedRecordError(seq, receiveSeq)
      if (seq > receiveSeq) throw new ReorderedRecordError(seq, receiveSeq)
      const start = frameBytes.length - payload.length
      const aad = frameBytes.subarray(0, start + 8)
      let plaintext: Uint8Array
      try {
        plaintext = chacha20poly1305(options.keys.receive, nonce(seq), aad).decrypt(payload.subarray(8))
      } catch (e) {
        throw new TamperedRecordError(seq, e)
      }
      receiveSeq++
      return { plaintext, channelId: frame.channelId, sequence: seq }
    },
  }
}
