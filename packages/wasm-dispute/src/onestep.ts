// The one-step transition over committed state: given the pre-state header and a witness
// source, computes the post-state header of exactly one instruction. The same function runs
// in the prover (witnesses read from a live machine and recorded into the proof) and in the
// judge (witnesses read from the proof and checked against the committed roots), so prover
// and judge cannot drift apart. Instruction semantics come from numeric.ts and the load/store
// helpers the interpreter also uses.

import { chainPush, encodeFrame, type FrameRecord, framePush, type Header } from './commit.js'
import { type CompiledFunc, type CompiledModule, MEMOP, SIG } from './compile.js'
import { ProofMismatchError } from './errors.js'
import { PAGE } from './instance.js'
import { doLoad, doStore, type GasSchedule } from './machine.js'
import { rootFromMulti, rootFromPath, slotLeaf, vectorDepth, vectorRoot, ZERO32 } from './merkle.js'
import { execNumeric, makeSlots, Status } from './numeric.js'
import { segmentsOf } from './segments.js'

/** What the judge knows without proofs: the code and the deterministic parameters. */
export interface StepContext {
  readonly compiled: CompiledModule
  readonly gas: GasSchedule
  readonly stackLimit: number
  readonly maxPages: number
  readonly memDepth: number
  readonly tableSize: number
  readonly tableRoot: Uint8Array
  readonly moduleHash: Uint8Array
}

/** Supplies (and, in the judge, verifies) the parts of the state one instruction touches. */
export interface Witness {
  frame(framesHash: Uint8Array): { rec: FrameRecord; rest: Uint8Array }
  /** The top k operand slots (bottom first, 8 bytes each) below the chain hash `top` of height `sp`. */
  pop(k: number, top: Uint8Array, sp: number): { vals: Uint8Array; rest: Uint8Array }
  /** Leaf `i` (8-byte value) of a vector tree of `n` leaves with root `root`, and its path. */
  vector(
    kind: 'local' | 'global' | 'table',
    i: number,
    n: number,
    root: Uint8Array,
  ): { value: Uint8Array; path: Uint8Array[] }
  /** Memory leaves and multiproof siblings under `root`. */
  leaves(idxs: number[], root: Uint8Array): { leaves: Map<number, Uint8Array>; siblings: Uint8Array[] }
}

function halted(h: Header, status: number): Header {
  return { ...h, status, pc: 0, sp: 0, depth: 0, stackHash: ZERO32, framesHash: ZERO32 }
}

function funcOf(ctx: StepContext, index: number): CompiledFunc {
  const f = ctx.compiled.funcs[index - ctx.compiled.numImportedFuncs]
  if (!f) throw new ProofMismatchError(`frame names unknown function ${index}`)
  return f
}

function u32(v: Uint8Array, off = 0): number {
  return new DataView(v.buffer, v.byteOffset + off, 4).getUint32(0, true)
}

/** Computes the post-state header after one instruction. */
export function oneStep(ctx: StepContext, pre: Header, W: Witness): Header {
  if (pre.status !== Status.Running) return { ...pre }
  if (pre.depth === 0) throw new ProofMismatchError('running state without a frame')
  const { rec, rest: framesRest } = W.frame(pre.framesHash)
  const code = funcOf(ctx, rec.func)
  const pc = pre.pc
  if (pc >= code.op.length) throw new ProofMismatchError(`pc ${pc} outside function ${rec.func}`)
  const o = code.op[pc] as number
  const A = code.a[pc] as number
  const B = code.b[pc] as number
  const cost = ctx.gas[o] as number
  const post: Header = { ...pre, icount: pre.icount + 1 }
  const segCost = segmentsOf(code, ctx.gas).cost[pc] as number
  if (segCost !== 0 && pre.gasUsed + segCost > pre.gasLimit) return halted(post, Status.OutOfGas)
  post.gasUsed = pre.gasUsed + cost
  let top = pre.stackHash
  let sp = pre.sp
  const pop = (k: number): Uint8Array => {
    if (k > sp) throw new ProofMismatchError(`pop of ${k} values from a stack of ${sp}`)
    const r = W.pop(k, top, sp)
    top = r.rest
    sp -= k
    return r.vals
  }
  const push = (v: Uint8Array) => {
    top = chainPush(v, top)
    sp++
  }
  const finish = (nextPc: number): Header => {
    post.pc = nextPc
    post.sp = sp
    post.stackHash = top
    return post
  }
  const doReturn = (arity: number): Header => {
    const vals = pop(sp - rec.opBase)
    for (let i = vals.length / 8 - arity; i < vals.length / 8; i++) push(vals.subarray(i * 8, i * 8 + 8))
    post.framesHash = framesRest
    post.depth = pre.depth - 1
    if (post.depth === 0) {
      post.status = Status.Returned
      return finish(0)
    }
    return finish(rec.retPc)
  }
  const branch = (target: number, hb: number): Header => {
    const arity = hb & 1
    const height = rec.opBase + (hb >> 1)
    if (target < 0) return doReturn(arity)
    const vals = pop(sp - height)
    if (arity) push(vals.subarray(vals.length - 8))
    return finish(target)
  }
  const enter = (callee: CompiledFunc): Header => {
    const used = rec.used + callee.frameSize
    if (used > ctx.stackLimit) return halted(post, Status.Exhausted)
    const np = callee.type.params.length
    const args = pop(np)
    const leaves: Uint8Array[] = []
    for (let i = 0; i < callee.localTypes.length; i++)
      leaves.push(i < np ? slotLeaf(args.subarray(i * 8, i * 8 + 8)) : new Uint8Array(32))
    const frame: FrameRecord = { func: callee.index, retPc: pc + 1, opBase: sp, used, localsRoot: vectorRoot(leaves) }
    post.framesHash = framePush(encodeFrame(frame), pre.framesHash)
    post.depth = pre.depth + 1
    return finish(0)
  }
  const S = makeSlots(3)
  switch (o) {
    case 0x00:
      return halted(post, Status.Unreachable)
    case 0x01:
    case 0x02:
    case 0x03:
      return finish(pc + 1)
    case 0x04:
      return finish(u32(pop(1)) !== 0 ? pc + 1 : A)
    case 0x05:
      return finish(A)
    case 0x0b:
      return B & 1 ? doReturn(B >> 1) : finish(pc + 1)
    case 0x0c:
      return branch(A, B)
    case 0x0d:
      return u32(pop(1)) !== 0 ? branch(A, B) : finish(pc + 1)
    case 0x0e: {
      const i = u32(pop(1))
      const T = code.brTable
      const cnt = T[A] as number
      const k = Math.min(i, cnt)
      return branch(T[A + 1 + 2 * k] as number, T[A + 2 + 2 * k] as number)
    }
    case 0x0f:
      return doReturn(B)
    case 0x10:
      return enter(funcOf(ctx, A))
    case 0x11: {
      const i = u32(pop(1))
      if (i >= ctx.tableSize) return halted(post, Status.UndefinedElement)
      const { value, path } = W.vector('table', i, ctx.tableSize, ctx.tableRoot)
      const entry = u32(value)
      if (entry === 0) return halted(post, Status.UninitializedElement)
      const callee = funcOf(ctx, entry - 1)
      const want = ctx.compiled.module.types[B]
      if (
        !want ||
        callee.type.params.join(',') + '>' + callee.type.results.join(',') !==
          `${want.params.join(',')}>${want.results.join(',')}`
      )
        return halted(post, Status.IndirectCallTypeMismatch)
      void path
      return enter(callee)
    }
    case 0x1a:
      pop(1)
      return finish(pc + 1)
    case 0x1b: {
      const v = pop(3)
      push(u32(v, 16) !== 0 ? v.subarray(0, 8) : v.subarray(8, 16))
      return finish(pc + 1)
    }
    case 0x20:
    case 0x21:
    case 0x22: {
      const n = code.localTypes.length
      const v = o === 0x20 ? undefined : pop(1)
      const { value, path } = W.vector('local', A, n, rec.localsRoot)
      if (o === 0x20) push(value)
      else {
        const nv = v as Uint8Array
        const localsRoot = rootFromPath(slotLeaf(nv), A, path)
        post.framesHash = framePush(encodeFrame({ ...rec, localsRoot }), framesRest)
        if (o === 0x22) push(nv)
      }
      return finish(pc + 1)
    }
    case 0x23:
    case 0x24: {
      const n = ctx.compiled.globalTypes.length
      const v = o === 0x23 ? undefined : pop(1)
      const { value, path } = W.vector('global', A, n, pre.globalsRoot)
      if (o === 0x23) push(value)
      else post.globalsRoot = rootFromPath(slotLeaf(v as Uint8Array), A, path)
      return finish(pc + 1)
    }
    case 0x3f:
      S.u32[0] = pre.memPages
      push(S.u8.slice(0, 8))
      return finish(pc + 1)
    case 0x40: {
      const delta = u32(pop(1))
      const old = pre.memPages
      if (delta > ctx.maxPages - old) S.i32[0] = -1
      else {
        S.u32[0] = old
        post.memPages = old + delta
      }
      push(S.u8.slice(0, 8))
      return finish(pc + 1)
    }
    case 0x41:
    case 0x43:
      S.i32[0] = A
      push(S.u8.slice(0, 8))
      return finish(pc + 1)
    case 0x42:
    case 0x44:
      S.i32[0] = A
      S.i32[1] = B
      push(S.u8.slice(0, 8))
      return finish(pc + 1)
  }
  const mop = MEMOP[o]
  if (mop) {
    const size = mop[1]
    const isLoad = o <= 0x35
    const vals = pop(isLoad ? 1 : 2)
    const ea = u32(vals) + (A >>> 0)
    if (ea + size > pre.memPages * PAGE) return halted(post, Status.OutOfBounds)
    const first = ea >>> 5
    const last = (ea + size - 1) >>> 5
    const idxs = first === last ? [first] : [first, last]
    const { leaves, siblings } = W.leaves(idxs, pre.memoryRoot)
    const scratch = new Uint8Array(64)
    for (const [j, l] of idxs.entries()) scratch.set(leaves.get(l) as Uint8Array, j * 32)
    const view = new DataView(scratch.buffer)
    if (isLoad) {
      doLoad(o, S, 0, view, ea - first * 32)
      push(S.u8.slice(0, 8))
    } else {
      S.u8.set(vals.subarray(8, 16), 0)
      doStore(o, S, 0, view, ea - first * 32)
      const next = new Map<number, Uint8Array>()
      for (const [j, l] of idxs.entries()) next.set(l, scratch.slice(j * 32, j * 32 + 32))
      post.memoryRoot = rootFromMulti(ctx.memDepth, next, siblings)
    }
    return finish(pc + 1)
  }
  const sig = SIG.get(o)
  if (!sig) throw new ProofMismatchError(`opcode 0x${o.toString(16)} has no one-step rule`)
  const n = sig[0].length
  S.u8.set(pop(n), 0)
  const r = execNumeric(o, S, n)
  if (r < 0) return halted(post, -r)
  push(S.u8.slice(0, 8))
  return finish(pc + 1)
}

/** Depth of the locals tree of a function (for proof sizes). */
export function localsDepth(f: CompiledFunc): number {
  return vectorDepth(f.localTypes.length)
}
