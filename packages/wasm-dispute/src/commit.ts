// The Merkle commitment to the total machine state (docs/wasm-dispute.md §2): a fixed 248-byte
// header hashed with BLAKE3 → state hash, whose roots commit to the operand stack (hash chain),
// the frames (hash chain of frame records, each with a locals tree), the globals, the memory
// (sparse tree of 32-byte leaves) and the table. Incremental: each hash costs what changed. The
// header's four BLAKE3 blocks are ordered by how often they change, so a step that touches only
// the operand stack and the counters recompresses the last block alone (decision 0081).

import { blake3, CHUNK_END, CHUNK_START, compress, hashWords, IV, ONE_BLOCK, ROOT } from './blake3.js'
import { UnsupportedFeatureError } from './errors.js'
import type { FuncInst, Instance, MemoryInst } from './instance.js'
import type { Machine } from './machine.js'
import { MemoryTree, memoryDepth, SlotTree, slotLeaf, vectorRoot, ZERO32 } from './merkle.js'

export const HEADER_BYTES = 248
/** Header format version (byte 97); version 1 was the 237-byte SHA-256 header. */
export const HEADER_VERSION = 2
export const FRAME_RECORD_BYTES = 48

/** Byte offsets of the header fields (docs/wasm-dispute.md §2.1). */
export const HEADER = {
  moduleHash: 0,
  tableRoot: 32,
  globalsRoot: 64,
  status: 96,
  version: 97,
  depth: 100,
  memPages: 104,
  gasLimit: 112,
  framesHash: 128,
  memoryRoot: 160,
  stackHash: 192,
  pc: 224,
  sp: 228,
  icount: 232,
  gasUsed: 240,
} as const

/** Decoded header of a state. Counters are exact integers below 2^53. */
export interface Header {
  status: number
  pc: number
  icount: number
  gasUsed: number
  gasLimit: number
  sp: number
  depth: number
  memPages: number
  stackHash: Uint8Array
  framesHash: Uint8Array
  globalsRoot: Uint8Array
  memoryRoot: Uint8Array
  tableRoot: Uint8Array
  moduleHash: Uint8Array
}

export interface FrameRecord {
  func: number
  retPc: number
  opBase: number
  used: number
  localsRoot: Uint8Array
}

// Word indexes of the header fields the hasher writes (the header buffer is an Int32Array).
const W_STATUS = HEADER.status >> 2 // status (byte 96) and version (byte 97) share a word
const W_DEPTH = HEADER.depth >> 2
const W_PAGES = HEADER.memPages >> 2
const W_GAS_LIMIT = HEADER.gasLimit >> 2
const W_STACK = HEADER.stackHash >> 2
const W_PC = HEADER.pc >> 2
const W_SP = HEADER.sp >> 2
const W_ICOUNT = HEADER.icount >> 2
const W_GAS_USED = HEADER.gasUsed >> 2
/** The last header block starts at byte 192 (blocks 0–2 are 64 bytes each). */
const LAST_BLOCK = 192

const TWO32 = 2 ** 32
/** u64 LE of an exact integer below 2^53, without a BigInt. */
function setU64(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, v >>> 0, true)
  dv.setUint32(at + 4, Math.floor(v / TWO32), true)
}
function getU64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * TWO32
}

/** Writes the scalar fields (reserved bytes are left as they are: zero in a fresh buffer). */
function setScalars(
  dv: DataView,
  h: Omit<Header, 'stackHash' | 'framesHash' | 'globalsRoot' | 'memoryRoot' | 'tableRoot' | 'moduleHash'>,
): void {
  dv.setUint8(HEADER.status, h.status)
  dv.setUint8(HEADER.version, HEADER_VERSION)
  dv.setUint32(HEADER.depth, h.depth, true)
  dv.setUint32(HEADER.memPages, h.memPages, true)
  setU64(dv, HEADER.gasLimit, h.gasLimit)
  dv.setUint32(HEADER.pc, h.pc, true)
  dv.setUint32(HEADER.sp, h.sp, true)
  setU64(dv, HEADER.icount, h.icount)
  setU64(dv, HEADER.gasUsed, h.gasUsed)
}

export function encodeHeader(h: Header, out: Uint8Array = new Uint8Array(HEADER_BYTES)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, HEADER_BYTES)
  out.fill(0, 0, HEADER_BYTES)
  setScalars(dv, h)
  out.set(h.moduleHash, HEADER.moduleHash)
  out.set(h.tableRoot, HEADER.tableRoot)
  out.set(h.globalsRoot, HEADER.globalsRoot)
  out.set(h.framesHash, HEADER.framesHash)
  out.set(h.memoryRoot, HEADER.memoryRoot)
  out.set(h.stackHash, HEADER.stackHash)
  return out
}

/** Decodes a header. Reserved bytes and the version are not checked here: callers that need a
 * canonical header re-encode and compare (the judge does). */
export function decodeHeader(b: Uint8Array): Header {
  const dv = new DataView(b.buffer, b.byteOffset, HEADER_BYTES)
  const root = (at: number) => b.slice(at, at + 32)
  return {
    status: dv.getUint8(HEADER.status),
    pc: dv.getUint32(HEADER.pc, true),
    icount: getU64(dv, HEADER.icount),
    gasUsed: getU64(dv, HEADER.gasUsed),
    gasLimit: getU64(dv, HEADER.gasLimit),
    sp: dv.getUint32(HEADER.sp, true),
    depth: dv.getUint32(HEADER.depth, true),
    memPages: dv.getUint32(HEADER.memPages, true),
    stackHash: root(HEADER.stackHash),
    framesHash: root(HEADER.framesHash),
    globalsRoot: root(HEADER.globalsRoot),
    memoryRoot: root(HEADER.memoryRoot),
    tableRoot: root(HEADER.tableRoot),
    moduleHash: root(HEADER.moduleHash),
  }
}

const headerBuf = new Uint8Array(HEADER_BYTES)
export function hashHeader(h: Header): Uint8Array {
  return blake3(encodeHeader(h, headerBuf))
}

export function encodeFrame(f: FrameRecord): Uint8Array {
  const out = new Uint8Array(FRAME_RECORD_BYTES)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, f.func, true)
  dv.setUint32(4, f.retPc, true)
  dv.setUint32(8, f.opBase, true)
  dv.setUint32(12, f.used, true)
  out.set(f.localsRoot, 16)
  return out
}

export function decodeFrame(b: Uint8Array): FrameRecord {
  const dv = new DataView(b.buffer, b.byteOffset, FRAME_RECORD_BYTES)
  return {
    func: dv.getUint32(0, true),
    retPc: dv.getUint32(4, true),
    opBase: dv.getUint32(8, true),
    used: dv.getUint32(12, true),
    localsRoot: b.slice(16, 48),
  }
}

const buf40 = new Uint8Array(40)
/** One link of the operand chain: H(slot8 || below). */
export function chainPush(slot8: Uint8Array, below: Uint8Array): Uint8Array {
  buf40.set(slot8.subarray(0, 8), 0)
  buf40.set(below, 8)
  return blake3(buf40)
}

const buf80 = new Uint8Array(80)
/** One link of the frames chain: H(record48 || below). */
export function framePush(record: Uint8Array, below: Uint8Array): Uint8Array {
  buf80.set(record, 0)
  buf80.set(below, 48)
  return blake3(buf80)
}

/** Table root: leaf i holds (function index + 1) as u32, 0 for an empty slot. */
export function tableRoot(inst: Instance): Uint8Array {
  const t = inst.table
  if (!t) return ZERO32
  return vectorRoot(t.elems.map((f) => tableLeaf(funcIndexOf(inst, f))))
}
export function tableLeaf(entry: number): Uint8Array {
  const l = new Uint8Array(32)
  new DataView(l.buffer).setUint32(0, entry, true)
  return l
}
function funcIndexOf(inst: Instance, f: FuncInst | null): number {
  if (!f) return 0
  const i = inst.funcs.indexOf(f)
  if (i < 0) throw new UnsupportedFeatureError('foreign-table-entry', 'table holds a function of another instance')
  return i + 1
}

/** Globals root: leaf i holds the 8-byte value of global i. */
export function globalLeaves(inst: Instance): Uint8Array[] {
  return inst.globalCells.map((c) => slotLeaf(c.slots.u8.subarray(c.index * 8, c.index * 8 + 8)))
}

/** The static part of a module's commitment context (what the judge knows without proofs). */
export interface CommitContext {
  readonly moduleHash: Uint8Array
  readonly memDepth: number
  readonly tableRoot: Uint8Array
}

export function commitContext(inst: Instance): CommitContext {
  return {
    moduleHash: blake3(inst.compiled.module.bytes),
    memDepth: memoryDepth(inst.memory?.maxPages ?? 0),
    tableRoot: tableRoot(inst),
  }
}

/** Memory tree bound to a memory instance, consuming its dirty-leaf list. */
export class MemoryCommitment {
  tree: MemoryTree
  constructor(
    readonly mem: MemoryInst | undefined,
    depth: number,
  ) {
    this.tree = new MemoryTree(depth)
    if (mem) {
      // Leaves dirtied before we attached (data segments) are in mem.dirty already.
      this.sync()
    }
  }
  /** A commitment over `mem` that starts from an existing (up-to-date or dirty-tracked) tree. */
  static withTree(mem: MemoryInst, tree: MemoryTree): MemoryCommitment {
    const c = new MemoryCommitment(undefined, tree.depth)
    ;(c as { mem: MemoryInst | undefined }).mem = mem
    c.tree = tree
    return c
  }
  sync(): void {
    const mem = this.mem
    if (!mem || mem.dirty.length === 0) return
    this.tree.update(mem.bytes, mem.dirty)
    for (const l of mem.dirty) mem.dirtyBits[l] = 0
    mem.dirty = []
  }
  root(): Uint8Array {
    this.sync()
    return this.tree.root()
  }
}

const commitments = new WeakMap<MemoryInst, MemoryCommitment>()
/** The one memory tree of a memory instance (it consumes the memory's dirty list, so it must be shared). */
export function memoryCommitment(mem: MemoryInst | undefined, depth: number): MemoryCommitment {
  if (!mem) return new MemoryCommitment(undefined, depth)
  let c = commitments.get(mem)
  if (!c) {
    c = new MemoryCommitment(mem, depth)
    commitments.set(mem, c)
  }
  return c
}
/** Registers a commitment for a (cloned) memory. */
export function adoptMemoryCommitment(mem: MemoryInst, c: MemoryCommitment): void {
  commitments.set(mem, c)
}

/** Grows an Int32Array to at least `words` words (doubling), keeping its contents. */
function grow(a: Int32Array<ArrayBuffer>, words: number): Int32Array<ArrayBuffer> {
  if (a.length >= words) return a
  let n = a.length
  while (n < words) n *= 2
  const b = new Int32Array(n)
  b.set(a)
  return b
}

/**
 * Incremental hasher of a Machine's state. `hash()` costs what changed since the previous call:
 * the operand chain above the lowest slot that differs from the last hashed copy, the top frame
 * if one of its locals changed, the globals tree if a global changed, the memory paths of dirty
 * leaves, and the header blocks from the first one whose bytes changed. The operand chain, the
 * header and its chaining values live in reused word buffers, so a step that only pushes and pops
 * allocates nothing but the returned hash.
 */
export class StateHasher {
  readonly ctx: CommitContext
  readonly memc: MemoryCommitment
  /** Operand chain: the hash at height k is words [8k, 8k + 8); height 0 is the zero hash. */
  private chain = new Int32Array(8 * 64)
  /** The operand slots as last hashed (2 words per slot). */
  private shadow = new Int32Array(2 * 64)
  private hashedSp = 0
  private readonly link = new Int32Array(16)
  private frameChain: Uint8Array[] = [ZERO32]
  private frameEpoch: number[] = []
  private globalsShadow: Uint8Array | undefined
  private globalsRootCache: Uint8Array = ZERO32
  /** The header being built (256 bytes: 248 used, the tail stays zero). */
  private readonly hw = new Int32Array(64)
  private readonly hb = new Uint8Array(this.hw.buffer)
  /** The chaining value after each of header blocks 0–2. */
  private readonly cvs = new Int32Array(24)
  private readonly out = new Int32Array(8)
  private readonly outU8 = new Uint8Array(this.out.buffer)

  constructor(
    readonly m: Machine,
    ctx?: CommitContext,
    memc?: MemoryCommitment,
  ) {
    const inst = m.root
    if (inst.compiled.module.imports.length > 0)
      throw new UnsupportedFeatureError('imports', 'state hashing needs a self-contained module (no imports)')
    this.ctx = ctx ?? commitContext(inst)
    this.memc = memc ?? memoryCommitment(inst.memory, this.ctx.memDepth)
    this.hb.set(this.ctx.moduleHash, HEADER.moduleHash)
    this.hb.set(this.ctx.tableRoot, HEADER.tableRoot)
  }

  /** Brings the operand chain up to date; returns the stack height. */
  private syncStack(): number {
    const m = this.m
    const cur = m.ostk.i32
    const sp = m.sp
    let from = Math.min(sp, this.hashedSp)
    const sh = this.shadow
    const words = 2 * from
    for (let i = 0; i < words; i++) {
      if (cur[i] !== sh[i]) {
        from = i >> 1
        break
      }
    }
    if (from < sp) {
      this.chain = grow(this.chain, 8 * (sp + 1))
      this.shadow = grow(this.shadow, 2 * sp)
      const chain = this.chain
      const link = this.link
      // link = slot (2 words) ‖ hash below (8 words) ‖ zero: one 40-byte block.
      for (let k = from; k < sp; k++) {
        link[0] = cur[2 * k] as number
        link[1] = cur[2 * k + 1] as number
        for (let j = 0; j < 8; j++) link[2 + j] = chain[8 * k + j] as number
        compress(IV, 0, link, 0, 40, ONE_BLOCK, chain, 8 * (k + 1))
      }
      this.shadow.set(cur.subarray(2 * from, 2 * sp), 2 * from)
    }
    this.hashedSp = sp
    return sp
  }

  stackHash(): Uint8Array {
    const sp = this.syncStack()
    return this.chainAt(sp)
  }

  /** Operand chain hash at height j (j <= sp; call stackHash() first). */
  chainAt(j: number): Uint8Array {
    return new Uint8Array(this.chain.buffer.slice(32 * j, 32 * j + 32))
  }

  localsLeaves(d: number): Uint8Array[] {
    const m = this.m
    const f = m.fFunc[d]
    if (!f) return []
    const n = f.code.localTypes.length
    const base = m.fLocalBase[d] as number
    const u8 = m.lstk.u8
    const out: Uint8Array[] = []
    for (let i = 0; i < n; i++) out.push(slotLeaf(u8.subarray((base + i) * 8, (base + i) * 8 + 8)))
    return out
  }

  frameRecord(d: number): FrameRecord {
    const m = this.m
    const f = m.fFunc[d]
    if (!f) throw new Error(`no frame at depth ${d}`)
    return {
      func: f.code.index,
      retPc: m.fRetPc[d] as number,
      opBase: m.fOpBase[d] as number,
      used: m.fUsed[d] as number,
      localsRoot: this.localsRoot(d),
    }
  }

  /** Root of the locals tree of the frame at depth d. */
  localsRoot(d: number): Uint8Array {
    return this.localsTree(d)?.root() ?? ZERO32
  }

  /** One locals tree per frame depth, synced with that frame's locals: a changed local rehashes its path only. */
  private readonly trees: (SlotTree | undefined)[] = []
  /** How many locals the last localsTree() call found changed. */
  private changedLocals = 0
  private localsTree(d: number): SlotTree | undefined {
    const m = this.m
    const n = m.fFunc[d]?.code.localTypes.length ?? 0
    this.changedLocals = 0
    if (n === 0) return undefined
    let t = this.trees[d]
    // Any tree of the right size will do: sync rehashes exactly the slots that differ.
    if (!t || t.n !== n) {
      t = new SlotTree(n)
      this.trees[d] = t
    }
    this.changedLocals = t.sync(m.lstk.i32, 2 * (m.fLocalBase[d] as number))
    return t
  }

  private readonly frameWords = new Int32Array(32)
  private readonly frameBytes = new Uint8Array(this.frameWords.buffer)
  private readonly frameOut = new Int32Array(8)
  private readonly frameOutBytes = new Uint8Array(this.frameOut.buffer)
  /**
   * framePush(encodeFrame(frameRecord(d)), below) over words: record (48) ‖ below (32). `synced`:
   * the frame's locals tree was brought up to date in this same hash.
   */
  private frameLink(d: number, below: Uint8Array, synced = false): Uint8Array {
    const m = this.m
    const f = m.fFunc[d]
    if (!f) throw new Error(`no frame at depth ${d}`)
    const w = this.frameWords
    const u8 = this.frameBytes
    w[0] = f.code.index
    w[1] = m.fRetPc[d] as number
    w[2] = m.fOpBase[d] as number
    w[3] = m.fUsed[d] as number
    const locals = synced ? this.trees[d] : this.localsTree(d)
    if (locals) w.set(locals.rootWords(), 4)
    else w.fill(0, 4, 12)
    u8.set(below, 48)
    hashWords(w, 0, 80, this.frameOut, 0)
    return this.frameOutBytes.slice()
  }

  /** The top frame as last hashed: its depth and epoch (its locals are in its tree). */
  private topDepth = -1
  private topEpoch = -1

  framesHash(): Uint8Array {
    const m = this.m
    const top = m.depth - 1
    if (top >= 0) {
      // A non-top frame is clean when its epoch is the one recorded and its link exists. Epochs
      // grow along the stack and a frame gets a new one whenever it is entered or becomes top
      // again, so the clean frames form a prefix: scan down from the top to the first clean
      // one (a step costs the frames it changed, not the call depth).
      let from = top - 1
      while (from >= 0 && !(this.frameEpoch[from] === m.fEpoch[from] && this.frameChain[from + 1])) from--
      from++
      // The top frame (recorded with epoch -1) is clean if nothing below changed, it is the same
      // frame as last hashed, and syncing its locals tree (one pass over its locals) changed nothing.
      let topSynced = false
      if (from === top && this.frameChain[top + 1] && this.topDepth === top && this.topEpoch === m.fEpoch[top]) {
        this.localsTree(top)
        topSynced = true
        if (this.changedLocals === 0) from = top + 1
      }
      for (let d = from; d <= top; d++) {
        this.frameChain[d + 1] = this.frameLink(d, this.frameChain[d] as Uint8Array, d === top && topSynced)
        this.frameEpoch[d] = d === top ? -1 : (m.fEpoch[d] as number)
      }
      this.topDepth = top
      this.topEpoch = m.fEpoch[top] as number
    }
    // Setting an array's length is a runtime call: only when frames were popped.
    if (this.frameEpoch.length !== m.depth) this.frameEpoch.length = m.depth
    if (this.frameChain.length !== m.depth + 1) this.frameChain.length = m.depth + 1
    return this.frameChain[m.depth] as Uint8Array
  }

  /** Hash of the frames below the top one. */
  framesRest(): Uint8Array {
    this.framesHash()
    return this.frameChain[this.m.depth - 1] ?? ZERO32
  }

  globalsRoot(): Uint8Array {
    const inst = this.m.root
    const cells = inst.globalCells
    const sh = this.globalsShadow
    // Compare in place with the last hashed values; allocate only when something changed.
    if (sh && sh.length === cells.length * 8) {
      let same = true
      for (let i = 0; same && i < cells.length; i++) {
        const c = cells[i] as (typeof cells)[number]
        const u8 = c.slots.u8
        const at = c.index * 8
        for (let j = 0; j < 8; j++)
          if (u8[at + j] !== sh[i * 8 + j]) {
            same = false
            break
          }
      }
      if (same) return this.globalsRootCache
    }
    const cur = new Uint8Array(cells.length * 8)
    for (const [i, c] of cells.entries()) cur.set(c.slots.u8.subarray(c.index * 8, c.index * 8 + 8), i * 8)
    this.globalsShadow = cur
    this.globalsRootCache = vectorRoot(globalLeaves(inst))
    return this.globalsRootCache
  }

  // What the header buffer holds, to find the first block that changed without comparing bytes.
  // Roots are compared by identity: a changed root is always a new array, never one mutated in place.
  private dirtyFrom = 0
  private inFrames: Uint8Array | undefined
  private inGlobals: Uint8Array | undefined
  private inMemory: Uint8Array | undefined
  private inB1 = -1
  private inDepth = -1
  private inPages = -1

  /** Writes the current state into the header buffer and notes the first header block that changed. */
  private fill(): void {
    const m = this.m
    const hb = this.hb
    const w = this.hw
    let dirty = 3
    const globals = this.globalsRoot()
    if (globals !== this.inGlobals) {
      hb.set(globals, HEADER.globalsRoot)
      this.inGlobals = globals
      dirty = 1
    }
    // Block 1 scalars: status and version (one word), depth, memPages, gasLimit.
    const b1 = m.status | (HEADER_VERSION << 8)
    const pages = m.root.memory?.pages ?? 0
    if (b1 !== this.inB1 || m.depth !== this.inDepth || pages !== this.inPages) {
      w[W_STATUS] = b1
      w[W_DEPTH] = m.depth
      w[W_PAGES] = pages
      w[W_GAS_LIMIT] = m.gasLimit >>> 0
      w[W_GAS_LIMIT + 1] = Math.floor(m.gasLimit / TWO32)
      this.inB1 = b1
      this.inDepth = m.depth
      this.inPages = pages
      dirty = Math.min(dirty, 1)
    }
    const frames = this.framesHash()
    if (frames !== this.inFrames) {
      hb.set(frames, HEADER.framesHash)
      this.inFrames = frames
      dirty = Math.min(dirty, 2)
    }
    const memory = this.memc.root()
    if (memory !== this.inMemory) {
      hb.set(memory, HEADER.memoryRoot)
      this.inMemory = memory
      dirty = Math.min(dirty, 2)
    }
    // Block 3: stackHash, pc, sp, icount, gasUsed (bytes 248–255 of the buffer stay zero).
    const sp = this.syncStack()
    const chain = this.chain
    for (let j = 0; j < 8; j++) w[W_STACK + j] = chain[8 * sp + j] as number
    w[W_PC] = m.pc
    w[W_SP] = sp
    w[W_ICOUNT] = m.icount >>> 0
    w[W_ICOUNT + 1] = Math.floor(m.icount / TWO32)
    w[W_GAS_USED] = m.gasUsed >>> 0
    w[W_GAS_USED + 1] = Math.floor(m.gasUsed / TWO32)
    if (dirty < this.dirtyFrom) this.dirtyFrom = dirty
  }

  /** The current state's decoded header. */
  header(): Header {
    this.fill()
    return decodeHeader(this.hb)
  }

  /**
   * The current state hash: BLAKE3 of the header. The chaining values after header blocks 0–2
   * are kept, so only the blocks from the first one that changed are compressed again.
   */
  hash(): Uint8Array {
    this.fill()
    const w = this.hw
    const cvs = this.cvs
    for (let b = this.dirtyFrom; b < 3; b++) {
      if (b === 0) compress(IV, 0, w, 0, 64, CHUNK_START, cvs, 0)
      else compress(cvs, 8 * (b - 1), w, 16 * b, 64, 0, cvs, 8 * b)
    }
    this.dirtyFrom = 3
    compress(cvs, 16, w, LAST_BLOCK >> 2, HEADER_BYTES - LAST_BLOCK, CHUNK_END | ROOT, this.out, 0)
    return this.outU8.slice()
  }
}

/** Operand chain over explicit slot values (bottom first). */
export function stackHashOf(slots: readonly Uint8Array[]): Uint8Array {
  let h = ZERO32
  for (const s of slots) h = chainPush(s, h)
  return h
}
