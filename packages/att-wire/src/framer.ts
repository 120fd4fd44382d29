// Streaming framer for TCP (RFC 1006 framing): bytes arrive split or coalesced anywhere; whole ATT
// frames come out. Garbage yields a typed error after every whole frame that preceded it.

import { FrameGarbageError, FrameTooLargeError } from './errors.js'

/** Options of {@link createFramer}. */
export interface FramerOptions {
  /** Largest frame accepted, in bytes (default 16 398: the largest unfragmented ATT frame). */
  readonly maxFrameSize?: number
}

/** What one {@link Framer.push} produced. */
export interface FramerResult {
  /** Whole frames, in order, each its own copy. */
  readonly frames: Uint8Array[]
  /** Set once the stream held garbage; the framer then stays failed. */
  readonly error: FrameGarbageError | FrameTooLargeError | undefined
}

export interface Framer {
  push(chunk: Uint8Array): FramerResult
  /** Bytes held that do not yet form a whole frame. */
  readonly buffered: number
  /** Stream offset of the next unconsumed byte. */
  readonly offset: number
}

/** Default maximum: 14 header bytes + 2-byte PER length + 0x3fff payload. */
export const DEFAULT_MAX_FRAME_SIZE = 15 + 0x3fff

/** Smallest possible frame: ATT head (4) + TPTP head (3). */
const MIN_FRAME = 7

export function createFramer(options: FramerOptions = {}): Framer {
  const maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE
  let buf = new Uint8Array(0)
  let start = 0
  let end = 0
  let consumed = 0
  let failure: FrameGarbageError | FrameTooLargeError | undefined

  function append(chunk: Uint8Array) {
    if (end + chunk.length > buf.length) {
      const live = end - start
      const need = live + chunk.length
      const next = need <= buf.length ? buf : new Uint8Array(Math.max(need, buf.length * 2, 1024))
      next.set(buf.subarray(start, end), 0)
      buf = next
      start = 0
      end = live
    }
    buf.set(chunk, end)
    end += chunk.length
  }

  return {
    get buffered() {
      return end - start
    },
    get offset() {
      return consumed
    },
    push(chunk) {
      const frames: Uint8Array[] = []
      if (failure) return { frames, error: failure }
      append(chunk)
      while (end - start >= 1) {
        if (buf[start] !== 3) {
          failure = new FrameGarbageError(consumed, buf.slice(start, Math.min(end, start + 4)), 'ATT head version 0x03')
          break
        }
        if (end - start < 2) break
        if (buf[start + 1] !== 0) {
          failure = new FrameGarbageError(consumed, buf.slice(start, Math.min(end, start + 4)), 'reserved byte 0x00')
          break
        }
        if (end - start < 4) break
        const length = (buf[start + 2]! << 8) | buf[start + 3]!
        if (length < MIN_FRAME) {
          failure = new FrameGarbageError(consumed, buf.slice(start, start + 4), `a length of at least ${MIN_FRAME}`)
          break
        }
        if (length > maxFrameSize) {
          failure = new FrameTooLargeError(consumed, length, maxFrameSize)
          break
        }
        if (end - start < length) break
        frames.push(buf.slice(start, start + length))
        start += length
        consumed += length
      }
      if (start === end) {
        start = 0
        end = 0
      }
      return { frames, error: failure }
    },
  }
}
