// Signing as a port, so keys may live in memory, in a file or in hardware.

/** Synchronous or asynchronous result. */
export type MaybePromise<T> = T | Promise<T>

/** Holds a private key and signs with it. */
export interface Signer {
  /** Signature scheme, e.g. `"secp256k1"` or `"ed25519"`. */
  readonly scheme: string
  /** The public key in the scheme's usual encoding (compressed SEC1 for secp256k1). */
  readonly publicKey: Uint8Array
  /** Signs `message`; the scheme defines whether and how it is hashed first. */
  sign(message: Uint8Array): MaybePromise<Uint8Array>
}

/** Checks signatures of one scheme. */
export interface Verifier {
  readonly scheme: string
  /** True only for a valid signature by `publicKey` over `message`; never throws on malformed input. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): MaybePromise<boolean>
}
