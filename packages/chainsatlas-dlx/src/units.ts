// Virtualization units (virtualization manager + logger + simulator) behind an interface, with an
// in-process implementation that mirrors what the whitepaper's smart-contract units do.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { SegmentationError, UnitStateError } from './errors.js'
import type { Machine, RunResult } from './machine.js'
import type { Segment } from './segmentation.js'
import { dumpState, loadState } from './state.js'

/** What the logger records for one execution: hashes of the variable parts of the transaction. */
export interface LogEntry {
  readonly unit: string
  readonly segment: number
  /** SHA-256 (hex) of the segment code, of the state loaded, of the state dumped, of the output produced. */
  readonly segmentHash: string
  readonly stateInHash: string
  readonly stateOutHash: string
  readonly outputHash: string
  readonly steps: number
  readonly status: RunResult['status']
}

/** A virtualization unit: loads a segment plus state, runs, logs, dumps. */
export interface VirtualizationUnit {
  readonly id: string
  load(segment: Segment, state: Uint8Array, input?: Uint8Array | string): void
  run(maxSteps: number): RunResult
  /** The state after the run, without the segment's code (the next unit brings its own). */
  dump(): Uint8Array
  /** Output bytes produced by the last run. */
  output(): Uint8Array
  readonly log: readonly LogEntry[]
}

const hex = (b: Uint8Array) => bytesToHex(sha256(b))

/**
 * The in-process virtualization unit.
 *
 * @example
 * ```ts
 * const unit = createVirtualizationUnit('vu-1')
 * unit.load(segment, state); unit.run(1e6); const next = unit.dump()
 * ```
 */
export function createVirtualizationUnit(id: string): VirtualizationUnit {
  const log: LogEntry[] = []
  let machine: Machine | undefined
  let segment: Segment | undefined
  let stateIn = ''
  let saved: Uint8Array | undefined
  let out = new Uint8Array(0)
  let ran = false
  return {
    id,
    log,
    load(seg, state, input) {
      machine = loadState(state, input === undefined ? {} : { input })
      segment = seg
      stateIn = hex(state)
      saved = machine.readBytes(seg.start, seg.bytes.length)
      machine.writeBytes(seg.start, seg.bytes)
      ran = false
    },
    run(maxSteps) {
      if (machine === undefined || segment === undefined) throw new UnitStateError(id, 'empty', 'run')
      if (ran) throw new UnitStateError(id, 'already run', 'run again before a new load')
      const before = machine.output.length
      const res = machine.run(maxSteps, segment.start, segment.end)
      out = Uint8Array.from(machine.output.slice(before))
      // The code leaves with the unit: put back what the state held there, refusing self-modified code.
      const now = machine.readBytes(segment.start, segment.bytes.length)
      if (!now.every((b, i) => b === segment!.bytes[i]))
        throw new SegmentationError('text', segment.index, 'a program that does not write into its own code')
      machine.writeBytes(segment.start, saved!)
      ran = true
      log.push({
        unit: id,
        segment: segment.index,
        segmentHash: hex(segment.bytes),
        stateInHash: stateIn,
        stateOutHash: hex(dumpState(machine)),
        outputHash: hex(out),
        steps: res.steps,
        status: res.status,
      })
      return res
    },
    dump() {
      if (machine === undefined || !ran) throw new UnitStateError(id, 'not run', 'dump')
      return dumpState(machine)
    },
    output() {
      return out
    },
  }
}
