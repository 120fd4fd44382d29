// Executors answer the verification game's questions about one computation: the state hash
// after k instructions, the one-step proof at k, the final claim. The honest executor replays
// its dispute-mode machine (restarting from the snapshot when asked about an earlier step);
// the faulty executor does the same but corrupts its state at a chosen step (for tests, the
// CLI's --fault and demonstrations).
import {
  decodeHeader,
  encodeHeader,
  HEADER_BYTES,
  type Header,
  hashHeader,
  StateHasher,
  stackHashOf,
} from './commit.js'
import { FaultSpecError, GameError } from './errors.js'
import type { Machine } from './machine.js'
import { equal } from './merkle.js'
import { Status } from './numeric.js'
import type { StepContext } from './onestep.js'
import { proveStep } from './proof.js'
import { cloneMachine } from './snapshot.js'
import type { WasmValue } from './values.js'

/** What a party in the game must be able to answer. */
export interface Executor {
  readonly name: string
  /** Instruction count at which this party claims the computation halted. */
  claimedSteps(): number
  /** Claimed state hash after k instructions (a halted state repeats for every later k). */
  hashAt(k: number): Uint8Array
  /** One-step proof of the transition k → k+1 from this party's state k. */
  proofAt(k: number): Uint8Array
  /** Claimed results and an opening of them against the final state hash. */
  claimedResults(): { results: WasmValue[]; opening: Uint8Array }
}

export type FaultKind = 'value' | 'memory' | 'gas' | 'halt' | 'extra'
export interface Fault {
  readonly kind: FaultKind
  /** The first corrupted state index (for `extra`: the number of extra steps claimed). */
  readonly step: number
}

export function parseFault(spec: string): Fault {
  const m = /^(value|memory|gas|halt|extra)@(\d+)$/.exec(spec)
  if (!m || Number(m[2]) < 1) throw new FaultSpecError(spec)
  return { kind: m[1] as FaultKind, step: Number(m[2]) }
}

/** Builds a fresh machine at instruction count 0 (from the agreed snapshot and call). */
export type MachineFactory = () => Machine

/** Opening of a returned state's results: header then the result slots (8 bytes each). */
export function openResults(h: Header, slots: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + slots.length)
  out.set(encodeHeader(h))
  out.set(slots, HEADER_BYTES)
  return out
}

/** Checks that `results` are exactly what the returned state `finalHash` holds. */
export function checkResults(finalHash: Uint8Array, results: readonly WasmValue[], opening: Uint8Array): boolean {
  if (opening.length !== HEADER_BYTES + 8 * results.length) return false
  const headerBytes = opening.subarray(0, HEADER_BYTES)
  const h = hashHeader(decodeHeaderSafe(headerBytes))
  if (!equal(h, finalHash)) return false
  const header = decodeHeaderSafe(headerBytes)
  if (header.status !== Status.Returned || header.sp !== results.length) return false
  const slots: Uint8Array[] = []
  for (let i = 0; i < results.length; i++) {
    const s = opening.slice(HEADER_BYTES + 8 * i, HEADER_BYTES + 8 * i + 8)
    const v = results[i] as WasmValue
    const dv = new DataView(s.buffer)
    if (dv.getBigUint64(0, true) !== v.bits) return false
    slots.push(s)
  }
  return equal(stackHashOf(slots), header.stackHash)
}

function decodeHeaderSafe(b: Uint8Array): Header {
  return decodeHeader(b)
}

/** An executor that runs the computation (honestly unless a fault is given). */
export class ReplayExecutor implements Executor {
  private m!: Machine
  private h!: StateHasher
  private pos = 0
  private extraFinal: number | undefined
  private haltAt: number | undefined

  constructor(
    readonly name: string,
    private readonly factory: MachineFactory,
    private readonly ctx: StepContext,
    readonly fault?: Fault,
  ) {
    this.restart()
  }

  private restart(): void {
    this.m = this.factory()
    this.h = new StateHasher(this.m)
    this.pos = 0
  }

  private applyFault(): void {
    const f = this.fault
    const m = this.m
    if (!f || f.kind === 'extra') return
    let kind = f.kind
    if (kind === 'memory' && !m.root.memory?.bytes.length) kind = 'value'
    if (kind === 'value' && m.sp === 0) kind = 'gas'
    if (m.status !== Status.Running && kind !== 'gas') kind = 'gas'
    switch (kind) {
      case 'value':
        m.ostk.u8[(m.sp - 1) * 8] = (m.ostk.u8[(m.sp - 1) * 8] as number) ^ 1
        break
      case 'memory': {
        const mem = m.root.memory
        if (mem) {
          mem.bytes[0] = (mem.bytes[0] as number) ^ 0x80
          mem.touch(0, 1)
        }
        break
      }
      case 'gas':
        m.gasUsed = m.gasUsed > 0 ? m.gasUsed - 1 : m.gasUsed + 1
        break
      case 'halt':
        m.status = Status.Returned
        m.depth = 0
        m.pc = 0
        break
    }
  }

  private faultAt(): number {
    return this.fault && this.fault.kind !== 'extra' ? this.fault.step : -1
  }

  private checkpoints: { pos: number; m: Machine }[] = []
  /** Most checkpoints kept (each holds a copy of memory and stacks). */
  static maxCheckpoints = 24

  private remember(): void {
    if (this.checkpoints.some((c) => c.pos === this.pos)) return
    this.checkpoints.push({ pos: this.pos, m: cloneMachine(this.m) })
    if (this.checkpoints.length > ReplayExecutor.maxCheckpoints) this.checkpoints.shift()
  }

  /**
   * Positions the machine at state k; halted states repeat. Going back resumes from the
   * nearest earlier checkpoint (every answered position is one), else from the snapshot.
   */
  private seek(k: number): void {
    if (k < this.pos) {
      let best: { pos: number; m: Machine } | undefined
      for (const c of this.checkpoints) if (c.pos <= k && (!best || c.pos > best.pos)) best = c
      if (best) {
        this.m = cloneMachine(best.m)
        this.h = new StateHasher(this.m)
        this.pos = best.pos
      } else this.restart()
    }
    const faultAt = this.faultAt()
    while (this.pos < k) {
      const next = faultAt > this.pos && faultAt <= k ? faultAt : k
      if (this.m.status === Status.Running) this.m.run(next - this.pos)
      this.pos = next
      if (this.pos === faultAt) this.applyFault()
    }
    this.remember()
  }

  /** Claimed halting step: runs the (possibly faulty) machine until it halts. */
  claimedSteps(): number {
    if (this.haltAt === undefined) {
      this.restart()
      const faultAt = this.faultAt()
      if (faultAt > 0) this.seek(faultAt)
      while (this.m.status === Status.Running) this.pos += this.m.run(1 << 20)
      this.haltAt = this.pos
      if (this.fault?.kind === 'extra') this.extraFinal = this.pos + this.fault.step
    }
    return this.extraFinal ?? this.haltAt
  }

  hashAt(k: number): Uint8Array {
    if (k < 0) throw new GameError(`no state before step 0 (asked ${k})`)
    const halt = this.claimedSteps()
    if (this.fault?.kind === 'extra' && this.haltAt !== undefined && k > this.haltAt) {
      // Invented states: the claimed run keeps counting instructions past the real halt.
      this.seek(this.haltAt)
      const hd = this.h.header()
      const j = Math.min(k, halt)
      return hashHeader({ ...hd, icount: j, status: j < halt ? Status.Running : hd.status })
    }
    this.seek(k)
    return this.h.hash()
  }

  /** This party's machine positioned at state k (for replays and tooling). */
  machineAt(k: number): Machine {
    this.seek(k)
    return this.m
  }

  proofAt(k: number): Uint8Array {
    this.seek(k)
    return proveStep(this.m, this.h, this.ctx).proof
  }

  claimedResults(): { results: WasmValue[]; opening: Uint8Array } {
    this.seek(this.claimedSteps())
    const m = this.m
    const header = this.h.header()
    const results = m.status === Status.Returned ? m.results() : []
    const slots = m.ostk.u8.slice(0, m.status === Status.Returned ? m.sp * 8 : 0)
    return { results, opening: openResults(header, slots) }
  }
}
