// A node's identity: an ed25519 key pair whose id solves the S/Kademlia puzzles.
import { ed25519 } from '@noble/curves/ed25519.js'
import { toHex } from './bytes.js'
import { assertPuzzleParams, nodeIdOf, type PuzzleParams, solveDynamicPuzzle, staticPuzzleHolds } from './puzzle.js'
import type { Random } from './random.js'

/** What a node is known by, and how it signs. */
export interface NodeIdentity {
  readonly publicKey: Uint8Array
  readonly id: Uint8Array
  readonly idHex: string
  /** Dynamic-puzzle nonce X. */
  readonly x: bigint
  /** Signs with the node's ed25519 key; absent for unsigned simulation identities. */
  readonly sign?: (message: Uint8Array) => Uint8Array
}

/**
 * Generates ed25519 key pairs until H(H(pk)) has c1 leading zero bits, then solves the
 * dynamic puzzle. Expected cost: 2^c1 key generations plus 2^c2 hashes.
 */
export function generateIdentity(params: PuzzleParams, random: Random): NodeIdentity & { secretKey: Uint8Array } {
  assertPuzzleParams(params)
  for (;;) {
    const secretKey = random.bytes(32)
    const publicKey = ed25519.getPublicKey(secretKey)
    const id = nodeIdOf(publicKey)
    if (!staticPuzzleHolds(id, params.c1)) continue
    const x = solveDynamicPuzzle(id, params.c2)
    return { publicKey, secretKey, id, idHex: toHex(id), x, sign: (m) => ed25519.sign(m, secretKey) }
  }
}

/** An identity from a known ed25519 secret key (the puzzles must already hold for it). */
export function identityFromSecretKey(
  secretKey: Uint8Array,
  params: PuzzleParams,
): NodeIdentity & { secretKey: Uint8Array } {
  const publicKey = ed25519.getPublicKey(secretKey)
  const id = nodeIdOf(publicKey)
  const x = solveDynamicPuzzle(id, params.c2)
  return { publicKey, secretKey, id, idHex: toHex(id), x, sign: (m) => ed25519.sign(m, secretKey) }
}

/**
 * A simulation identity: a random 32-byte "public key" with solved puzzles but no key pair.
 * Only for simulations whose network authenticates senders itself (authenticate: false);
 * it saves the ed25519 key generation that a 100,000-node run cannot afford.
 */
export function generateUnsignedIdentity(params: PuzzleParams, random: Random): NodeIdentity {
  assertPuzzleParams(params)
  for (;;) {
    const publicKey = random.bytes(32)
    const id = nodeIdOf(publicKey)
    if (!staticPuzzleHolds(id, params.c1)) continue
    return { publicKey, id, idHex: toHex(id), x: solveDynamicPuzzle(id, params.c2) }
  }
}
