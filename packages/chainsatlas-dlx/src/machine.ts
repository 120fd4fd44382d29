// The DLX simulator: 32 integer registers in an Int32Array, memory as native-endian 32-bit words with
// big-endian byte/halfword addressing (byte a lives at native byte a ^ 3), and one switch-dispatch loop.
import {
  ArithmeticOverflowError,
  DivisionByZeroError,
  IllegalInstructionError,
  MachineConfigError,
  MisalignedAccessError,
  MisalignedJumpError,
  OutOfRangeAccessError,
  PcOutOfRangeError,
  UnknownTrapError,
} from './errors.js'
import { TRAP } from './isa.js'
import type { Program } from './program.js'

export interface MachineOptions {
  /** Bytes of memory, a multiple of 4 between 4 KiB and 1 GiB (default 1 MiB). */
  readonly memorySize?: number
  /** Branch delay slots as in dlxsim's pipeline (default false: a taken branch goes straight to its target). */
  readonly delaySlots?: boolean
  /** Bytes that TRAP 4 / TRAP 5 read. */
  readonly input?: Uint8Array | string
}

/** Why {@link Machine.run} returned. */
export type RunStatus = 'halted' | 'budget' | 'transfer'

export interface RunResult {
  readonly status: RunStatus
  /** Instructions executed by this call. */
  readonly steps: number
}

export const DEFAULT_MEMORY_SIZE = 1 << 20

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/**
 * One DLX machine. Create it with {@link createMachine}; state moves between machines with
 * `dumpState` / `loadState` (see state.ts).
 */
export class Machine {
  readonly regs = new Int32Array(32)
  readonly memorySize: number
  readonly delaySlots: boolean
  /** Memory words in host order; use `readBytes`/`writeBytes` for big-endian byte views. */
  readonly mem32: Int32Array
  readonly mem8: Uint8Array
  readonly mem16: Uint16Array
  pc = 0
  /** Address of the instruction after pc (differs from pc + 4 only inside a delay slot). */
  npc = 4
  /** Instructions executed since reset, across every run and transfer. */
  steps = 0
  halted = false
  /** Bytes of input consumed. */
  inputPos = 0
  /** Bytes of output produced since reset (the bytes themselves are in `output` of this machine only). */
  outputCount = 0
  input: Uint8Array
  output: number[] = []

  constructor(options: MachineOptions = {}) {
    if (!LITTLE_ENDIAN_HOST) throw new MachineConfigError('host', 'big-endian', 'a little-endian host')
    const size = options.memorySize ?? DEFAULT_MEMORY_SIZE
    if (!Number.isInteger(size) || size % 4 !== 0 || size < 4096 || size > 2 ** 30)
      throw new MachineConfigError('memorySize', size, 'a multiple of 4 in [4096, 2^30]')
    this.memorySize = size
    this.delaySlots = options.delaySlots ?? false
    const buf = new ArrayBuffer(size)
    this.mem32 = new Int32Array(buf)
    this.mem8 = new Uint8Array(buf)
    this.mem16 = new Uint16Array(buf)
    const inp = options.input ?? new Uint8Array(0)
    this.input = typeof inp === 'string' ? new TextEncoder().encode(inp) : inp
  }

  /** Copies big-endian bytes into memory at `address`. */
  writeBytes(address: number, bytes: Uint8Array): void {
    if (address < 0 || address + bytes.length > this.memorySize)
      throw new OutOfRangeAccessError(this.pc, 0, address + bytes.length, this.memorySize)
    const m8 = this.mem8
    for (let i = 0; i < bytes.length; i++) m8[(address + i) ^ 3] = bytes[i]!
  }

  /** Reads `length` big-endian bytes from memory at `address`. */
  readBytes(address: number, length: number): Uint8Array {
    if (address < 0 || address + length > this.memorySize)
      throw new OutOfRangeAccessError(this.pc, 0, address + length, this.memorySize)
    const out = new Uint8Array(length)
    const m8 = this.mem8
    for (let i = 0; i < length; i++) out[i] = m8[(address + i) ^ 3]!
    return out
  }

  /** The 32-bit big-endian word at an aligned address, as an unsigned number. */
  readWord(address: number): number {
    return this.mem32[address >>> 2]! >>> 0
  }

  outputText(): string {
    return new TextDecoder().decode(Uint8Array.from(this.output))
  }

  private fault(err: Error, cur: number, next: number, n: number): never {
    this.pc = cur
    this.npc = next
    this.steps += n
    throw err
  }

  /**
   * Runs until TRAP 0, until `maxSteps` instructions ran, or (with a window) until pc leaves
   * [windowStart, windowEnd). Faults throw a typed {@link MachineFault} with the machine left
   * exactly before the faulting instruction.
   */
  run(maxSteps = Number.POSITIVE_INFINITY, windowStart = 0, windowEnd = this.memorySize): RunResult {
    if (this.halted) return { status: 'halted', steps: 0 }
    const r = this.regs
    const m = this.mem32
    const m8 = this.mem8
    const m16 = this.mem16
    const size = this.memorySize
    const lo = windowStart | 0
    const span = (windowEnd - windowStart) >>> 0
    const whole = lo === 0 && span >= size
    const delay = this.delaySlots
    const linkOff = delay ? 8 : 4
    let pc = this.pc | 0
    let npc = this.npc | 0
    let n = 0
    let status: RunStatus = 'budget'
    loop: while (n < maxSteps) {
      const cur = pc
      if ((cur - lo) >>> 0 >= span || (cur & 3) !== 0) {
        if (whole || (cur & 3) !== 0) this.fault(new PcOutOfRangeError(cur >>> 0, size), cur, npc, n)
        status = 'transfer'
        break
      }
      const w = m[cur >>> 2]!
      const next = npc
      pc = npc
      npc = pc + 4
      n++
      switch (w >>> 26) {
        case 0x00: {
          const a = r[(w >>> 21) & 31]!
          const b = r[(w >>> 16) & 31]!
          const d = (w >>> 11) & 31
          switch (w & 63) {
            case 0x00:
              if (w !== 0) this.fault(new IllegalInstructionError(cur, w), cur, next, n - 1)
              break
            case 0x04:
              r[d] = a << (b & 31)
              break
            case 0x06:
              r[d] = a >>> (b & 31)
              break
            case 0x07:
              r[d] = a >> (b & 31)
              break
            case 0x10:
              r[d] = a === b ? 1 : 0
              break
            case 0x11:
              r[d] = a !== b ? 1 : 0
              break
            case 0x12:
              r[d] = a >>> 0 < b >>> 0 ? 1 : 0
              break
            case 0x13:
              r[d] = a >>> 0 > b >>> 0 ? 1 : 0
              break
            case 0x14:
              r[d] = a >>> 0 <= b >>> 0 ? 1 : 0
              break
            case 0x15:
              r[d] = a >>> 0 >= b >>> 0 ? 1 : 0
              break
            case 0x20: {
              const s = a + b
              if (s > 2147483647 || s < -2147483648) this.fault(new ArithmeticOverflowError(cur, w), cur, next, n - 1)
              r[d] = s
              break
            }
            case 0x21:
              r[d] = a + b
              break
            case 0x22: {
              const s = a - b
              if (s > 2147483647 || s < -2147483648) this.fault(new ArithmeticOverflowError(cur, w), cur, next, n - 1)
              r[d] = s
              break
            }
            case 0x23:
              r[d] = a - b
              break
            case 0x24:
              r[d] = a & b
              break
            case 0x25:
              r[d] = a | b
              break
            case 0x26:
              r[d] = a ^ b
              break
            case 0x28:
              r[d] = a === b ? 1 : 0
              break
            case 0x29:
              r[d] = a !== b ? 1 : 0
              break
            case 0x2a:
              r[d] = a < b ? 1 : 0
              break
            case 0x2b:
              r[d] = a > b ? 1 : 0
              break
            case 0x2c:
              r[d] = a <= b ? 1 : 0
              break
            case 0x2d:
              r[d] = a >= b ? 1 : 0
              break
            default:
              this.fault(new IllegalInstructionError(cur, w), cur, next, n - 1)
          }
          r[0] = 0
          break
        }
        case 0x01: {
          const a = r[(w >>> 21) & 31]!
          const b = r[(w >>> 16) & 31]!
          const d = (w >>> 11) & 31
          switch (w & 63) {
            case 0x0e:
            case 0x16:
              r[d] = Math.imul(a, b)
              break
            case 0x0f:
              if (b === 0) this.fault(new DivisionByZeroError(cur, w), cur, next, n - 1)
              r[d] = (a / b) | 0
              break
            case 0x17:
              if (b === 0) this.fault(new DivisionByZeroError(cur, w), cur, next, n - 1)
              r[d] = (a >>> 0) / (b >>> 0)
              break
            default:
              this.fault(new IllegalInstructionError(cur, w), cur, next, n - 1)
          }
          r[0] = 0
          break
        }
        case 0x02: // J
        case 0x03: {
          // JAL
          const t = (cur + 4 + ((w << 6) >> 6)) | 0
          if ((t & 3) !== 0) this.fault(new MisalignedJumpError(cur, w, t >>> 0), cur, next, n - 1)
          if (w >>> 26 === 0x03) r[31] = cur + linkOff
          if (delay) npc = t
          else {
            pc = t
            npc = t + 4
          }
          break
        }
        case 0x04: // BEQZ
        case 0x05: {
          // BNEZ
          if ((r[(w >>> 21) & 31] === 0) === (w >>> 26 === 0x04)) {
            const t = (cur + 4 + ((w << 16) >> 16)) | 0
            if ((t & 3) !== 0) this.fault(new MisalignedJumpError(cur, w, t >>> 0), cur, next, n - 1)
            if (delay) npc = t
            else {
              pc = t
              npc = t + 4
            }
          }
          break
        }
        case 0x08: {
          const s = r[(w >>> 21) & 31]! + ((w << 16) >> 16)
          if (s > 2147483647 || s < -2147483648) this.fault(new ArithmeticOverflowError(cur, w), cur, next, n - 1)
          r[(w >>> 16) & 31] = s
          r[0] = 0
          break
        }
        case 0x09:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! + (w & 0xffff)
          r[0] = 0
          break
        case 0x0a: {
          const s = r[(w >>> 21) & 31]! - ((w << 16) >> 16)
          if (s > 2147483647 || s < -2147483648) this.fault(new ArithmeticOverflowError(cur, w), cur, next, n - 1)
          r[(w >>> 16) & 31] = s
          r[0] = 0
          break
        }
        case 0x0b:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! - (w & 0xffff)
          r[0] = 0
          break
        case 0x0c:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! & (w & 0xffff)
          r[0] = 0
          break
        case 0x0d:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! | (w & 0xffff)
          r[0] = 0
          break
        case 0x0e:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! ^ (w & 0xffff)
          r[0] = 0
          break
        case 0x0f:
          r[(w >>> 16) & 31] = w << 16
          r[0] = 0
          break
        case 0x11: {
          const trap = w & 0x3ffffff
          if (trap === TRAP.HALT) {
            this.halted = true
            status = 'halted'
            break loop
          }
          if (!this.trap(trap)) this.fault(new UnknownTrapError(cur, w, trap), cur, next, n - 1)
          break
        }
        case 0x12: // JR
        case 0x13: {
          // JALR: the target is read before the link is written (so `jalr r31` jumps to the old r31)
          const t = r[(w >>> 21) & 31]!
          if ((t & 3) !== 0) this.fault(new MisalignedJumpError(cur, w, t >>> 0), cur, next, n - 1)
          if (w >>> 26 === 0x13) r[31] = cur + linkOff
          if (delay) npc = t
          else {
            pc = t
            npc = t + 4
          }
          break
        }
        case 0x14:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! << (w & 31)
          r[0] = 0
          break
        case 0x16:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> (w & 31)
          r[0] = 0
          break
        case 0x17:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >> (w & 31)
          r[0] = 0
          break
        case 0x18:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31] === (w << 16) >> 16 ? 1 : 0
          r[0] = 0
          break
        case 0x19:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31] !== (w << 16) >> 16 ? 1 : 0
          r[0] = 0
          break
        case 0x1a:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! < (w << 16) >> 16 ? 1 : 0
          r[0] = 0
          break
        case 0x1b:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! > (w << 16) >> 16 ? 1 : 0
          r[0] = 0
          break
        case 0x1c:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! <= (w << 16) >> 16 ? 1 : 0
          r[0] = 0
          break
        case 0x1d:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >= (w << 16) >> 16 ? 1 : 0
          r[0] = 0
          break
        case 0x20: // LB
        case 0x24: {
          // LBU
          const a = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0
          if (a >>> 0 >= size) this.fault(new OutOfRangeAccessError(cur, w, a >>> 0, size), cur, next, n - 1)
          const v = m8[a ^ 3]!
          r[(w >>> 16) & 31] = w >>> 26 === 0x20 ? (v << 24) >> 24 : v
          r[0] = 0
          break
        }
        case 0x21: // LH
        case 0x25: {
          // LHU
          const a = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0
          if (a >>> 0 >= size) this.fault(new OutOfRangeAccessError(cur, w, a >>> 0, size), cur, next, n - 1)
          if ((a & 1) !== 0) this.fault(new MisalignedAccessError(cur, w, a >>> 0, 2), cur, next, n - 1)
          const v = m16[(a >>> 1) ^ 1]!
          r[(w >>> 16) & 31] = w >>> 26 === 0x21 ? (v << 16) >> 16 : v
          r[0] = 0
          break
        }
        case 0x23: {
          const a = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0
          if (a >>> 0 >= size) this.fault(new OutOfRangeAccessError(cur, w, a >>> 0, size), cur, next, n - 1)
          if ((a & 3) !== 0) this.fault(new MisalignedAccessError(cur, w, a >>> 0, 4), cur, next, n - 1)
          r[(w >>> 16) & 31] = m[a >>> 2]!
          r[0] = 0
          break
        }
        case 0x28: {
          const a = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0
          if (a >>> 0 >= size) this.fault(new OutOfRangeAccessError(cur, w, a >>> 0, size), cur, next, n - 1)
          m8[a ^ 3] = r[(w >>> 16) & 31]!
          break
        }
        case 0x29: {
          const a = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0
          if (a >>> 0 >= size) this.fault(new OutOfRangeAccessError(cur, w, a >>> 0, size), cur, next, n - 1)
          if ((a & 1) !== 0) this.fault(new MisalignedAccessError(cur, w, a >>> 0, 2), cur, next, n - 1)
          m16[(a >>> 1) ^ 1] = r[(w >>> 16) & 31]!
          break
        }
        case 0x2b: {
          const a = (r[(w >>> 21) & 31]! + ((w << 16) >> 16)) | 0
          if (a >>> 0 >= size) this.fault(new OutOfRangeAccessError(cur, w, a >>> 0, size), cur, next, n - 1)
          if ((a & 3) !== 0) this.fault(new MisalignedAccessError(cur, w, a >>> 0, 4), cur, next, n - 1)
          m[a >>> 2] = r[(w >>> 16) & 31]!
          break
        }
        case 0x30:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> 0 === (w & 0xffff) ? 1 : 0
          r[0] = 0
          break
        case 0x31:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> 0 !== (w & 0xffff) ? 1 : 0
          r[0] = 0
          break
        case 0x32:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> 0 < (w & 0xffff) ? 1 : 0
          r[0] = 0
          break
        case 0x33:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> 0 > (w & 0xffff) ? 1 : 0
          r[0] = 0
          break
        case 0x34:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> 0 <= (w & 0xffff) ? 1 : 0
          r[0] = 0
          break
        case 0x35:
          r[(w >>> 16) & 31] = r[(w >>> 21) & 31]! >>> 0 >= (w & 0xffff) ? 1 : 0
          r[0] = 0
          break
        default:
          this.fault(new IllegalInstructionError(cur, w), cur, next, n - 1)
      }
    }
    this.pc = pc
    this.npc = npc
    this.steps += n
    return { status, steps: n }
  }

  /** TRAP 1..5 (see docs/dlx.md); returns false for an unknown trap number. */
  private trap(n: number): boolean {
    const r = this.regs
    const emit = (bytes: Iterable<number>) => {
      for (const b of bytes) {
        this.output.push(b)
        this.outputCount++
      }
    }
    switch (n) {
      case TRAP.PUT_INT:
        emit(new TextEncoder().encode(String(r[14])))
        return true
      case TRAP.PUT_CHAR:
        emit([r[14]! & 255])
        return true
      case TRAP.PUT_STRING: {
        let a = r[14]! >>> 0
        const bytes: number[] = []
        while (a < this.memorySize) {
          const b = this.mem8[a ^ 3]!
          if (b === 0) break
          bytes.push(b)
          a++
        }
        emit(bytes)
        return true
      }
      case TRAP.GET_INT: {
        const inp = this.input
        let p = this.inputPos
        while (p < inp.length && (inp[p] === 32 || inp[p] === 10 || inp[p] === 9 || inp[p] === 13)) p++
        let s = ''
        if (p < inp.length && inp[p] === 45) s += String.fromCharCode(inp[p++]!)
        while (p < inp.length && inp[p]! >= 48 && inp[p]! <= 57) s += String.fromCharCode(inp[p++]!)
        this.inputPos = p
        r[1] = s === '' || s === '-' ? 0 : Number(s) | 0
        return true
      }
      case TRAP.GET_CHAR:
        r[1] = this.inputPos < this.input.length ? this.input[this.inputPos++]! : -1
        return true
      default:
        return false
    }
  }
}

/**
 * A machine with `program` loaded: text and data copied in, pc = entry, r29 (stack pointer) = top of memory.
 *
 * @example
 * ```ts
 * const m = createMachine(assemble(src))
 * m.run()            // until TRAP 0
 * m.outputText()
 * ```
 */
export function createMachine(program: Program, options: MachineOptions = {}): Machine {
  const m = new Machine(options)
  loadProgram(m, program)
  return m
}

/** Copies a program image into memory and resets pc/npc/sp. */
export function loadProgram(m: Machine, program: Program): void {
  if (program.entry % 4 !== 0) throw new MachineConfigError('entry', program.entry, 'a word-aligned address')
  m.writeBytes(program.textBase, program.text)
  m.writeBytes(program.dataBase, program.data)
  m.pc = program.entry
  m.npc = program.entry + 4
  m.regs[29] = m.memorySize
}
