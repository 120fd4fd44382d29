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
  const waiting = new Map<number, (out: Uint8Array) => void>()
  let nextId = 0
  for (const w of workers) w.on('message', (m: { id: number; out: Uint8Array }) => waiting.get(m.id)?.(m.out))

  const run = (w: Worker, txs: readonly SignedTransaction[]) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++
      const txBytes = new Uint8Array(256 * txs.length)
      const sigs = new Uint8Array(130 * txs.length)
      for (const [k, s] of txs.entries()) {
        txBytes.set(s.txBytes, 256 * k)
        sigs.set(s.sigs, 130 * k)
      }
      const onError = (err: Error) => reject(err)
      w.once('error', onError)
      waiting.set(id, (out) => {
        waiting.delete(id)
        w.off('error', onError)
        resolve(out)
      })
      w.postMessage({ id, txBytes, sigs, n: txs.length }, [txBytes.buffer, sigs.buffer])
    })

  return {
    threads,
    async recoverInputs(txs) {
      const parts = Math.max(1, Math.min(threads, Math.floor(txs.length / minPer)))
      const size = Math.ceil(txs.length / parts)
      const chunks = await Promise.all(
        workers.slice(0, parts).map((w, p) => run(w, txs.slice(p * size, (p + 1) * size))),
      )
      const out: Array<[Address | undefined, Address | undefined]> = []
      for (const chunk of chunks) {
        for (let k = 0; k < chunk.length / 40; k++) {
          const pick = (i: number): Address | undefined => {
            const a = chunk.subarray(40 * k + 20 * i, 40 * k + 20 * i + 20)
            return a.some((b) => b !== 0) ? `0x${bytesToHex(a)}` : undefined
          }
          out.push([pick(0), pick(1)])
        }
      }
      return out
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
