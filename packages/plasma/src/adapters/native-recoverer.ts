// Signature recovery with libsecp256k1 (the `secp256k1` package's prebuilt N-API binding),
// several times faster than pure JavaScript. Falls back to @noble/curves when the binding
// cannot load on this platform; `nativeRecoveryAvailable` says which one runs.
import { bytesToHex } from '@noble/hashes/utils.js'
import { SignatureError } from '../errors.js'
import { recoverWith, type SignatureRecoverer } from '../recoverer.js'
import type { Address } from '../transaction.js'
import { nativeRecoveryAvailable, recoverAddressBytes, recoverBatch } from './recover-batch.js'

export { nativeRecoveryAvailable }

/** Recovers the signer of an r ‖ s ‖ v signature with libsecp256k1 (or noble as fallback). */
export function recoverSignerNative(digest: Uint8Array, sig: Uint8Array, inputIndex = 0): Address {
  if (sig.length !== 65) throw new SignatureError(inputIndex, `expected 65 bytes, got ${sig.length}`)
  const v = sig[64] as number
  if (v !== 27 && v !== 28) throw new SignatureError(inputIndex, `v must be 27 or 28, got ${v}`)
  const address = recoverAddressBytes(digest, sig)
  if (!address) throw new SignatureError(inputIndex, 'does not recover')
  return `0x${bytesToHex(address)}`
}

/** Recovery on the calling thread with libsecp256k1 (and native keccak256 for the batch path). */
export const nativeRecoverer = (): SignatureRecoverer => ({
  async recoverInputs(txs) {
    return txs.map((s) => recoverWith(s, recoverSignerNative))
  },
  async recoverEncoded(wire, n) {
    return recoverBatch(wire, n)
  },
})
