// The operator's per-transaction crypto over a contiguous batch, run in worker threads (and
// on the calling thread by nativeRecoverer): for each signed transaction (tx ‖ sigs, 386
// bytes) its signing hash, the signer of each used input (libsecp256k1 recovery + keccak256 of
// the public key) and its block leaf keccak256(tx ‖ sigs). Output: 72 bytes per transaction,
// signer 0 (20), signer 1 (20), leaf (32); a signer is all zero where the input is unused or
// its signature does not recover.
import { createRequire } from 'node:module'
import { hexToBytes } from '@noble/hashes/utils.js'
import { recoverSigner, SIGS_LENGTH, TX_LENGTH } from '../transaction.js'
import { keccak256Wasm } from './wasm-keccak.js'

export const WIRE_ITEM = TX_LENGTH + SIGS_LENGTH
export const RESULT_ITEM = 72

interface Binding {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array
}

function loadBinding(): Binding | undefined {
  try {
    // The binding itself, not the package's index (which silently falls back to elliptic).
    return createRequire(import.meta.url)('secp256k1/bindings') as Binding
  } catch {
    return undefined
  }
}

const binding = loadBinding()
export const nativeRecoveryAvailable = binding !== undefined

/** The 20-byte signer of r ‖ s ‖ v over `digest`, or undefined if it does not recover. */
export function recoverAddressBytes(digest: Uint8Array, sig: Uint8Array): Uint8Array | undefined {
  const v = sig[64] as number
  if (sig.length !== 65 || (v !== 27 && v !== 28)) return undefined
  if (!binding) {
    try {
      return hexToBytes(recoverSigner(digest, sig).slice(2))
    } catch {
      return undefined
    }
  }
  let pub: Uint8Array
  try {
    pub = binding.ecdsaRecover(sig.subarray(0, 64), v - 27, digest, false)
  } catch {
    return undefined
  }
  return keccak256Wasm(pub.subarray(1)).subarray(12)
}

/** Recovers and hashes `n` transactions of `wire` (n × 386 bytes) into `out` (n × 72 bytes). */
export function recoverBatch(wire: Uint8Array, n: number, out = new Uint8Array(RESULT_ITEM * n)): Uint8Array {
  for (let k = 0; k < n; k++) {
    const item = wire.subarray(WIRE_ITEM * k, WIRE_ITEM * (k + 1))
    const txBytes = item.subarray(0, TX_LENGTH)
    const digest = keccak256Wasm(txBytes)
    for (let i = 0; i < 2; i++) {
      let used = false
      for (let b = 32 * i; b < 32 * i + 32; b++) {
        if (txBytes[b] !== 0) {
          used = true
          break
        }
      }
      if (!used) continue
      const start = TX_LENGTH + 65 * i
      const signer = recoverAddressBytes(digest, item.subarray(start, start + 65))
      if (signer) out.set(signer, RESULT_ITEM * k + 20 * i)
    }
    out.set(keccak256Wasm(item), RESULT_ITEM * k + 40)
  }
  return out
}
