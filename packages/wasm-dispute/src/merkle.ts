// Merkle structures of the machine state, all over BLAKE3 (blake3.ts; @noble/hashes is the reference):
// - vector trees (locals, globals, table): 32-byte leaves, padded to a power of two with zero leaves;
// - the sparse memory tree: fixed depth, leaves are the raw 32-byte memory chunks (as in Cannon),
//   nodes kept only where they differ from the all-zero subtree, updated from a dirty-leaf list;
// - multiproofs: the siblings needed to recompute the root from a set of leaves.
import { blake3Pair, compress, IV, ONE_BLOCK } from './blake3.js'

export const ZERO32: Uint8Array = new Uint8Array(32)

/** An interior node: BLAKE3(left ‖ right). */
export const hash2: (l: Uint8Array, r: Uint8Array) => Uint8Array = blake3Pair

const zeroCache: Uint8Array[] = [ZERO32]
/** Root of an all-zero subtree of height h. */
export function zeroHash(h: number): Uint8Array {
  while (zeroCache.length <= h) {
    const z = zeroCache[zeroCache.length - 1] as Uint8Array
    zeroCache.push(hash2(z, z))
  }
  return zeroCache[h] as Uint8Array
}

const zeroWordsCache: Int32Array[] = []
/** zeroHash(h) as 8 words. */
export function zeroWords(h: number): Int32Array {
  let z = zeroWordsCache[h]
  if (!z) {
    const b = zeroHash(h)
    z = new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + 32))
    zeroWordsCache[h] = z
  }
  return z
}

/**
 * A vector tree over n ≥ 1 slot leaves (slotLeaf), kept level by level so that bringing it up to
 * date with a slot array rehashes only the paths of the slots that differ from its copy. Its root
 * equals vectorRoot over slotLeaf of the same slots. It starts as the tree of n zero slots (every node the
 * zero subtree hash), so a fresh frame pays only for its non-zero locals.
 */
export class SlotTree {
  /** The slots the tree holds (2 words each). */
  private readonly slots: Int32Array
  /** Level h holds ceil(n / 2^h) nodes of 8 words, padded to an even count with zeroHash(h). */
  private readonly levels: Int32Array[] = []
  private readonly height: number
  constructor(readonly n: number) {
    this.slots = new Int32Array(2 * n)
    this.height = vectorDepth(n)
    for (let h = 0, count = n; h <= this.height; h++, count = (count + 1) >> 1) {
      const nodes = h < this.height && count & 1 ? count + 1 : count
      const level = new Int32Array(8 * nodes)
      const z = zeroWords(h)
      for (let i = 0; i < nodes; i++) level.set(z, 8 * i)
      this.levels.push(level)
    }
  }

  /** Brings the tree up to date with the slots at words[base .. base + 2n); returns how many changed. */
  sync(words: Int32Array, base: number): number {
    const slots = this.slots
    const len = slots.length
    // The common case is no change: a tight scan, kept apart from the update loop so it stays tight.
    let j = 0
    while (j < len && words[base + j] === slots[j]) j++
    return j === len ? 0 : this.syncFrom(words, base, j)
  }

  private syncFrom(words: Int32Array, base: number, from: number): number {
    const slots = this.slots
    const leaves = this.levels[0] as Int32Array
    const len = slots.length
    let changed = 0
    for (let j = from; j < len; j++) {
      if (words[base + j] === slots[j]) continue
      // A differing word updates its whole slot, rehashes the slot's path, and skips the pair.
      const i = j >> 1
      const lo = words[base + 2 * i] as number
      const hi = words[base + 2 * i + 1] as number
      slots[2 * i] = lo
      slots[2 * i + 1] = hi
      leaves[8 * i] = lo
      leaves[8 * i + 1] = hi
      let p = i
      for (let h = 0; h < this.height; h++) {
        const parent = p >> 1
        compress(
          IV,
          0,
          this.levels[h] as Int32Array,
          16 * parent,
          64,
          ONE_BLOCK,
          this.levels[h + 1] as Int32Array,
          8 * parent,
        )
        p = parent
      }
      changed++
      j = 2 * i + 1
    }
    return changed
  }

  /** The root's 8 words (a view: read it before the next sync). */
  rootWords(): Int32Array {
    return (this.levels[this.height] as Int32Array).subarray(0, 8)
  }

  /** The root as a fresh 32-byte array. */
  root(): Uint8Array {
    return new Uint8Array(this.rootWords().slice().buffer)
  }
}

/** Depth of a vector tree holding n leaves. */
export function vectorDepth(n: number): number {
  let d = 0
  while (2 ** d < n) d++
  return d
}

/** A 32-byte leaf holding an 8-byte slot value (little-endian, zero padded). */
export function slotLeaf(bytes8: Uint8Array): Uint8Array {
  const l = new Uint8Array(32)
  l.set(bytes8.subarray(0, 8))
  return l
}

/** Root of a vector of 32-byte leaves (n = 0 gives the zero hash). */
export function vectorRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return ZERO32
  const depth = vectorDepth(leaves.length)
  let level = leaves.slice()
  for (let h = 0; h < depth; h++) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) next.push(hash2(level[i] as Uint8Array, level[i + 1] ?? zeroHash(h)))
    level = next
  }
  return level[0] as Uint8Array
}

/** Sibling path (bottom-up) of leaf `index` in a vector tree. */
export function vectorPath(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  const depth = vectorDepth(leaves.length)
  const path: Uint8Array[] = []
  let level = leaves.slice()
  let i = index
  for (let h = 0; h < depth; h++) {
    path.push(level[i ^ 1] ?? zeroHash(h))
    const next: Uint8Array[] = []
    for (let j = 0; j < level.length; j += 2) next.push(hash2(level[j] as Uint8Array, level[j + 1] ?? zeroHash(h)))
    level = next
    i >>= 1
  }
  return path
}

/** Root implied by a leaf and its bottom-up sibling path. */
export function rootFromPath(leaf: Uint8Array, index: number, path: readonly Uint8Array[]): Uint8Array {
  let node = leaf
  let i = index
  for (const sib of path) {
    node = i & 1 ? hash2(sib, node) : hash2(node, sib)
    i >>= 1
  }
  return node
}

/**
 * Root implied by several leaves (at distinct indexes of a depth-`depth` tree) and the siblings
 * listed level by level, ascending index within a level, skipping nodes derivable from the leaves.
 * Throws if the sibling list is too short or too long.
 */
export function rootFromMulti(
  depth: number,
  leaves: ReadonlyMap<number, Uint8Array>,
  siblings: readonly Uint8Array[],
): Uint8Array {
  let cur = new Map(leaves)
  let used = 0
  for (let h = 0; h < depth; h++) {
    const next = new Map<number, Uint8Array>()
    for (const i of [...cur.keys()].sort((x, y) => x - y)) {
      const p = i >> 1
      if (next.has(p)) continue
      const self = cur.get(i) as Uint8Array
      let sib = cur.get(i ^ 1)
      if (!sib) {
        sib = siblings[used++]
        if (!sib) throw new RangeError('multiproof: missing sibling')
      }
      next.set(p, i & 1 ? hash2(sib, self) : hash2(self, sib))
    }
    cur = next
  }
  if (used !== siblings.length) throw new RangeError('multiproof: unused siblings')
  return cur.get(0) as Uint8Array
}

/** Number of siblings a multiproof for these leaf indexes carries. */
export function multiSiblingIndexes(depth: number, indexes: readonly number[]): [number, number][] {
  const out: [number, number][] = []
  let cur = new Set(indexes)
  for (let h = 0; h < depth; h++) {
    const next = new Set<number>()
    for (const i of [...cur].sort((x, y) => x - y)) {
      if (next.has(i >> 1)) continue
      if (!cur.has(i ^ 1)) out.push([h, i ^ 1])
      next.add(i >> 1)
    }
    cur = next
  }
  return out
}

/** Depth of the memory tree for a memory limited to `maxPages` pages (2048 leaves per page). */
export function memoryDepth(maxPages: number): number {
  return Math.max(1, vectorDepth(Math.max(1, maxPages) * 2048))
}

/**
 * The sparse memory Merkle tree. Heap numbering: node (h, i) at height h has key
 * 2^(depth-h) + i; only non-default interior nodes are stored; leaves are read from memory.
 */
export class MemoryTree {
  readonly nodes = new Map<number, Uint8Array>()
  /** Scratch for one path update: the pair being hashed, and the node just computed. */
  private readonly pair = new Int32Array(16)
  private readonly pairU8 = new Uint8Array(this.pair.buffer)
  private readonly cur = new Int32Array(8)
  private readonly curU8 = new Uint8Array(this.cur.buffer)
  private memWords: Int32Array | undefined
  constructor(readonly depth: number) {}

  root(): Uint8Array {
    return this.node(this.depth, 0, undefined)
  }

  clone(): MemoryTree {
    const t = new MemoryTree(this.depth)
    for (const [k, v] of this.nodes) t.nodes.set(k, v)
    return t
  }

  private node(h: number, i: number, mem: Uint8Array | undefined): Uint8Array {
    if (h === 0) return leafOf(mem, i)
    return this.nodes.get((1 << (this.depth - h)) + i) ?? zeroHash(h)
  }

  /** Recomputes the paths above the given leaves from the memory bytes. */
  update(mem: Uint8Array, dirty: readonly number[]): void {
    if (dirty.length === 1) {
      this.updateOne(mem, dirty[0] as number)
      return
    }
    let cur = [...new Set(dirty.map((l) => l >> 1))].sort((x, y) => x - y)
    for (let h = 1; h <= this.depth; h++) {
      const key = 1 << (this.depth - h)
      for (const p of cur) {
        const v = hash2(this.node(h - 1, 2 * p, mem), this.node(h - 1, 2 * p + 1, mem))
        if (equal(v, zeroHash(h))) this.nodes.delete(key + p)
        else this.nodes.set(key + p, v)
      }
      if (h < this.depth) cur = [...new Set(cur.map((p) => p >> 1))]
    }
  }

  /**
   * One leaf's path (a step's store), over words: the pair above the leaf is hashed straight from
   * memory, each level's node is carried up, and only siblings are looked up.
   */
  private updateOne(mem: Uint8Array, leaf: number): void {
    const pair = this.pair
    const pairU8 = this.pairU8
    const cur = this.cur
    let p = leaf >> 1
    const start = 64 * p
    if (start + 64 <= mem.length && (mem.byteOffset & 3) === 0) {
      let words = this.memWords
      if (
        !words ||
        words.buffer !== mem.buffer ||
        words.byteOffset !== mem.byteOffset ||
        words.length !== mem.length >> 2
      )
        words = this.memWords = new Int32Array(mem.buffer, mem.byteOffset, mem.length >> 2)
      compress(IV, 0, words, start >> 2, 64, ONE_BLOCK, cur, 0)
    } else {
      pairU8.set(leafOf(mem, 2 * p), 0)
      pairU8.set(leafOf(mem, 2 * p + 1), 32)
      compress(IV, 0, pair, 0, 64, ONE_BLOCK, cur, 0)
    }
    for (let h = 1; ; h++) {
      const key = (1 << (this.depth - h)) + p
      const z = zeroWords(h)
      let isZero = true
      for (let j = 0; j < 8; j++)
        if (cur[j] !== z[j]) {
          isZero = false
          break
        }
      if (isZero) this.nodes.delete(key)
      else this.nodes.set(key, this.curU8.slice())
      if (h === this.depth) return
      const sib = this.nodes.get(key ^ 1)
      const right = p & 1
      pair.set(cur, right ? 8 : 0)
      if (sib) pairU8.set(sib, right ? 0 : 32)
      else pair.set(zeroWords(h), right ? 0 : 8)
      compress(IV, 0, pair, 0, 64, ONE_BLOCK, cur, 0)
      p >>= 1
    }
  }

  /** Siblings for a multiproof of these leaves (tree must be up to date). */
  siblings(mem: Uint8Array, leaves: readonly number[]): Uint8Array[] {
    return multiSiblingIndexes(this.depth, leaves).map(([h, i]) => this.node(h, i, mem))
  }
}

export function leafOf(mem: Uint8Array | undefined, i: number): Uint8Array {
  const out = new Uint8Array(32)
  if (!mem) return out
  const start = i * 32
  if (start < mem.length) out.set(mem.subarray(start, Math.min(start + 32, mem.length)))
  return out
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}
