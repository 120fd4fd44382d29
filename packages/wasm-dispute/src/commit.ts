// The Merkle commitment to the total machine state (docs/wasm-dispute.md, "State hash"):
// a fixed 237-byte header hashed with SHA-256, whose roots commit to the operand stack (hash
// chain), the frames (hash chain of frame records, each with a locals tree), the globals, the
// memory (sparse tree of 32-byte leaves) and the table. Incremental: each hash costs what changed.

import { UnsupportedFeatureError } from './errors.js'
import type { FuncInst, Instance, MemoryInst } from './instance.js'
import type { Machine } from './machine.js'
import { MemoryTree, memoryDepth, slotLeaf, vectorRoot, ZERO32 } from './merkle.js'
import { sha256 } from './sha256.js'

export const HEADER_BYTES = 237
export const FRAME_RECORD_BYTES = 48

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

const TWO32 = 2 ** 32
/** u64 LE of an exact integer below 2^53, without a BigInt. */
function setU64(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, v >>> 0, true)
  dv.setUint32(at + 4, Math.floor(v / TWO32), true)
}

export function encodeHeader(h: Header, out: Uint8Array = new Uint8Array(HEADER_BYTES)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, HEADER_BYTES)
  dv.setUint8(0, h.status)
  dv.setUint32(1, h.pc, true)
  setU64(dv, 5, h.icount)
  setU64(dv, 13, h.gasUsed)
  setU64(dv, 21, h.gasLimit)
  dv.setUint32(29, h.sp, true)
  dv.setUint32(33, h.depth, true)
  dv.setUint32(37, h.memPages, true)
  out.set(h.stackHash, 41)
  out.set(h.framesHash, 73)
  out.set(h.globalsRoot, 105)
  out.set(h.memoryRoot, 137)
  out.set(h.tableRoot, 169)
  out.set(h.moduleHash, 201)
  // bytes 233..236: reserved (zero) for a future version tag
  return out
}

export function decodeHeader(b: Uint8Array): Header {
  const dv = new DataView(b.buffer, b.byteOffset, HEADER_BYTES)
  return {
    status: dv.getUint8(0),
    pc: dv.getUint32(1, true),
    icount: Number(dv.getBigUint64(5, true)),
    gasUsed: Number(dv.getBigUint64(13, true)),
    gasLimit: Number(dv.getBigUint64(21, true)),
    sp: dv.getUint32(29, true),
    depth: dv.getUint32(33, true),
    memPages: dv.getUint32(37, true),
    stackHash: b.slice(41, 73),
    framesHash: b.slice(73, 105),
    globalsRoot: b.slice(105, 137),
    memoryRoot: b.slice(137, 169),
    tableRoot: b.slice(169, 201),
    moduleHash: b.slice(201, 233),
  }
}

const headerBuf = new Uint8Array(HEADER_BYTES)
export function hashHeader(h: Header): Uint8Array {
  // Every byte of the buffer is rewritten (the reserved tail stays zero), so it can be reused.
  return sha256(encodeHeader(h, headerBuf))
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
  return sha256(buf40)
}

const buf80 = new Uint8Array(80)
/** One link of the frames chain: H(record48 || below). */
export function framePush(record: Uint8Array, below: Uint8Array): Uint8Array {
  buf80.set(record, 0)
  buf80.set(below, 48)
  return sha256(buf80)
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
    moduleHash: sha256(inst.compiled.module.bytes),
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

/** Incremental hasher of a Machine's state. */
export class StateHasher {
  readonly ctx: CommitContext
  readonly memc: MemoryCommitment
  private chain: Uint8Array[] = [ZERO32]
  private shadow: Uint8Array
  private hashedSp = 0
  private frameChain: Uint8Array[] = [ZERO32]
  private frameEpoch: number[] = []
  private globalsShadow: Uint8Array | undefined
  private globalsRootCache: Uint8Array = ZERO32

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
    this.shadow = new Uint8Array(m.ostk.u8.length)
  }

  stackHash(): Uint8Array {
    const m = this.m
    const cur = m.ostk.u8
    const sp = m.sp
    let from = Math.min(sp, this.hashedSp)
    const sh = this.shadow
    for (let i = 0; i < from * 8; i++) {
      if (cur[i] !== sh[i]) {
        from = i >> 3
        break
      }
    }
    for (let k = from; k < sp; k++)
      this.chain[k + 1] = chainPush(cur.subarray(k * 8, k * 8 + 8), this.chain[k] as Uint8Array)
    sh.set(cur.subarray(from * 8, sp * 8), from * 8)
    this.hashedSp = sp
    return this.chain[sp] as Uint8Array
  }

  /** Operand chain hash at height j (j <= sp; call stackHash() first). */
  chainAt(j: number): Uint8Array {
    return this.chain[j] as Uint8Array
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
      localsRoot: vectorRoot(this.localsLeaves(d)),
    }
  }

  /** The top frame's locals as last hashed (to skip rehashing when no local changed). */
  private topLocals: { depth: number; epoch: number; bytes: Uint8Array } | undefined

  framesHash(): Uint8Array {
    const m = this.m
    let dirty = false
    for (let d = 0; d < m.depth; d++) {
      const top = d === m.depth - 1
      if (!dirty && !top && this.frameEpoch[d] === m.fEpoch[d] && this.frameChain[d + 1]) continue
      if (!dirty && top && this.frameChain[d + 1] && this.topUnchanged(d)) continue
      dirty = true
      this.frameChain[d + 1] = framePush(encodeFrame(this.frameRecord(d)), this.frameChain[d] as Uint8Array)
      this.frameEpoch[d] = top ? -1 : (m.fEpoch[d] as number)
      if (top) this.rememberTop(d)
    }
    this.frameEpoch.length = m.depth
    this.frameChain.length = m.depth + 1
    return this.frameChain[m.depth] as Uint8Array
  }

  private localsBytes(d: number): Uint8Array {
    const m = this.m
    const n = m.fFunc[d]?.code.localTypes.length ?? 0
    const base = m.fLocalBase[d] as number
    return m.lstk.u8.subarray(base * 8, (base + n) * 8)
  }

  /** Same frame (depth and epoch) as last hashed and byte-identical locals. */
  private topUnchanged(d: number): boolean {
    const t = this.topLocals
    if (!t || t.depth !== d || t.epoch !== this.m.fEpoch[d]) return false
    const cur = this.localsBytes(d)
    if (cur.length !== t.bytes.length) return false
    for (let i = 0; i < cur.length; i++) if (cur[i] !== t.bytes[i]) return false
    return true
  }

  private rememberTop(d: number): void {
    this.topLocals = { depth: d, epoch: this.m.fEpoch[d] as number, bytes: this.localsBytes(d).slice() }
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

  header(): Header {
    const m = this.m
    return {
      status: m.status,
      pc: m.pc,
      icount: m.icount,
      gasUsed: m.gasUsed,
      gasLimit: m.gasLimit,
      sp: m.sp,
      depth: m.depth,
      memPages: m.root.memory?.pages ?? 0,
      stackHash: this.stackHash(),
      framesHash: this.framesHash(),
      globalsRoot: this.globalsRoot(),
      memoryRoot: this.memc.root(),
      tableRoot: this.ctx.tableRoot,
      moduleHash: this.ctx.moduleHash,
    }
  }

  hash(): Uint8Array {
    return hashHeader(this.header())
  }
}

/** Operand chain over explicit slot values (bottom first). */
export function stackHashOf(slots: readonly Uint8Array[]): Uint8Array {
  let h = ZERO32
  for (const s of slots) h = chainPush(s, h)
  return h
}
