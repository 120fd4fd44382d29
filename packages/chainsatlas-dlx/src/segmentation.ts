// Bytecode segmentation under a transaction size limit (synchronous: disjoint; asynchronous: overlapping,
// redundant) and segmented execution through virtualization units; see docs/dlx.md "Segmentation".
import { SegmentationError } from './errors.js'
import { createMachine, type MachineOptions } from './machine.js'
import type { Program } from './program.js'
import { dumpState, peekState, stateRangeIsZero } from './state.js'
import type { LogEntry, VirtualizationUnit } from './units.js'

/** A contiguous slice of .text: code bytes for [start, end). */
export interface Segment {
  readonly index: number
  readonly start: number
  readonly end: number
  readonly bytes: Uint8Array
}

export type SegmentationMode = 'sync' | 'async'

export interface Segmentation {
  readonly mode: SegmentationMode
  readonly segments: readonly Segment[]
}

function slice(program: Program, index: number, from: number, to: number): Segment {
  return {
    index,
    start: program.textBase + from,
    end: program.textBase + to,
    bytes: program.text.slice(from, to),
  }
}

function checkSize(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 4 || v % 4 !== 0) throw new SegmentationError(field, v, 'a positive multiple of 4')
}

/**
 * Synchronous segmentation: disjoint consecutive segments. `sizes` is either the transaction size
 * limit (every segment that size, the last the remainder) or the explicit list of segment sizes.
 */
export function segmentSync(program: Program, sizes: number | readonly number[]): Segmentation {
  if (program.text.length % 4 !== 0) throw new SegmentationError('text.length', program.text.length, 'a multiple of 4')
  const total = program.text.length
  const segments: Segment[] = []
  if (typeof sizes === 'number') {
    checkSize('limit', sizes)
    for (let at = 0; at < total; at += sizes)
      segments.push(slice(program, segments.length, at, Math.min(total, at + sizes)))
  } else {
    let at = 0
    for (const s of sizes) {
      checkSize('size', s)
      if (at + s > total) throw new SegmentationError('sizes', sizes.join(','), `sizes summing to ${total}`)
      segments.push(slice(program, segments.length, at, at + s))
      at += s
    }
    if (at !== total) throw new SegmentationError('sizes', sizes.join(','), `sizes summing to ${total}`)
  }
  return { mode: 'sync', segments }
}

/**
 * Asynchronous segmentation: segments of `limit` bytes that overlap their neighbours by `overlap` bytes
 * (stride limit - overlap), so each boundary region is held redundantly by two units.
 */
export function segmentAsync(program: Program, limit: number, overlap: number): Segmentation {
  checkSize('limit', limit)
  if (!Number.isInteger(overlap) || overlap < 0 || overlap % 4 !== 0 || overlap >= limit)
    throw new SegmentationError('overlap', overlap, `a multiple of 4 in [0, ${limit})`)
  if (program.text.length % 4 !== 0) throw new SegmentationError('text.length', program.text.length, 'a multiple of 4')
  const total = program.text.length
  const stride = limit - overlap
  const segments: Segment[] = []
  for (let at = 0; ; at += stride) {
    const end = Math.min(total, at + limit)
    segments.push(slice(program, segments.length, at, end))
    if (end >= total) break
  }
  return { mode: 'async', segments }
}

/**
 * The segment that runs next from `pc`: the only one holding it (sync), or among those holding it the
 * one where pc is most centred (async; ties to the lower index).
 */
export function segmentFor(seg: Segmentation, pc: number): Segment | undefined {
  let best: Segment | undefined
  let bestMargin = -1
  for (const s of seg.segments) {
    if (pc < s.start || pc >= s.end) continue
    // The most centred copy: loops around pc, backward or forward, most likely stay inside it.
    const margin = Math.min(pc - s.start, s.end - 4 - pc)
    if (margin > bestMargin) {
      best = s
      bestMargin = margin
    }
  }
  return best
}

/** The state a segmented run starts from: the program's data, pc at the entry, no code in memory. */
export function initialState(program: Program, options: Omit<MachineOptions, 'input'> = {}): Uint8Array {
  const m = createMachine({ ...program, text: new Uint8Array(0) }, options)
  return dumpState(m)
}

export interface SegmentedRunOptions {
  /** Instructions allowed in total (default 10^8). */
  readonly maxSteps?: number
  /** Transfers allowed (default 10^6). */
  readonly maxHops?: number
  /** Program input bytes (constant across units). */
  readonly input?: Uint8Array | string
  readonly machine?: Omit<MachineOptions, 'input'>
}

export interface SegmentedRunResult {
  readonly state: Uint8Array
  readonly output: Uint8Array
  readonly halted: boolean
  readonly steps: number
  /** One entry per unit execution, in order. */
  readonly log: readonly LogEntry[]
}

/**
 * Runs a segmented program: each hop loads the segment holding pc plus the transferred state into a unit,
 * runs until pc leaves the segment, and dumps the state for the next hop.
 */
export function runSegmented(
  program: Program,
  seg: Segmentation,
  unitFor: (segment: Segment, hop: number) => VirtualizationUnit,
  options: SegmentedRunOptions = {},
): SegmentedRunResult {
  const maxSteps = options.maxSteps ?? 1e8
  const maxHops = options.maxHops ?? 1e6
  let state = initialState(program, options.machine)
  const out: number[] = []
  const log: LogEntry[] = []
  let steps = 0
  let halted = false
  for (let hop = 0; hop < maxHops && steps < maxSteps; hop++) {
    // Code travels in segments only: a state with bytes in the .text range means the program wrote
    // into its own code, which segmented execution cannot reproduce.
    if (!stateRangeIsZero(state, program.textBase, program.textBase + program.text.length))
      throw new SegmentationError('text', hop, 'a program that does not write into its own code')
    const probe = peekState(state)
    if (probe.halted) {
      halted = true
      break
    }
    const segment = segmentFor(seg, probe.pc >>> 0)
    if (segment === undefined) throw new SegmentationError('pc', probe.pc >>> 0, 'an address inside a segment')
    const unit = unitFor(segment, hop)
    unit.load(segment, state, options.input)
    const res = unit.run(maxSteps - steps)
    steps += res.steps
    state = unit.dump()
    for (const b of unit.output()) out.push(b)
    log.push(unit.log.at(-1)!)
    if (res.status === 'halted') {
      halted = true
      break
    }
  }
  return { state, output: Uint8Array.from(out), halted, steps, log }
}
