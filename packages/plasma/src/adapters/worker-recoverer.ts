// Signature recovery spread over worker threads (one per core by default): the operator's
// answer to a throughput target that one core cannot meet.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { SignatureRecoverer } from '../recoverer.js'
import type { Address, SignedTransaction } from '../transaction.js'

export interface WorkerRecovererOptions {
  /** Worker threads; default: available parallelism. */
  readonly threads?: number
  /** Below this many transactions, recover on the calling thread's first worker only. */
  readonly minBatchPerThread?: number
}

export function workerRecoverer(
  options: WorkerRecovererOptions = {},
): SignatureRecoverer & { readonly threads: number } {
  const threads = Math.max(1, options.threads ?? availableParallelism())
  const minPer = options.minBatchPerThread ?? 64
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./recover-worker.js', import.meta.url)))
  for (const w of workers) w.unref()
  const waiting = new Map<
    number,
    { worker: Worker; resolve: (out: Uint8Array) => void; reject: (err: Error) => void }
  >()
  let nextId = 0
  for (const w of workers) {
    w.on('message', (m: { id: number; out: Uint8Array }) => {
      const job = waiting.get(m.id)
      waiting.delete(m.id)
      job?.resolve(m.out)
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

  const run = (w: Worker, txs: readonly SignedTransaction[]) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++
      const txBytes = new Uint8Array(256 * txs.length)
      const sigs = new Uint8Array(130 * txs.length)
      for (const [k, s] of txs.entries()) {
        txBytes.set(s.txBytes, 256 * k)
        sigs.set(s.sigs, 130 * k)
      }
      waiting.set(id, { worker: w, resolve, reject })
      w.postMessage({ id, txBytes, sigs, n: txs.length }, [txBytes.buffer, sigs.buffer])
    })

  const recoverAndHash = async (txs: readonly SignedTransaction[]) => {
    const parts = Math.max(1, Math.min(threads, Math.floor(txs.length / minPer)))
    const size = Math.ceil(txs.length / parts)
    const chunks = await Promise.all(workers.slice(0, parts).map((w, p) => run(w, txs.slice(p * size, (p + 1) * size))))
    const signers: Array<[Address | undefined, Address | undefined]> = []
    const leaves: Uint8Array[] = []
    for (const chunk of chunks) {
      for (let k = 0; k < chunk.length / 72; k++) {
        const pick = (i: number): Address | undefined => {
          const a = chunk.subarray(72 * k + 20 * i, 72 * k + 20 * i + 20)
          return a.some((b) => b !== 0) ? `0x${bytesToHex(a)}` : undefined
        }
        signers.push([pick(0), pick(1)])
        leaves.push(chunk.subarray(72 * k + 40, 72 * k + 72))
      }
    }
    return { signers, leaves }
  }

  return {
    threads,
    recoverAndHash,
    async recoverInputs(txs) {
      return (await recoverAndHash(txs)).signers
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
