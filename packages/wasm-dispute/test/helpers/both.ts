// Runs one invocation in both modes and returns comparable outcomes.
import { StateHasher } from '../../src/commit.js'
import type { CompiledModule } from '../../src/compile.js'
import { instantiate } from '../../src/instance.js'
import { invoke, runToEnd } from '../../src/machine.js'
import { hex } from '../../src/merkle.js'
import { NormalInstance, NormalModule } from '../../src/normal.js'
import type { WasmValue } from '../../src/values.js'

export interface Outcome {
  status: number
  results: string[]
  icount: number
  gasUsed: number
  stateHash: string
}

export function dispute(compiled: CompiledModule, name: string, args: WasmValue[], gasLimit: bigint): Outcome {
  const m = invoke(instantiate(compiled), name, args, { gasLimit })
  const h = new StateHasher(m)
  runToEnd(m)
  return {
    status: m.status,
    results: m.results().map((v) => `${v.type}:${v.bits}`),
    icount: m.icount,
    gasUsed: m.gasUsed,
    stateHash: hex(h.hash()),
  }
}

export function normal(compiled: CompiledModule, name: string, args: WasmValue[], gasLimit: bigint): Outcome {
  const r = new NormalInstance(new NormalModule(compiled)).invoke(name, args, gasLimit)
  return {
    status: r.status,
    results: r.results.map((v) => `${v.type}:${v.bits}`),
    icount: r.icount,
    gasUsed: r.gasUsed,
    stateHash: r.stateHash ? hex(r.stateHash) : '',
  }
}
