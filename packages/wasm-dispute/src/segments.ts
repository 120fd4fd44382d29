// Gas segments: the straight-line runs of instructions that normal mode charges at once. Both
// modes check the gas limit at a segment's first instruction against the whole segment's cost
// (so neither ever executes part of a segment that cannot be paid for), and both charge gas
// per executed instruction. Charge points: the first instruction of a function; every
// instruction after a branch, `if`, `else`, `loop`, `unreachable`, `return` or a call, and after
// an `end` whose label some branch targets (the only ways to arrive other than falling
// through); and the `end` of an `if` without `else` (reached by the false jump too).
import type { CompiledFunc } from './compile.js'
import type { GasSchedule } from './machine.js'

/** Opcodes after which a new segment starts. */
export const SEGMENT_ENDS = new Set([0x00, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11])

/** Segment layout of one function under one gas schedule. */
export interface Segments {
  /** Total gas of the segment starting at pc, or 0 when pc is not a charge point. */
  readonly cost: Float64Array
  /** Instructions (pcs) of the segment starting at each charge point. */
  readonly pcs: Map<number, number[]>
  /** Pcs of `end`s closing an `if` without `else`. */
  readonly elseLessEnds: Set<number>
}

/** Whether a new segment starts after the instruction at pc. */
function splitsAfter(code: CompiledFunc, pc: number): boolean {
  const o = code.op[pc] as number
  if (o === 0x02) return false // the block body is only entered by falling through
  if (o === 0x0b) return ((code.b[pc] as number) & 3) !== 0 // a targeted block/if end, or the function end
  return SEGMENT_ENDS.has(o)
}

const cache = new WeakMap<CompiledFunc, WeakMap<GasSchedule, Segments>>()

export function segmentsOf(code: CompiledFunc, gas: GasSchedule): Segments {
  let byGas = cache.get(code)
  if (!byGas) {
    byGas = new WeakMap()
    cache.set(code, byGas)
  }
  let s = byGas.get(gas)
  if (!s) {
    s = computeSegments(code, gas)
    byGas.set(gas, s)
  }
  return s
}

function computeSegments(code: CompiledFunc, gas: GasSchedule): Segments {
  const n = code.op.length
  const elseLessEnds = new Set<number>()
  for (let pc = 0; pc < n; pc++) {
    if (code.op[pc] === 0x04) {
      const t = code.a[pc] as number
      if (code.op[t] === 0x0b && code.op[t - 1] !== 0x05) elseLessEnds.add(t)
      if (code.op[t] === 0x0b && t === pc + 1) elseLessEnds.add(t)
    }
  }
  const isStart = new Uint8Array(n)
  isStart[0] = 1
  for (let pc = 0; pc + 1 < n; pc++) if (splitsAfter(code, pc)) isStart[pc + 1] = 1
  for (const e of elseLessEnds) isStart[e] = 1
  const cost = new Float64Array(n)
  const pcs = new Map<number, number[]>()
  for (let s = 0; s < n; s++) {
    if (!isStart[s]) continue
    const list: number[] = []
    let total = 0
    let pc = s
    for (;;) {
      const o = code.op[pc] as number
      list.push(pc)
      total += gas[o] as number
      if (o === 0x05) {
        // The then-branch is done: execution continues at the matching end (counted here,
        // unless that end is itself a charge point).
        pc = code.a[pc] as number
        if (isStart[pc]) break
        continue
      }
      if (splitsAfter(code, pc) || pc + 1 >= n || isStart[pc + 1]) break
      pc++
    }
    cost[s] = total
    pcs.set(s, list)
  }
  return { cost, pcs, elseLessEnds }
}
