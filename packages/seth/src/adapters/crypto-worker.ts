// Worker thread body for adapters/worker-crypto.ts: runs a packed batch of jobs.
// Request record: kind (1 byte: 0 recover, 1 sign), recovery id (1 byte), then 96 bytes
// (hash ‖ r ‖ s) for recover or 32 bytes (digest) for sign. Response record: status
// (1 byte: 1 ok) then 65 bytes (public key) or 64 bytes (signature).
import { parentPort, workerData } from 'node:worker_threads'
import { secpBackend as ecc } from '../secp256k1.js'

export const RECOVER_IN = 98
export const SIGN_IN = 34
export const RECOVER_OUT = 66
export const SIGN_OUT = 65

const secretKey = (workerData as { secretKey: Uint8Array } | null)?.secretKey
if (parentPort !== null && secretKey !== undefined) {
  const port = parentPort
  port.on('message', (buf: Uint8Array) => {
    const out: Uint8Array[] = []
    let size = 0
    for (let o = 0; o < buf.length; ) {
      const kind = buf[o]!
      let rec: Uint8Array
      try {
        if (kind === 0) {
          const pub = ecc.recover(buf.subarray(o + 2, o + 34), buf.subarray(o + 34, o + 98), buf[o + 1] as 0 | 1)
          rec = new Uint8Array(RECOVER_OUT)
          if (pub !== null) {
            rec[0] = 1
            rec.set(pub, 1)
          }
        } else {
          rec = new Uint8Array(SIGN_OUT)
          rec[0] = 1
          rec.set(ecc.sign(buf.subarray(o + 2, o + 34), secretKey), 1)
        }
      } catch {
        rec = new Uint8Array(kind === 0 ? RECOVER_OUT : SIGN_OUT)
      }
      out.push(rec)
      size += rec.length
      o += kind === 0 ? RECOVER_IN : SIGN_IN
    }
    const res = new Uint8Array(size)
    let p = 0
    for (const r of out) {
      res.set(r, p)
      p += r.length
    }
    port.postMessage(res, [res.buffer])
  })
}
