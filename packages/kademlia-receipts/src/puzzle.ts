// S/Kademlia crypto puzzles (Baumgart & Mies 2007, §4.1): a static puzzle binds the node id
// to a key pair that was expensive to find, a dynamic puzzle makes every id cost work again.
//   static:  id = H(publicKey) and H(id) has c1 leading zero bits
//   dynamic: H(id XOR X) has c2 leading zero bits, X a 64-bit nonce (zero-extended to 256 bits)
// H is SHA-256 here (the paper leaves H open; ids are 256 bits as in libp2p kad-dht).
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from './bytes.js'
import { BadPuzzleError, InvalidParameterError } from './errors.js'
import { ID_BYTES, leadingZeroBits } from './id.js'

/** Difficulty of the two puzzles, in leading zero bits. */
export interface PuzzleParams {
  readonly c1: number
  readonly c2: number
}

export function assertPuzzleParams(p: PuzzleParams): void {
  for (const [name, v] of [
    ['c1', p.c1],
    ['c2', p.c2],
  ] as const)
    if (!Number.isInteger(v) || v < 0 || v > 32) throw new InvalidParameterError(name, v, 'an integer in 0..32')
}

/** The node id of a public key: H(publicKey). */
export const nodeIdOf = (publicKey: Uint8Array): Uint8Array => sha256(publicKey)

export const staticPuzzleHolds = (id: Uint8Array, c1: number): boolean => c1 === 0 || leadingZeroBits(sha256(id)) >= c1

function xorNonce(id: Uint8Array, x: bigint): Uint8Array {
  const out = Uint8Array.from(id)
  let v = x
  for (let i = ID_BYTES - 1; i >= ID_BYTES - 8; i--) {
    out[i] = (out[i] as number) ^ Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

export const dynamicPuzzleHolds = (id: Uint8Array, x: bigint, c2: number): boolean =>
  c2 === 0 || leadingZeroBits(sha256(xorNonce(id, x))) >= c2

/** Finds the smallest X >= start that solves the dynamic puzzle for `id`. */
export function solveDynamicPuzzle(id: Uint8Array, c2: number, start = 0n): bigint {
  let x = start
  while (!dynamicPuzzleHolds(id, x, c2)) x++
  return x
}

/**
 * Checks a contact's identity: derives its id from the public key and checks both puzzles.
 * Returns the id; throws BadPuzzleError naming the failed puzzle.
 */
export function checkIdentity(
  publicKey: Uint8Array,
  x: bigint,
  params: PuzzleParams,
  claimedId?: Uint8Array,
  cache?: IdentityCache,
): Uint8Array {
  const memo = cache === undefined ? undefined : `${toHex(publicKey)}:${x}:${params.c1}:${params.c2}`
  const known = memo === undefined ? undefined : cache?.get(memo)
  if (known !== undefined && (claimedId === undefined || toHex(claimedId) === toHex(known))) return known
  const id = nodeIdOf(publicKey)
  if (claimedId !== undefined && toHex(claimedId) !== toHex(id)) throw new BadPuzzleError('id', toHex(claimedId), 0)
  if (!staticPuzzleHolds(id, params.c1)) throw new BadPuzzleError('static', toHex(id), params.c1)
  if (!dynamicPuzzleHolds(id, x, params.c2)) throw new BadPuzzleError('dynamic', toHex(id), params.c2)
  if (cache !== undefined && memo !== undefined) {
    if (cache.size >= cache.max) cache.clear()
    cache.set(memo, id)
  }
  return id
}

/**
 * Memo of identities that passed checkIdentity (the check is a pure function of the public
 * key, nonce and difficulty, so a hit is the same verdict without the three hashes). Only
 * passing identities are remembered; cleared when full.
 */
export class IdentityCache extends Map<string, Uint8Array> {
  constructor(readonly max = 10_000) {
    super()
  }
}
