// Worker-thread body of workerRecoverer: recoverBatch over one transferred batch.
// In: { id, wire: n × 386 bytes, n }. Out: { id, out: n × 72 bytes } (transferred back).
import { parentPort } from 'node:worker_threads'
import { recoverBatch } from './recover-batch.js'

parentPort?.on('message', (msg: { id: number; wire: Uint8Array; n: number }) => {
  const out = recoverBatch(msg.wire, msg.n)
  parentPort?.postMessage({ id: msg.id, out }, [out.buffer as ArrayBuffer])
})
