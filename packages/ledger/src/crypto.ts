// Signing and ids: secp256k1 over SHA-256 of the encoded header, as Sawtooth signs, with
// @noble/curves; ids are SHA-256 of the header signature (32 bytes, lowercase hex).
import type { Batch, Signer, Transaction, TransactionHeader, Verifier } from '@atmosphere/interfaces'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, encodeBatchHeader, encodeTransactionHeader } from './encoding.js'

/** A signer holding a secp256k1 secret key in memory; signatures are 64-byte compact (r || s). */
export function secp256k1Signer(secretKey: Uint8Array): Signer {
  const publicKey = secp256k1.getPublicKey(secretKey, true)
  return {
    scheme: 'secp256k1',
    publicKey,
    sign: (message) => secp256k1.sign(sha256(message), secretKey, { prehash: false }),
  }
}

/** Verifies compact secp256k1 signatures over SHA-256 of the message; never throws. */
export const secp256k1Verifier: Verifier = {
  scheme: 'secp256k1',
  verify(signature, message, publicKey) {
    try {
      return secp256k1.verify(signature, sha256(message), publicKey, { prehash: false, lowS: true })
    } catch {
      return false
    }
  },
}

/** A fresh random secp256k1 secret key. */
export function randomSecretKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey()
}

/** The id of a transaction, batch or block: SHA-256 of its header signature, as hex. */
export function idFromSignature(signature: Uint8Array): string {
  return bytesToHex(sha256(signature))
}

/** What a caller fills in to make a transaction; the signer's key and the payload hash are added. */
export interface TransactionFields {
  readonly familyName: string
  readonly familyVersion: string
  readonly nonce: bigint
  readonly payload: Uint8Array
  readonly batcherPublicKey: Uint8Array
  readonly inputs?: readonly string[]
  readonly outputs?: readonly string[]
  readonly dependencies?: readonly string[]
}

/** Builds and signs a transaction whose payload hash is SHA-256 of the payload. */
export async function signTransaction(signer: Signer, fields: TransactionFields): Promise<Transaction> {
  const header: TransactionHeader = {
    familyName: fields.familyName,
    familyVersion: fields.familyVersion,
    signerPublicKey: signer.publicKey,
    batcherPublicKey: fields.batcherPublicKey,
    nonce: fields.nonce,
    inputs: fields.inputs ?? [],
    outputs: fields.outputs ?? [],
    dependencies: fields.dependencies ?? [],
    payloadHash: sha256(fields.payload),
  }
  const headerSignature = await signer.sign(encodeTransactionHeader(header))
  return { header, headerSignature, payload: fields.payload, id: idFromSignature(headerSignature) }
}

/** Wraps transactions into a batch signed by `signer` (the batcher). */
export async function signBatch(signer: Signer, transactions: readonly Transaction[]): Promise<Batch> {
  const header = { signerPublicKey: signer.publicKey, transactionIds: transactions.map((t) => t.id) }
  const headerSignature = await signer.sign(encodeBatchHeader(header))
  return { header, headerSignature, transactions, id: idFromSignature(headerSignature) }
}

export { sha256 }
