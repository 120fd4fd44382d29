// Signature recovery spread over worker threads (one per core by default): the operator's
// answer to a throughput target that one core cannot meet. A batch travels as one
// transferred buffer per worker (n × 386 bytes there, n × 72 back), never as per-transaction
// messages; the calling thread meanwhile decodes and validates other batches.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { SignatureRecoverer } from '../recoverer.js'
import { type Address, SIGS_LENGTH, type SignedTransaction, TX_LENGTH } from '../transaction.js'
import { RESULT_ITEM, WIRE_ITEM } from './recover-batch.js'

export interface WorkerRecovererOptions {
  /** Worker threads; default: available parallelism. */
  readonly threads?: number
  /** A batch is split over several workers only in parts of at least this many transactions. */
  readonly minBatchPerThread?: number
}

export function workerRecoverer(
  options: WorkerRecovererOptions = {},
): SignatureRecoverer & { readonly threads: number } {
  const threads = Math.max(1, options.threads ?? availableParallelism())
  const minPer = options.minBatchPerThread ?? 64
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./recover-worker.js', import.meta.url)))
  /** Transactions queued at each worker, to hand the next part to the least loaded one. */
  const queued = workers.map(() => 0)
  for (const w of workers) w.unref()
  const waiting = new Map<
    number,
    { worker: Worker; n: number; resolve: (out: Uint8Array) => void; reject: (err: Error) => void }
  >()
  let nextId = 0
  for (const [index, w] of workers.entries()) {
    w.on('message', (m: { id: number; out: Uint8Array }) => {
      const job = waiting.get(m.id)
      waiting.delete(m.id)
      if (!job) return
      queued[index] = (queued[index] as number) - job.n
      job.resolve(m.out)
    })
    // A dead worker fails every job it holds.
    w.on('error', (err) => {
      for (const [id, job] of waiting) {
        if (job.worker !== w) continue
        waiting.delete(id)
        job.reject(err)
      }
    })
  }

  const run = (wire: Uint8Array, n: number) =>
    new Promise<Uint8Array>((resolve, reject) => {
      let index = 0
      for (let i = 1; i < threads; i++) if ((queued[i] as number) < (queued[index] as number)) index = i
      const w = workers[index] as Worker
      queued[index] = (queued[index] as number) + n
      const id = nextId++
      waiting.set(id, { worker: w, n, resolve, reject })
      // A copy the worker owns (transferred, not cloned); the caller keeps `wire` intact.
      const part = wire.slice()
      w.postMessage({ id, wire: part, n }, [part.buffer as ArrayBuffer])
    })

  const recoverEncoded = async (wire: Uint8Array, n: number): Promise<Uint8Array> => {
    const parts = Math.max(1, Math.min(threads, Math.floor(n / minPer)))
    if (parts === 1) return run(wire.subarray(0, WIRE_ITEM * n), n)
    const size = Math.ceil(n / parts)
    const chunks = await Promise.all(
      Array.from({ length: parts }, (_, p) => {
        const from = p * size
        const to = Math.min(n, from + size)
        return run(wire.subarray(WIRE_ITEM * from, WIRE_ITEM * to), to - from)
      }),
    )
    const out = new Uint8Array(RESULT_ITEM * n)
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }

  const recoverAndHash = async (txs: readonly SignedTransaction[]) => {
    const wire = new Uint8Array(WIRE_ITEM * txs.length)
    for (const [k, s] of txs.entries()) {
      wire.set(s.txBytes.subarray(0, TX_LENGTH), WIRE_ITEM * k)
      wire.set(s.sigs.subarray(0, SIGS_LENGTH), WIRE_ITEM * k + TX_LENGTH)
    }
    const out = await recoverEncoded(wire, txs.length)
    const signers: Array<[Address | undefined, Address | undefined]> = []
    const leaves: Uint8Array[] = []
    for (let k = 0; k < txs.length; k++) {
      const pick = (i: number): Address | undefined => {
        const a = out.subarray(RESULT_ITEM * k + 20 * i, RESULT_ITEM * k + 20 * i + 20)
        return a.some((b) => b !== 0) ? `0x${bytesToHex(a)}` : undefined
      }
      signers.push([pick(0), pick(1)])
      leaves.push(out.subarray(RESULT_ITEM * k + 40, RESULT_ITEM * k + 72))
    }
    return { signers, leaves }
  }

  return {
    threads,
    recoverAndHash,
    recoverEncoded,
    async recoverInputs(txs) {
      return (await recoverAndHash(txs)).signers
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
