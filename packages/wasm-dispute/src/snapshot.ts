// Deep copies of a running machine (instance, memory with its Merkle tree, stacks, frames), used
// by executors as checkpoints so a bisection query for an earlier step replays from the nearest
// checkpoint instead of from the start.
import { adoptMemoryCommitment, commitContext, MemoryCommitment, memoryCommitment } from './commit.js'
import { type FuncInst, type GlobalInst, Instance, MemoryInst, type WasmFunc } from './instance.js'
import type { Machine } from './machine.js'

/** Copies a self-contained instance; the copy's memory gets a copy of the memory tree. */
export function cloneInstance(src: Instance): { inst: Instance; map: Map<FuncInst, FuncInst> } {
  const inst = new Instance(src.compiled)
  const map = new Map<FuncInst, FuncInst>()
  for (const f of src.funcs) {
    const g: FuncInst = f.kind === 'wasm' && f.instance === src ? { ...f, instance: inst } : f
    map.set(f, g)
    inst.funcs.push(g)
  }
  inst.globals.u8.set(src.globals.u8)
  for (const c of src.globalCells)
    inst.globalCells.push(c.slots === src.globals ? ({ ...c, slots: inst.globals } as GlobalInst) : c)
  if (src.memory) {
    const m = src.memory
    const copy = new MemoryInst(m.pages, m.maxPages)
    copy.bytes.set(m.bytes)
    copy.dirty = m.dirty.slice()
    copy.dirtyBits.set(m.dirtyBits)
    const depth = commitContext(src).memDepth
    const c = memoryCommitment(m, depth)
    adoptMemoryCommitment(copy, MemoryCommitment.withTree(copy, c.tree.clone()))
    inst.memory = copy
  }
  if (src.table) inst.table = { elems: src.table.elems.map((f) => (f ? (map.get(f) ?? f) : null)), max: src.table.max }
  for (const [name, e] of src.exports) {
    if (e.kind === 'func') inst.exports.set(name, { kind: 'func', func: map.get(e.func) ?? e.func })
    else if (e.kind === 'memory' && inst.memory) inst.exports.set(name, { kind: 'memory', memory: inst.memory })
    else if (e.kind === 'table' && inst.table) inst.exports.set(name, { kind: 'table', table: inst.table })
    else inst.exports.set(name, e)
  }
  return { inst, map }
}

/** A deep copy of a machine at its current step. */
export function cloneMachine(m: Machine): Machine {
  const { inst, map } = cloneInstance(m.root)
  return m.copyInto(inst, (f) => (map.get(f) ?? f) as WasmFunc)
}
