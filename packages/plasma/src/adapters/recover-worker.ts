// Worker-thread body of workerRecoverer: recovers input signers for a batch of transactions.
// In: txBytes (256·n) and sigs (130·n). Out: 72·n bytes per batch: for each transaction two
// 20-byte addresses (all-zero where the input is unused or does not recover), then its
// 32-byte block leaf keccak256(tx ‖ sigs).
import { parentPort } from 'node:worker_threads'
import { hexToBytes } from '@noble/hashes/utils.js'
import { leafOf, transactionHash } from '../transaction.js'
import { recoverSignerNative } from './native-recoverer.js'

parentPort?.on('message', (msg: { id: number; txBytes: Uint8Array; sigs: Uint8Array; n: number }) => {
  const out = new Uint8Array(72 * msg.n)
  for (let k = 0; k < msg.n; k++) {
    const txBytes = msg.txBytes.subarray(256 * k, 256 * k + 256)
    const digest = transactionHash(txBytes)
    for (let i = 0; i < 2; i++) {
      let used = false
      for (let b = 32 * i; b < 32 * i + 32; b++) if (txBytes[b] !== 0) used = true
      if (!used) continue
      try {
        const address = recoverSignerNative(digest, msg.sigs.subarray(130 * k + 65 * i, 130 * k + 65 * i + 65), i)
        out.set(hexToBytes(address.slice(2)), 72 * k + 20 * i)
      } catch {}
    }
    out.set(leafOf({ txBytes, sigs: msg.sigs.subarray(130 * k, 130 * k + 130) }), 72 * k + 40)
  }
  parentPort?.postMessage({ id: msg.id, out }, [out.buffer])
})
