// Execution transfer: the whole machine state (registers, pc, npc, memory, counters) as bytes and back.
// Layout in docs/dlx.md ("State dump"); memory is stored as its non-zero 256-byte pages.
import { sha256 } from '@noble/hashes/sha2.js'
import { calcStaticSize, deserialize, serialize } from 'binary-layout'
import { StateDecodeError } from './errors.js'
import { type StateHeader, stateHeaderLayout } from './layouts.js'
import { Machine, type MachineOptions } from './machine.js'

export const STATE_MAGIC = 0x444c5853 // "DLXS"
export const STATE_VERSION = 1
export const PAGE_SIZE = 256
const HEADER = calcStaticSize(stateHeaderLayout)!

/** Serializes the machine state. Output bytes and the input buffer are not part of the state. */
export function dumpState(m: Machine): Uint8Array {
  const words = m.memorySize / 4
  const pageWords = PAGE_SIZE / 4
  const pages: number[] = []
  const mem = m.mem32
  for (let p = 0; p < words / pageWords; p++) {
    const from = p * pageWords
    for (let k = from; k < from + pageWords; k++) {
      if (mem[k] !== 0) {
        pages.push(p)
        break
      }
    }
  }
  const out = new Uint8Array(HEADER + pages.length * (4 + PAGE_SIZE) + 32)
  const dv = new DataView(out.buffer)
  serialize(
    stateHeaderLayout,
    {
      magic: STATE_MAGIC,
      version: STATE_VERSION,
      flags: (m.halted ? 1 : 0) | (m.delaySlots ? 2 : 0),
      reserved: 0,
      memorySize: m.memorySize,
      pc: m.pc >>> 0,
      npc: m.npc >>> 0,
      steps: BigInt(m.steps),
      inputPos: m.inputPos,
      outputCount: m.outputCount >>> 0,
      regs: Array.from(m.regs) as unknown as StateHeader['regs'],
      pageCount: pages.length,
    },
    out,
  )
  let o = HEADER
  for (const p of pages) {
    dv.setUint32(o, p)
    o += 4
    for (let k = p * pageWords; k < (p + 1) * pageWords; k++, o += 4) dv.setInt32(o, mem[k]!)
  }
  out.set(sha256(out.subarray(0, o)), o)
  return out
}

/** Rebuilds a machine from {@link dumpState} bytes; throws {@link StateDecodeError} naming the bad field. */
export function loadState(bytes: Uint8Array, options: Pick<MachineOptions, 'input'> = {}): Machine {
  if (bytes.length < HEADER + 32) throw new StateDecodeError('length', 0, `at least ${HEADER + 32} bytes`, bytes.length)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const body = bytes.subarray(0, bytes.length - 32)
  const digest = sha256(body)
  const trailer = bytes.subarray(bytes.length - 32)
  if (!digest.every((b, i) => b === trailer[i]))
    throw new StateDecodeError('sha256', bytes.length - 32, 'the SHA-256 of the preceding bytes', 'a different digest')
  const h = deserialize(stateHeaderLayout, bytes.subarray(0, HEADER))
  if (h.magic !== STATE_MAGIC)
    throw new StateDecodeError('magic', 0, '0x444c5853 ("DLXS")', `0x${h.magic.toString(16)}`)
  if (h.version !== STATE_VERSION) throw new StateDecodeError('version', 4, String(STATE_VERSION), h.version)
  if ((h.flags & ~3) !== 0) throw new StateDecodeError('flags', 5, 'only bits 0..1', h.flags)
  if (h.reserved !== 0) throw new StateDecodeError('reserved', 6, '0', h.reserved)
  const memorySize = h.memorySize
  if (memorySize % PAGE_SIZE !== 0 || memorySize < 4096 || memorySize > 2 ** 30)
    throw new StateDecodeError('memorySize', 8, 'a multiple of 256 in [4096, 2^30]', memorySize)
  const inputOpt = options.input
  const m = new Machine({
    memorySize,
    delaySlots: (h.flags & 2) !== 0,
    ...(inputOpt === undefined ? {} : { input: inputOpt }),
  })
  m.halted = (h.flags & 1) !== 0
  m.pc = h.pc | 0
  if ((m.pc & 3) !== 0) throw new StateDecodeError('pc', 12, 'a word-aligned address', h.pc)
  m.npc = h.npc | 0
  if ((m.npc & 3) !== 0) throw new StateDecodeError('npc', 16, 'a word-aligned address', h.npc)
  if (h.steps > BigInt(Number.MAX_SAFE_INTEGER)) throw new StateDecodeError('steps', 20, '< 2^53', h.steps)
  m.steps = Number(h.steps)
  m.inputPos = h.inputPos
  if (m.inputPos > m.input.length)
    throw new StateDecodeError('inputPos', 28, `at most the input length ${m.input.length}`, m.inputPos)
  m.outputCount = h.outputCount
  m.regs.set(h.regs)
  if (m.regs[0] !== 0) throw new StateDecodeError('r0', 36, '0', m.regs[0])
  let o = HEADER - 4
  const count = dv.getUint32(o)
  const maxPages = memorySize / PAGE_SIZE
  if (count > maxPages || HEADER + count * (4 + PAGE_SIZE) + 32 !== bytes.length)
    throw new StateDecodeError('pageCount', o, `a count matching the dump length ${bytes.length}`, count)
  o += 4
  let last = -1
  const pageWords = PAGE_SIZE / 4
  for (let k = 0; k < count; k++) {
    const p = dv.getUint32(o)
    if (p >= maxPages || p <= last)
      throw new StateDecodeError(`page[${k}].index`, o, `increasing page indices below ${maxPages}`, p)
    last = p
    o += 4
    for (let i = p * pageWords; i < (p + 1) * pageWords; i++, o += 4) m.mem32[i] = dv.getInt32(o)
  }
  return m
}

/** SHA-256 of the state dump: what loggers record. */
export function stateDigest(m: Machine): Uint8Array {
  return sha256(dumpState(m))
}

/** pc and halted flag of a dump, read from its header without rebuilding the machine. */
export function peekState(bytes: Uint8Array): { pc: number; halted: boolean } {
  if (bytes.length < HEADER + 32) throw new StateDecodeError('length', 0, `at least ${HEADER + 32} bytes`, bytes.length)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (dv.getUint32(0) !== STATE_MAGIC) throw new StateDecodeError('magic', 0, '0x444c5853 ("DLXS")', dv.getUint32(0))
  return { pc: dv.getUint32(12), halted: (dv.getUint8(5) & 1) !== 0 }
}

/** True when the dump holds only zero bytes in [start, end) (walks the stored pages only). */
export function stateRangeIsZero(bytes: Uint8Array, start: number, end: number): boolean {
  peekState(bytes)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = dv.getUint32(HEADER - 4)
  if (HEADER + count * (4 + PAGE_SIZE) + 32 !== bytes.length)
    throw new StateDecodeError('pageCount', HEADER - 4, `a count matching the dump length ${bytes.length}`, count)
  for (let k = 0, o = HEADER; k < count; k++, o += 4 + PAGE_SIZE) {
    const base = dv.getUint32(o) * PAGE_SIZE
    if (base + PAGE_SIZE <= start || base >= end) continue
    for (let a = Math.max(base, start); a < Math.min(base + PAGE_SIZE, end); a++) {
      if (bytes[o + 4 + (a - base)] !== 0) return false
    }
  }
  return true
}
