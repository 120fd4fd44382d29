// Signature recovery as a port: the operator's hot path. The default is pure JavaScript
// (@noble/curves); src/adapters/ offers libsecp256k1 and a worker-thread pool.
import type { Address, SignedTransaction } from './transaction.js'
import { recoverSigner, transactionHash } from './transaction.js'

/** Recovers, for each transaction, the signer of each used input (undefined where unused or unrecoverable). */
export interface SignatureRecoverer {
  recoverInputs(txs: readonly SignedTransaction[]): Promise<Array<[Address | undefined, Address | undefined]>>
  /** Optional: also the block leaves (keccak256(tx ‖ sigs)), computed where the signers are. */
  recoverAndHash?(
    txs: readonly SignedTransaction[],
  ): Promise<{ signers: Array<[Address | undefined, Address | undefined]>; leaves: Uint8Array[] }>
  /**
   * Optional: the same for `n` signed transactions given as wire bytes (n × 386, tx ‖ sigs)
   * in one contiguous buffer, answered as n × 72 bytes: signer of input 0 (20), of input 1
   * (20), block leaf (32); an all-zero signer means unused or unrecoverable. The operator's
   * batch path: no per-transaction objects or messages. `wire` is not modified.
   */
  recoverEncoded?(wire: Uint8Array, n: number): Promise<Uint8Array>
  close?(): Promise<void>
}

/** Recovers signers of one transaction's used inputs with a given single-signature function. */
export function recoverWith(
  s: SignedTransaction,
  recover: (digest: Uint8Array, sig: Uint8Array, inputIndex: number) => Address,
): [Address | undefined, Address | undefined] {
  const digest = transactionHash(s.txBytes)
  const out: [Address | undefined, Address | undefined] = [undefined, undefined]
  for (const i of [0, 1] as const) {
    if (s.tx.inputs[i] === 0n) continue
    try {
      out[i] = recover(digest, s.sigs.subarray(i * 65, i * 65 + 65), i)
    } catch {
      out[i] = undefined
    }
  }
  return out
}

/** Pure-JavaScript recovery on the calling thread (@noble/curves). */
export const nobleRecoverer = (): SignatureRecoverer => ({
  async recoverInputs(txs) {
    return txs.map((s) => recoverWith(s, recoverSigner))
  },
})
