// Signature recovery with libsecp256k1 (the `secp256k1` package's prebuilt N-API binding),
// several times faster than pure JavaScript. Falls back to @noble/curves when the binding
// cannot load on this platform; `nativeRecoveryAvailable` says which one runs.
import { createRequire } from 'node:module'
import { SignatureError } from '../errors.js'
import { recoverWith, type SignatureRecoverer } from '../recoverer.js'
import { type Address, addressOf, recoverSigner } from '../transaction.js'

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

/** Recovers the signer of an r ‖ s ‖ v signature with libsecp256k1 (or noble as fallback). */
export function recoverSignerNative(digest: Uint8Array, sig: Uint8Array, inputIndex = 0): Address {
  if (!binding) return recoverSigner(digest, sig, inputIndex)
  if (sig.length !== 65) throw new SignatureError(inputIndex, `expected 65 bytes, got ${sig.length}`)
  const v = sig[64] as number
  if (v !== 27 && v !== 28) throw new SignatureError(inputIndex, `v must be 27 or 28, got ${v}`)
  try {
    return addressOf(binding.ecdsaRecover(sig.subarray(0, 64), v - 27, digest, false))
  } catch (cause) {
    throw new SignatureError(inputIndex, `does not recover (${(cause as Error).message})`)
  }
}

/** Recovery on the calling thread with libsecp256k1. */
export const nativeRecoverer = (): SignatureRecoverer => ({
  async recoverInputs(txs) {
    return txs.map((s) => recoverWith(s, recoverSignerNative))
  },
})
