// One-step proofs: the prover records the witnesses oneStep() asks a live machine for; the
// judge replays oneStep() over the proof bytes, checking every witness against the committed
// roots, and returns the post-state hash. Layout: header (248) | top frame record (48) |
// frames-below hash (32) | the witnesses in the order the instruction asks for them.

import { blake3 } from './blake3.js'
import {
  chainPush,
  commitContext,
  decodeFrame,
  decodeHeader,
  encodeFrame,
  encodeHeader,
  FRAME_RECORD_BYTES,
  framePush,
  globalLeaves,
  HEADER_BYTES,
  type Header,
  hashHeader,
  type StateHasher,
  tableLeaf,
} from './commit.js'
import { ProofDecodeError, ProofMismatchError } from './errors.js'
import type { Instance } from './instance.js'
import type { Machine, MachineOptions } from './machine.js'
import { DEFAULT_STACK_LIMIT, defaultGasSchedule } from './machine.js'
import {
  equal,
  leafOf,
  memoryDepth,
  multiSiblingIndexes,
  rootFromMulti,
  rootFromPath,
  slotLeaf,
  vectorDepth,
  vectorPath,
} from './merkle.js'
import { oneStep, type StepContext, type Witness } from './onestep.js'

/** The judge's static context for an instance's module and the machine parameters. */
export function stepContext(inst: Instance, options: MachineOptions = {}): StepContext {
  const c = commitContext(inst)
  return {
    compiled: inst.compiled,
    gas: options.gasSchedule ?? defaultGasSchedule(),
    stackLimit: options.stackLimit ?? DEFAULT_STACK_LIMIT,
    maxPages: inst.memory?.maxPages ?? 0,
    memDepth: memoryDepth(inst.memory?.maxPages ?? 0),
    tableSize: inst.table?.elems.length ?? 0,
    tableRoot: c.tableRoot,
    moduleHash: c.moduleHash,
  }
}

/** Witnesses read from a live machine, recorded as proof bytes. */
class Recorder implements Witness {
  readonly parts: Uint8Array[] = []
  constructor(
    readonly m: Machine,
    readonly hasher: StateHasher,
  ) {}
  frame(): { rec: ReturnType<StateHasher['frameRecord']>; rest: Uint8Array } {
    const rec = this.hasher.frameRecord(this.m.depth - 1)
    const rest = this.hasher.framesRest()
    this.parts.push(encodeFrame(rec), rest)
    return { rec, rest }
  }
  pop(k: number, _top: Uint8Array, sp: number): { vals: Uint8Array; rest: Uint8Array } {
    const vals = this.m.ostk.u8.slice((sp - k) * 8, sp * 8)
    const rest = this.hasher.chainAt(sp - k)
    this.parts.push(vals, rest)
    return { vals, rest }
  }
  vector(kind: 'local' | 'global' | 'table', i: number): { value: Uint8Array; path: Uint8Array[] } {
    const inst = this.m.root
    const leaves =
      kind === 'local'
        ? this.hasher.localsLeaves(this.m.depth - 1)
        : kind === 'global'
          ? globalLeaves(inst)
          : (inst.table?.elems ?? []).map((f) => tableLeaf(f ? inst.funcs.indexOf(f) + 1 : 0))
    const value = (leaves[i] as Uint8Array).slice(0, 8)
    const path = vectorPath(leaves, i)
    this.parts.push(value, ...path)
    return { value, path }
  }
  leaves(idxs: number[]): { leaves: Map<number, Uint8Array>; siblings: Uint8Array[] } {
    this.hasher.memc.sync()
    const mem = this.m.root.memory?.bytes
    const leaves = new Map(idxs.map((i) => [i, leafOf(mem, i)] as const))
    const siblings = this.hasher.memc.tree.siblings(mem ?? new Uint8Array(0), idxs)
    for (const i of idxs) this.parts.push(leaves.get(i) as Uint8Array)
    this.parts.push(...siblings)
    return { leaves, siblings }
  }
}

/** Witnesses read from proof bytes and verified against the roots they claim to open. */
class Checker implements Witness {
  pos = HEADER_BYTES
  constructor(
    readonly proof: Uint8Array,
    readonly ctx: StepContext,
  ) {}
  take(n: number, what: string): Uint8Array {
    if (this.pos + n > this.proof.length) throw new ProofDecodeError(`truncated (${what})`, this.pos)
    const b = this.proof.slice(this.pos, this.pos + n)
    this.pos += n
    return b
  }
  frame(framesHash: Uint8Array) {
    const recBytes = this.take(FRAME_RECORD_BYTES, 'frame record')
    const rest = this.take(32, 'frames below')
    if (!equal(framePush(recBytes, rest), framesHash)) throw new ProofMismatchError('top frame')
    return { rec: decodeFrame(recBytes), rest }
  }
  pop(k: number, top: Uint8Array) {
    const vals = this.take(8 * k, 'stack values')
    const rest = this.take(32, 'stack below')
    let h = rest
    for (let i = 0; i < k; i++) h = chainPush(vals.subarray(i * 8, i * 8 + 8), h)
    if (!equal(h, top)) throw new ProofMismatchError('operand stack')
    return { vals, rest }
  }
  vector(kind: 'local' | 'global' | 'table', i: number, n: number, root: Uint8Array) {
    const value = this.take(8, kind)
    const path: Uint8Array[] = []
    for (let d = 0; d < vectorDepth(n); d++) path.push(this.take(32, `${kind} path`))
    if (!equal(rootFromPath(slotLeaf(value), i, path), root)) throw new ProofMismatchError(`${kind} ${i}`)
    return { value, path }
  }
  leaves(idxs: number[], root: Uint8Array) {
    const leaves = new Map<number, Uint8Array>()
    for (const i of idxs) leaves.set(i, this.take(32, 'memory leaf'))
    const count = multiSiblingIndexes(this.ctx.memDepth, idxs).length
    const siblings: Uint8Array[] = []
    for (let j = 0; j < count; j++) siblings.push(this.take(32, 'memory path'))
    if (!equal(rootFromMulti(this.ctx.memDepth, leaves, siblings), root)) throw new ProofMismatchError('memory')
    return { leaves, siblings }
  }
}

/** Builds the one-step proof for the instruction the machine is about to execute. */
export function proveStep(m: Machine, hasher: StateHasher, ctx: StepContext): { proof: Uint8Array; post: Header } {
  const pre = hasher.header()
  const rec = new Recorder(m, hasher)
  const post = oneStep(ctx, pre, rec)
  const parts = [encodeHeader(pre), ...rec.parts]
  const proof = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    proof.set(p, o)
    o += p.length
  }
  return { proof, post }
}

/**
 * The one-step judge: a pure function. Checks the proof opens `preHash`, executes the one
 * instruction over the witnessed state and returns the post-state hash. Throws
 * ProofDecodeError / ProofMismatchError for a proof that is malformed or does not open.
 */
export function judgeStep(ctx: StepContext, preHash: Uint8Array, proof: Uint8Array): Uint8Array {
  if (proof.length < HEADER_BYTES) throw new ProofDecodeError('shorter than the state header', proof.length)
  const headerBytes = proof.subarray(0, HEADER_BYTES)
  if (!equal(blake3(headerBytes), preHash)) throw new ProofMismatchError('state header')
  const pre = decodeHeader(headerBytes)
  if (!equal(encodeHeader(pre), headerBytes)) throw new ProofMismatchError('non-canonical header')
  if (!equal(pre.moduleHash, ctx.moduleHash)) throw new ProofMismatchError('module hash')
  if (!equal(pre.tableRoot, ctx.tableRoot)) throw new ProofMismatchError('table root')
  const checker = new Checker(proof, ctx)
  const post = oneStep(ctx, pre, checker)
  if (checker.pos !== proof.length) throw new ProofDecodeError('trailing bytes', checker.pos)
  return hashHeader(post)
}
