// A deliberately naive DLX interpreter used only as a benchmark baseline: every step decodes the word
// into an object, dispatches on the mnemonic string and goes through a DataView for memory.
import { decode } from '../src/disassembler.js'
import type { Program } from '../src/program.js'

export function runNaive(program: Program, memorySize: number, input: string): { steps: number; output: string } {
  const mem = new DataView(new ArrayBuffer(memorySize))
  for (let i = 0; i < program.text.length; i++) mem.setUint8(program.textBase + i, program.text[i]!)
  for (let i = 0; i < program.data.length; i++) mem.setUint8(program.dataBase + i, program.data[i]!)
  const regs: number[] = new Array(32).fill(0)
  regs[29] = memorySize
  let pc = program.entry
  let steps = 0
  let output = ''
  let inPos = 0
  for (;;) {
    const d = decode(mem.getUint32(pc))
    if (d === undefined) throw new Error(`illegal instruction at ${pc}`)
    steps++
    const a = regs[d.rs1]!
    const b = regs[d.rs2]!
    let next = pc + 4
    const set = (r: number, v: number) => {
      if (r !== 0) regs[r] = v | 0
    }
    switch (d.info.name) {
      case 'add':
      case 'addu':
        set(d.rd, a + b)
        break
      case 'addi':
      case 'addui':
        set(d.rd, a + d.imm)
        break
      case 'sgt':
        set(d.rd, a > b ? 1 : 0)
        break
      case 'sgtui':
        set(d.rd, a >>> 0 > d.imm ? 1 : 0)
        break
      case 'mult':
        set(d.rd, Math.imul(a, b))
        break
      case 'lhi':
        set(d.rd, d.imm << 16)
        break
      case 'ori':
        set(d.rd, a | d.imm)
        break
      case 'lbu':
        set(d.rd, mem.getUint8((a + d.imm) >>> 0))
        break
      case 'sb':
        mem.setUint8((a + d.imm) >>> 0, regs[d.rd]! & 255)
        break
      case 'beqz':
        if (a === 0) next = pc + 4 + d.imm
        break
      case 'bnez':
        if (a !== 0) next = pc + 4 + d.imm
        break
      case 'j':
        next = pc + 4 + d.imm
        break
      case 'trap':
        if (d.imm === 0) return { steps, output }
        if (d.imm === 1) output += String(regs[14])
        else if (d.imm === 2) output += String.fromCharCode(regs[14]! & 255)
        else if (d.imm === 4) {
          const m = /^\s*(-?\d+)/.exec(input.slice(inPos))
          regs[1] = m ? Number(m[1]) | 0 : 0
          inPos = input.length
        } else throw new Error(`trap ${d.imm} not in the naive baseline`)
        break
      default:
        throw new Error(`${d.info.name} not in the naive baseline`)
    }
    pc = next
  }
}
