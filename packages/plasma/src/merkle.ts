// The block tree: a fixed-depth (16) binary keccak256 Merkle tree with zero leaves as
// padding, so every proof is 16 siblings (512 bytes) and an empty leaf can be proven.
import { keccak_256 } from '@noble/hashes/sha3.js'
import { MalformedDataError } from './errors.js'
import { TREE_DEPTH } from './position.js'

/** zeroHashes[k] is the root of an empty subtree of height k. */
const zeroHashes: Uint8Array[] = [new Uint8Array(32)]
for (let k = 0; k < TREE_DEPTH; k++) zeroHashes.push(hashPair(zeroHashes[k] as Uint8Array, zeroHashes[k] as Uint8Array))

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64)
  buf.set(a, 0)
  buf.set(b, 32)
  return keccak_256(buf)
}

/** A built tree: all levels, for proofs. Building costs n + n/2 + ... hashes, not 2^16. */
export class MerkleTree {
  private readonly levels: Uint8Array[][]

  constructor(leaves: readonly Uint8Array[]) {
    if (leaves.length > 1 << TREE_DEPTH) {
      throw new MalformedDataError('merkle tree', 'leaves', 0, `at most ${1 << TREE_DEPTH}`, String(leaves.length))
    }
    this.levels = [leaves.slice()]
    for (let k = 0; k < TREE_DEPTH; k++) {
      const below = this.levels[k] as Uint8Array[]
      const above: Uint8Array[] = []
      for (let i = 0; i < below.length; i += 2) {
        above.push(hashPair(below[i] as Uint8Array, below[i + 1] ?? (zeroHashes[k] as Uint8Array)))
      }
      this.levels.push(above)
    }
  }

  get root(): Uint8Array {
    return this.levels[TREE_DEPTH]?.[0] ?? (zeroHashes[TREE_DEPTH] as Uint8Array)
  }

  /** The 16 siblings from leaf `index` up, 32 bytes each (works for empty leaves too). */
  proof(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= 1 << TREE_DEPTH) {
      throw new MalformedDataError('merkle proof', 'index', 0, `0..${(1 << TREE_DEPTH) - 1}`, String(index))
    }
    const out = new Uint8Array(TREE_DEPTH * 32)
    let i = index
    for (let k = 0; k < TREE_DEPTH; k++) {
      out.set((this.levels[k] as Uint8Array[])[i ^ 1] ?? (zeroHashes[k] as Uint8Array), k * 32)
      i >>= 1
    }
    return out
  }
}

/** The root a leaf and its proof lead to, as the contract computes it. */
export function rootFromProof(leaf: Uint8Array, index: number, proof: Uint8Array): Uint8Array {
  if (proof.length !== TREE_DEPTH * 32) {
    throw new MalformedDataError('merkle proof', 'length', 0, `${TREE_DEPTH * 32} bytes`, `${proof.length} bytes`)
  }
  let node = leaf
  let i = index
  for (let k = 0; k < TREE_DEPTH; k++) {
    const sibling = proof.subarray(k * 32, k * 32 + 32)
    node = (i & 1) === 0 ? hashPair(node, sibling) : hashPair(sibling, node)
    i >>= 1
  }
  return node
}

export const EMPTY_ROOT: Uint8Array = zeroHashes[TREE_DEPTH] as Uint8Array
