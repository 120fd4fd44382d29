// Dispute mode: a deterministic stepping interpreter. One step executes exactly one wasm
// instruction (including block/loop/end/else), charges its gas and increments the instruction
// counter. Terminal states (returned, trapped, out of gas, exhausted) step to themselves.
import { type CompiledFunc, MEMOP } from './compile.js'
import { DEFAULT_GAS_LIMIT, defaultGasSchedule, type GasSchedule } from './gas.js'
import { doLoad, doStore } from './memops.js'

export { DEFAULT_GAS_LIMIT, defaultGasSchedule, type GasSchedule } from './gas.js'
export { doLoad, doStore } from './memops.js'

import { ArgumentError, UnknownExportError } from './errors.js'
import type { FuncInst, GlobalInst, Instance, MemoryInst, WasmFunc } from './instance.js'
import { execNumeric, makeSlots, type Slots, Status } from './numeric.js'
import { segmentsOf } from './segments.js'
import { readSlot, TYPE_NAME, type WasmValue, writeSlot } from './values.js'

/** Default deterministic stack limit, in frame-weight slots (see FRAME_OVERHEAD). */
export const DEFAULT_STACK_LIMIT = 65536

export interface MachineOptions {
  readonly gasLimit?: bigint
  readonly stackLimit?: number
  readonly gasSchedule?: GasSchedule
}

/** The full machine state. Fields are public so the hasher and prover can read them. */
export class Machine {
  status: number = Status.Running
  pc = 0
  sp = 0
  lp = 0
  depth = 0
  icount = 0
  gasUsed = 0
  readonly gasLimit: number
  readonly stackLimit: number
  readonly gas: GasSchedule
  readonly ostk: Slots
  readonly lstk: Slots
  // Frame records, indexed by depth.
  fFunc: WasmFunc[] = []
  fRetPc: Int32Array
  fLocalBase: Int32Array
  fOpBase: Int32Array
  fUsed: Int32Array
  fEpoch: Float64Array
  epoch = 0
  /** Instance of the current (top) frame. */
  inst: Instance
  code: CompiledFunc
  /** Results after a return (also left on the operand stack). */
  hostError: unknown

  constructor(
    readonly root: Instance,
    func: FuncInst,
    args: readonly WasmValue[],
    options: MachineOptions = {},
  ) {
    this.gasLimit = Number(options.gasLimit ?? DEFAULT_GAS_LIMIT)
    this.stackLimit = options.stackLimit ?? DEFAULT_STACK_LIMIT
    this.gas = options.gasSchedule ?? defaultGasSchedule()
    const cap = this.stackLimit + 8
    this.ostk = makeSlots(cap)
    this.lstk = makeSlots(cap)
    const maxFrames = Math.ceil(cap / 16) + 2
    this.fRetPc = new Int32Array(maxFrames)
    this.fLocalBase = new Int32Array(maxFrames)
    this.fOpBase = new Int32Array(maxFrames)
    this.fUsed = new Int32Array(maxFrames)
    this.fEpoch = new Float64Array(maxFrames)
    if (func.kind === 'host') throw new ArgumentError('cannot step a host function', func.typeKey)
    const params = func.code.type.params
    if (args.length !== params.length) throw new ArgumentError(`expected ${params.length} arguments`, args)
    args.forEach((v, i) => {
      if (v.type !== TYPE_NAME[params[i] as 0x7f])
        throw new ArgumentError(`argument ${i} must be ${TYPE_NAME[params[i] as 0x7f]}`, v)
      writeSlot(this.ostk, i, v)
    })
    this.sp = args.length
    this.inst = func.instance
    this.code = func.code
    this.enter(func, 0)
  }

  /** Pushes a frame for `f`, taking its parameters from the operand stack. Returns false on exhaustion. */
  private enter(f: WasmFunc, retPc: number): boolean {
    const d = this.depth
    const used = (d > 0 ? (this.fUsed[d - 1] as number) : 0) + f.code.frameSize
    if (used > this.stackLimit) {
      this.halt(Status.Exhausted)
      return false
    }
    const np = f.code.type.params.length
    const nl = f.code.localTypes.length
    const lp = this.lp
    const L = this.lstk.i32
    const O = this.ostk.i32
    const from = this.sp - np
    L.set(O.subarray(2 * from, 2 * this.sp), 2 * lp)
    L.fill(0, 2 * (lp + np), 2 * (lp + nl))
    this.sp = from
    this.fFunc[d] = f
    this.fRetPc[d] = retPc
    this.fLocalBase[d] = lp
    this.fOpBase[d] = from
    this.fUsed[d] = used
    this.fEpoch[d] = ++this.epoch
    this.lp = lp + nl
    this.depth = d + 1
    this.pc = 0
    this.inst = f.instance
    this.code = f.code
    return true
  }

  /** Pops the top frame, moving `arity` results to its operand base. */
  private leave(arity: number): void {
    const d = this.depth - 1
    const base = this.fOpBase[d] as number
    const O = this.ostk.i32
    if (arity > 0) O.copyWithin(2 * base, 2 * (this.sp - arity), 2 * this.sp)
    this.sp = base + arity
    this.lp = this.fLocalBase[d] as number
    this.depth = d
    if (d === 0) {
      this.status = Status.Returned
      this.pc = 0
      return
    }
    const caller = this.fFunc[d - 1] as WasmFunc
    this.fEpoch[d - 1] = ++this.epoch
    this.pc = this.fRetPc[d] as number
    this.inst = caller.instance
    this.code = caller.code
  }

  /** Results of a returned invocation. */
  results(): WasmValue[] {
    if (this.status !== Status.Returned) return []
    const func = this.entryFunc()
    const rs = func.code.type.results
    if (this.sp < rs.length) return []
    return rs.map((t, i) => readSlot(this.ostk, this.sp - rs.length + i, t))
  }

  private entry: WasmFunc | undefined

  /** Copies this machine's state onto a copied instance (see snapshot.ts). */
  copyInto(root: Instance, mapFunc: (f: WasmFunc) => WasmFunc): Machine {
    const c = Object.create(Machine.prototype) as Machine
    const self = this as unknown as Record<string, unknown>
    const copy = c as unknown as Record<string, unknown>
    for (const k of Object.keys(self)) copy[k] = self[k]
    const slots = (s: Slots, used: number): Slots => {
      const n = makeSlots(s.u64.length)
      n.u8.set(s.u8.subarray(0, used * 8))
      return n
    }
    copy['root'] = root
    copy['ostk'] = slots(this.ostk, this.sp)
    copy['lstk'] = slots(this.lstk, this.lp)
    copy['fFunc'] = this.fFunc.slice(0, this.depth).map(mapFunc)
    copy['fRetPc'] = this.fRetPc.slice()
    copy['fLocalBase'] = this.fLocalBase.slice()
    copy['fOpBase'] = this.fOpBase.slice()
    copy['fUsed'] = this.fUsed.slice()
    copy['fEpoch'] = this.fEpoch.slice()
    copy['entry'] = this.entry ? mapFunc(this.entry) : undefined
    const top = c.fFunc[this.depth - 1]
    copy['inst'] = top ? top.instance : root
    return c
  }
  entryFunc(): WasmFunc {
    if (!this.entry) this.entry = this.fFunc[0] as WasmFunc
    return this.entry
  }

  /** Executes one instruction (in place) and returns this machine. */
  step(): this {
    this.run(1)
    return this
  }

  /** Runs up to `maxSteps` instructions; returns how many were executed. */
  run(maxSteps: number): number {
    if (this.status !== Status.Running) return 0
    this.entryFunc()
    const gasTable = this.gas
    const gasLimit = this.gasLimit
    const O = this.ostk
    const oi = O.i32
    const L = this.lstk.i32
    let code = this.code
    let op = code.op
    let A = code.a
    let B = code.b
    let pc = this.pc
    let sp = this.sp
    let gas = this.gasUsed
    let lbase = this.fLocalBase[this.depth - 1] as number
    let opBase = this.fOpBase[this.depth - 1] as number
    let inst = this.inst
    let mem: MemoryInst | undefined = inst.memory
    let G = inst.globalCells
    let n = 0
    let seg = segmentsOf(code, gasTable).cost
    const reload = () => {
      code = this.code
      seg = segmentsOf(code, gasTable).cost
      op = code.op
      A = code.a
      B = code.b
      pc = this.pc
      sp = this.sp
      lbase = this.fLocalBase[this.depth - 1] as number
      opBase = this.fOpBase[this.depth - 1] as number
      inst = this.inst
      mem = inst.memory
      G = inst.globalCells
    }
    const save = () => {
      this.pc = pc
      this.sp = sp
      this.gasUsed = gas
    }
    let trap = 0
    while (n < maxSteps) {
      const o = op[pc] as number
      n++
      // Gas is checked once per segment, against the whole segment (see segments.ts).
      const sc = seg[pc] as number
      if (sc !== 0 && gas + sc > gasLimit) {
        trap = Status.OutOfGas
        break
      }
      gas += gasTable[o] as number
      switch (o) {
        case 0x00:
          trap = Status.Unreachable
          break
        case 0x01:
        case 0x02:
        case 0x03:
          pc++
          continue
        case 0x04:
          sp--
          pc = oi[2 * sp] !== 0 ? pc + 1 : (A[pc] as number)
          continue
        case 0x05:
          pc = A[pc] as number
          continue
        case 0x0b:
          if ((B[pc] as number) & 1) {
            save()
            this.leave((B[pc] as number) >> 1)
            if (this.status !== Status.Running) {
              this.icount += n
              return n
            }
            reload()
            continue
          }
          pc++
          continue
        case 0x0c:
        case 0x0d:
        case 0x0e: {
          if (o === 0x0d) {
            sp--
            if (oi[2 * sp] === 0) {
              pc++
              continue
            }
          }
          let target: number
          let hb: number
          if (o === 0x0e) {
            sp--
            const T = code.brTable
            const base = A[pc] as number
            const cnt = T[base] as number
            const i = (oi[2 * sp] as number) >>> 0
            const k = Math.min(i, cnt)
            target = T[base + 1 + 2 * k] as number
            hb = T[base + 2 + 2 * k] as number
          } else {
            target = A[pc] as number
            hb = B[pc] as number
          }
          const arity = hb & 1
          if (target < 0) {
            save()
            this.leave(arity)
            if (this.status !== Status.Running) {
              this.icount += n
              return n
            }
            reload()
            continue
          }
          const nsp = opBase + (hb >> 1)
          if (arity) {
            oi[2 * nsp] = oi[2 * sp - 2] as number
            oi[2 * nsp + 1] = oi[2 * sp - 1] as number
          }
          sp = nsp + arity
          pc = target
          continue
        }
        case 0x0f:
          save()
          this.leave(B[pc] as number)
          if (this.status !== Status.Running) {
            this.icount += n
            return n
          }
          reload()
          continue
        case 0x10:
        case 0x11: {
          let f: FuncInst | undefined
          if (o === 0x10) f = inst.funcs[A[pc] as number]
          else {
            sp--
            const i = (oi[2 * sp] as number) >>> 0
            const table = inst.table
            if (!table || i >= table.elems.length) {
              trap = Status.UndefinedElement
              break
            }
            f = table.elems[i] ?? undefined
            if (!f) {
              trap = Status.UninitializedElement
              break
            }
            const want = inst.compiled.module.types[B[pc] as number]
            if (!want || f.typeKey !== `${want.params.join(',')}>${want.results.join(',')}`) {
              trap = Status.IndirectCallTypeMismatch
              break
            }
          }
          if (!f) {
            trap = Status.Unreachable
            break
          }
          if (f.kind === 'host') {
            const np = f.type.params.length
            const args: WasmValue[] = []
            for (let i = 0; i < np; i++) args.push(readSlot(O, sp - np + i, f.type.params[i] as 0x7f))
            sp -= np
            let res: WasmValue[]
            try {
              res = f.call(args)
            } catch (e) {
              this.hostError = e
              trap = Status.HostTrap
              break
            }
            for (const v of res) writeSlot(O, sp++, v)
            pc++
            continue
          }
          save()
          if (!this.enter(f, pc + 1)) {
            this.icount += n
            return n
          }
          reload()
          continue
        }
        case 0x1a:
          sp--
          pc++
          continue
        case 0x1b:
          sp--
          if (oi[2 * sp] === 0) {
            oi[2 * sp - 4] = oi[2 * sp - 2] as number
            oi[2 * sp - 3] = oi[2 * sp - 1] as number
          }
          sp--
          pc++
          continue
        case 0x20: {
          const l = 2 * (lbase + (A[pc] as number))
          oi[2 * sp] = L[l] as number
          oi[2 * sp + 1] = L[l + 1] as number
          sp++
          pc++
          continue
        }
        case 0x21:
        case 0x22: {
          const l = 2 * (lbase + (A[pc] as number))
          L[l] = oi[2 * sp - 2] as number
          L[l + 1] = oi[2 * sp - 1] as number
          if (o === 0x21) sp--
          pc++
          continue
        }
        case 0x23: {
          const c = G[A[pc] as number] as GlobalInst
          const gi = c.slots.i32
          const g = 2 * c.index
          oi[2 * sp] = gi[g] as number
          oi[2 * sp + 1] = gi[g + 1] as number
          sp++
          pc++
          continue
        }
        case 0x24: {
          const c = G[A[pc] as number] as GlobalInst
          const gi = c.slots.i32
          const g = 2 * c.index
          sp--
          gi[g] = oi[2 * sp] as number
          gi[g + 1] = oi[2 * sp + 1] as number
          pc++
          continue
        }
        case 0x3f:
          oi[2 * sp] = (mem as MemoryInst).pages
          oi[2 * sp + 1] = 0
          sp++
          pc++
          continue
        case 0x40:
          oi[2 * sp - 2] = (mem as MemoryInst).grow((oi[2 * sp - 2] as number) >>> 0)
          pc++
          continue
        case 0x41:
          oi[2 * sp] = A[pc] as number
          oi[2 * sp + 1] = 0
          sp++
          pc++
          continue
        case 0x42:
        case 0x44:
          oi[2 * sp] = A[pc] as number
          oi[2 * sp + 1] = B[pc] as number
          sp++
          pc++
          continue
        case 0x43:
          oi[2 * sp] = A[pc] as number
          oi[2 * sp + 1] = 0
          sp++
          pc++
          continue
        // hot i32 arithmetic inlined; the rest goes through execNumeric
        case 0x6a:
          sp--
          oi[2 * sp - 2] = ((oi[2 * sp - 2] as number) + (oi[2 * sp] as number)) | 0
          pc++
          continue
        case 0x6b:
          sp--
          oi[2 * sp - 2] = ((oi[2 * sp - 2] as number) - (oi[2 * sp] as number)) | 0
          pc++
          continue
        case 0x46:
          sp--
          oi[2 * sp - 2] = oi[2 * sp - 2] === oi[2 * sp] ? 1 : 0
          pc++
          continue
        case 0x47:
          sp--
          oi[2 * sp - 2] = oi[2 * sp - 2] !== oi[2 * sp] ? 1 : 0
          pc++
          continue
        case 0x48:
          sp--
          oi[2 * sp - 2] = (oi[2 * sp - 2] as number) < (oi[2 * sp] as number) ? 1 : 0
          pc++
          continue
        case 0x45:
          oi[2 * sp - 2] = oi[2 * sp - 2] === 0 ? 1 : 0
          pc++
          continue
        default: {
          if (o >= 0x28 && o <= 0x3e) {
            const size = (MEMOP[o] as [number, number])[1]
            const m = mem as MemoryInst
            if (o <= 0x35) {
              const ea = ((oi[2 * sp - 2] as number) >>> 0) + ((A[pc] as number) >>> 0)
              if (ea + size > m.bytes.length) {
                trap = Status.OutOfBounds
                break
              }
              doLoad(o, O, sp - 1, m.view, ea)
            } else {
              const ea = ((oi[2 * sp - 4] as number) >>> 0) + ((A[pc] as number) >>> 0)
              if (ea + size > m.bytes.length) {
                trap = Status.OutOfBounds
                break
              }
              doStore(o, O, sp - 1, m.view, ea)
              m.touch(ea, size)
              sp -= 2
            }
            pc++
            continue
          }
          const r = execNumeric(o, O, sp)
          if (r < 0) {
            trap = -r
            break
          }
          sp = r
          pc++
          continue
        }
      }
      // Only traps reach here.
      break
    }
    this.pc = pc
    this.sp = sp
    this.gasUsed = gas
    this.icount += n
    if (trap !== 0) this.halt(trap)
    return n
  }

  /** Enters a terminal trapped state: stack and frames are discarded (see docs: terminal states). */
  halt(status: number): void {
    this.status = status
    this.sp = 0
    this.lp = 0
    this.depth = 0
    this.pc = 0
  }
}

/** Creates a machine positioned at instruction count 0 of `exportName(args)`. */
export function invoke(
  inst: Instance,
  exportName: string,
  args: readonly WasmValue[],
  options: MachineOptions = {},
): Machine {
  const f = inst.exportedFunc(exportName)
  if (!f) throw new UnknownExportError(exportName)
  return new Machine(inst, f, args, options)
}

/** `step(state) → state`: advances the machine by one instruction (in place, see decision 0082). */
export function step(m: Machine): Machine {
  return m.step()
}

/** Runs a machine to a terminal state (in chunks) and returns it. */
export function runToEnd(m: Machine, chunk = 1 << 20): Machine {
  while (m.status === Status.Running) m.run(chunk)
  return m
}
