// The dispute-mode (stepping interpreter) engine for the spec runner.
import { compileModule } from '../../src/compile.js'
import type { FuncType } from '../../src/decode.js'
import {
  type ExternVal,
  funcTypeKey,
  hostGlobal,
  type Instance,
  instantiate,
  MemoryInst,
  setDeclaredMax,
  type TableInst,
} from '../../src/instance.js'
import { Machine, runToEnd } from '../../src/machine.js'
import { STATUS_TEXT, Status } from '../../src/numeric.js'
import { readSlot, value } from '../../src/values.js'
import type { InvokeOutcome, SpecEngine } from './spec-runner.js'

function host(params: number[]): ExternVal {
  const type: FuncType = { params: params as FuncType['params'], results: [] }
  return { kind: 'func', func: { kind: 'host', type, typeKey: funcTypeKey(type), call: () => [] } }
}

export function disputeEngine(): SpecEngine<Instance> {
  const table: TableInst = { elems: new Array(10).fill(null), max: 20 }
  const memory = new MemoryInst(1, 2)
  setDeclaredMax(memory, true)
  const spectest: Record<string, ExternVal> = {
    print: host([]),
    print_i32: host([0x7f]),
    print_i64: host([0x7e]),
    print_f32: host([0x7d]),
    print_f64: host([0x7c]),
    print_i32_f32: host([0x7f, 0x7d]),
    print_f64_f64: host([0x7c, 0x7c]),
    global_i32: { kind: 'global', global: hostGlobal(0x7f, false, 666n) },
    global_i64: { kind: 'global', global: hostGlobal(0x7e, false, 666n) },
    global_f32: { kind: 'global', global: hostGlobal(0x7d, false, value('f32', 666.6).bits) },
    global_f64: { kind: 'global', global: hostGlobal(0x7c, false, value('f64', 666.6).bits) },
    table: { kind: 'table', table },
    memory: { kind: 'memory', memory },
  }
  return {
    instantiate(bytes, lookup) {
      const compiled = compileModule(bytes)
      return instantiate(compiled, {
        imports: (m, n) => lookup(m, n) as ExternVal | undefined,
        runStart: (f) => runToEnd(new Machine(f.instance, f, [])).status,
      })
    },
    invoke(inst, field, args): InvokeOutcome {
      const f = inst.exportedFunc(field)
      if (!f) throw new Error(`no export ${field}`)
      if (f.kind === 'host') return { kind: 'return', values: f.call(args) }
      const m = runToEnd(new Machine(inst, f, args))
      if (m.status === Status.Returned) return { kind: 'return', values: m.results() }
      return { kind: 'trap', text: STATUS_TEXT[m.status] ?? '?', exhaustion: m.status === Status.Exhausted }
    },
    getGlobal(inst, field) {
      const e = inst.exports.get(field)
      if (e?.kind !== 'global') throw new Error(`no global ${field}`)
      const t = e.global.type
      const name = t === 0x7f ? 'i32' : t === 0x7e ? 'i64' : t === 0x7d ? 'f32' : 'f64'
      return { type: name, bits: readSlot(e.global.slots, e.global.index, t).bits }
    },
    exportOf(inst, field) {
      return inst.exports.get(field)
    },
    spectest(name) {
      return spectest[name]
    },
  }
}
