// The block tree: a fixed-depth (16) binary keccak256 Merkle tree with zero leaves as
// padding, so every proof is 16 siblings (512 bytes) and an empty leaf can be proven.
import { keccak_256 } from '@noble/hashes/sha3.js'
import { MalformedDataError } from './errors.js'
import { TREE_DEPTH } from './position.js'

/** A keccak256 implementation (the default is @noble/hashes; adapters offer a native one). */
export type Keccak256 = (data: Uint8Array) => Uint8Array

/** zeroHashes[k] is the root of an empty subtree of height k. */
const zeroHashes: Uint8Array[] = [new Uint8Array(32)]
for (let k = 0; k < TREE_DEPTH; k++) zeroHashes.push(hashPair(zeroHashes[k] as Uint8Array, zeroHashes[k] as Uint8Array))

function hashPair(a: Uint8Array, b: Uint8Array, hash: Keccak256 = keccak_256): Uint8Array {
  const buf = new Uint8Array(64)
  buf.set(a, 0)
  buf.set(b, 32)
  return hash(buf)
}

/**
 * A built tree: all levels, for proofs. Building costs n + n/2 + ... hashes, not 2^16. Each
 * level is one contiguous buffer, so a pair of siblings is hashed in place (no copy).
 */
export class MerkleTree {
  /** levels[k]: the nodes of height k, 32 bytes each, back to back. */
  private readonly levels: Uint8Array[] = []
  private readonly counts: number[] = []

  constructor(leaves: readonly Uint8Array[], hash: Keccak256 = keccak_256) {
    const n = leaves.length
    if (n > 1 << TREE_DEPTH) {
      throw new MalformedDataError('merkle tree', 'leaves', 0, `at most ${1 << TREE_DEPTH}`, String(n))
    }
    const level0 = new Uint8Array(32 * n)
    for (let i = 0; i < n; i++) {
      const leaf = leaves[i] as Uint8Array
      if (leaf.length !== 32)
        throw new MalformedDataError('merkle tree', `leaf ${i}`, 0, '32 bytes', `${leaf.length} bytes`)
      level0.set(leaf, 32 * i)
    }
    this.build(level0, n, hash)
  }

  private build(level0: Uint8Array, n: number, hash: Keccak256): void {
    let below = level0
    let count = n
    for (let k = 0; k < TREE_DEPTH; k++) {
      this.levels.push(below)
      this.counts.push(count)
      const up = (count + 1) >> 1
      const above = new Uint8Array(32 * up)
      const pairs = count >> 1
      for (let i = 0; i < pairs; i++) above.set(hash(below.subarray(64 * i, 64 * i + 64)), 32 * i)
      if (count & 1) {
        const last = below.subarray(32 * (count - 1), 32 * count)
        above.set(hashPair(last, zeroHashes[k] as Uint8Array, hash), 32 * pairs)
      }
      below = above
      count = up
    }
    this.levels.push(below)
    this.counts.push(count)
  }

  get root(): Uint8Array {
    return this.counts[TREE_DEPTH] === 1
      ? (this.levels[TREE_DEPTH] as Uint8Array).slice(0, 32)
      : (zeroHashes[TREE_DEPTH] as Uint8Array).slice()
  }

  /** The 16 siblings from leaf `index` up, 32 bytes each (works for empty leaves too). */
  proof(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= 1 << TREE_DEPTH) {
      throw new MalformedDataError('merkle proof', 'index', 0, `0..${(1 << TREE_DEPTH) - 1}`, String(index))
    }
    const out = new Uint8Array(TREE_DEPTH * 32)
    let i = index
    for (let k = 0; k < TREE_DEPTH; k++) {
      const j = i ^ 1
      out.set(
        j < (this.counts[k] as number)
          ? (this.levels[k] as Uint8Array).subarray(32 * j, 32 * j + 32)
          : (zeroHashes[k] as Uint8Array),
        k * 32,
      )
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

export const EMPTY_ROOT: Uint8Array = (zeroHashes[TREE_DEPTH] as Uint8Array).slice()
