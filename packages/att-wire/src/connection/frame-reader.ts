// Turns a byte stream into awaited whole frames, with a timeout on the injected clock.

import type { Clock } from '@atmosphere/interfaces'
import { ConnectionError } from '../errors.js'
import { createFramer, type Framer } from '../framer.js'
import type { ByteStream } from './ports.js'

export class FrameReader {
  readonly #framer: Framer
  readonly #frames: Uint8Array[] = []
  #error: Error | undefined
  #waiter: { resolve: (f: Uint8Array) => void; reject: (e: Error) => void } | undefined
  #listener: ((f: Uint8Array) => void) | undefined

  constructor(
    stream: ByteStream,
    private readonly clock: Clock,
    maxFrameSize?: number,
  ) {
    this.#framer = createFramer(maxFrameSize === undefined ? {} : { maxFrameSize })
    stream.onData((chunk) => {
      const { frames, error } = this.#framer.push(chunk)
      for (const f of frames) this.#deliver(f)
      if (error) this.#fail(error)
    })
    stream.onClose((error) => this.#fail(error ?? new ConnectionError('stream closed')))
  }

  #deliver(frame: Uint8Array) {
    if (this.#listener) this.#listener(frame)
    else if (this.#waiter) {
      const w = this.#waiter
      this.#waiter = undefined
      w.resolve(frame)
    } else this.#frames.push(frame)
  }

  #fail(error: Error) {
    if (this.#error) return
    this.#error = error
    const w = this.#waiter
    this.#waiter = undefined
    w?.reject(error)
    this.onError?.(error)
  }

  /** Called once when the stream fails or closes. */
  onError: ((error: Error) => void) | undefined

  /** The next frame, or a rejection on close, garbage or timeout. */
  next(timeoutMs: number): Promise<Uint8Array> {
    const queued = this.#frames.shift()
    if (queued) return Promise.resolve(queued)
    if (this.#error) return Promise.reject(this.#error)
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.#waiter = undefined
        reject(new ConnectionError(`no frame within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiter = {
        resolve: (f) => {
          timer.cancel()
          resolve(f)
        },
        reject: (e) => {
          timer.cancel()
          reject(e)
        },
      }
    })
  }

  /** Switches to push mode: every queued and later frame goes to `listener`. */
  listen(listener: (frame: Uint8Array) => void): void {
    this.#listener = listener
    for (const f of this.#frames.splice(0)) listener(f)
  }
}
