// secp256k1 work on worker threads: the jobs queued within one tick travel to a worker as
// one packed, transferred buffer, so the event loop (HTTP, EVM, store) keeps its core.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { SecpOperations } from '../crypto-port.js'
import { secpBackend } from '../secp256k1.js'
import { RECOVER_IN, RECOVER_OUT, SIGN_IN, SIGN_OUT } from './crypto-worker.js'

/** Options of {@link workerSecp}. */
export interface WorkerSecpOptions {
  /** Worker threads; the machine's available parallelism by default. */
  readonly threads?: number
}

interface Pending {
  readonly kind: 0 | 1
  readonly resolve: (v: Uint8Array | null) => void
}

/** Runs recovery and signing on worker threads. */
export function workerSecp(secretKey: Uint8Array, options: WorkerSecpOptions = {}): SecpOperations {
  const n = Math.max(1, options.threads ?? availableParallelism())
  const workers = Array.from({ length: n }, () => {
    const w = new Worker(new URL('./crypto-worker.js', import.meta.url), { workerData: { secretKey } })
    w.unref()
    return { w, inflight: [] as Pending[][] }
  })
  for (const slot of workers) {
    slot.w.on('message', (res: Uint8Array) => {
      const batch = slot.inflight.shift() ?? []
      let o = 0
      for (const p of batch) {
        const len = p.kind === 0 ? RECOVER_OUT : SIGN_OUT
        p.resolve(res[o] === 1 ? res.slice(o + 1, o + len) : null)
        o += len
      }
    })
    slot.w.on('error', () => {
      for (const batch of slot.inflight) for (const p of batch) p.resolve(null)
      slot.inflight.length = 0
    })
  }
  let queue: { kind: 0 | 1; data: Uint8Array; recoveryId: 0 | 1; resolve: (v: Uint8Array | null) => void }[] = []
  let scheduled = false
  let next = 0
  const flush = () => {
    scheduled = false
    const jobs = queue
    queue = []
    // Small ticks go whole to one worker (round robin); large ones are split.
    const parts = jobs.length >= 8 * workers.length ? workers.length : 1
    const per = Math.ceil(jobs.length / parts)
    for (let i = 0; i < parts; i++) {
      const part = jobs.slice(i * per, (i + 1) * per)
      if (part.length === 0) continue
      let size = 0
      for (const j of part) size += j.kind === 0 ? RECOVER_IN : SIGN_IN
      const buf = new Uint8Array(size)
      let o = 0
      for (const j of part) {
        buf[o] = j.kind
        buf[o + 1] = j.recoveryId
        buf.set(j.data, o + 2)
        o += j.kind === 0 ? RECOVER_IN : SIGN_IN
      }
      const slot = workers[next++ % workers.length]!
      slot.inflight.push(part.map((j) => ({ kind: j.kind, resolve: j.resolve })))
      slot.w.postMessage(buf, [buf.buffer])
    }
  }
  const submit = (kind: 0 | 1, data: Uint8Array, recoveryId: 0 | 1) =>
    new Promise<Uint8Array | null>((resolve) => {
      queue.push({ kind, data, recoveryId, resolve })
      if (!scheduled) {
        scheduled = true
        // Wait a millisecond to gather more jobs per message: each postMessage costs a
        // thread wake-up, which on a busy machine costs more than the recovery itself.
        setTimeout(flush, 1)
      }
    })
  return {
    recover(hash, signature, recoveryId) {
      const data = new Uint8Array(96)
      data.set(hash, 0)
      data.set(signature, 32)
      return submit(0, data, recoveryId)
    },
    // One signature per batch (a tick's transactions) is cheaper here than a round trip.
    sign: async (digest) => secpBackend.sign(digest, secretKey),
    async close() {
      await Promise.all(workers.map((s) => s.w.terminate()))
    },
  }
}
