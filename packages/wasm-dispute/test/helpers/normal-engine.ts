// The normal-mode (instrumented, platform engine) engine for the spec runner.
import { compileModule } from '../../src/compile.js'
import type { ConstExpr } from '../../src/decode.js'
import { HostStackOverflowError, LinkError } from '../../src/errors.js'
import { NormalInstance, NormalModule } from '../../src/normal.js'
import { STATUS_TEXT, Status } from '../../src/numeric.js'
import {
  type EngineGlobal,
  type EngineImports,
  type EngineMemory,
  type EngineTable,
  engine,
} from '../../src/platform.js'
import type { ValueTypeName, WasmValue } from '../../src/values.js'
import type { InvokeOutcome, SpecEngine } from './spec-runner.js'

function bitsOf(type: ValueTypeName, v: unknown): bigint {
  const dv = new DataView(new ArrayBuffer(8))
  if (type === 'i64') return BigInt.asUintN(64, v as bigint)
  if (type === 'i32') return BigInt.asUintN(32, BigInt(v as number))
  if (type === 'f32') {
    dv.setFloat32(0, v as number, true)
    return BigInt(dv.getUint32(0, true))
  }
  dv.setFloat64(0, v as number, true)
  return dv.getBigUint64(0, true)
}

export function normalEngine(): SpecEngine<NormalInstance> {
  const spectest: Record<string, unknown> = {
    print: () => {},
    print_i32: () => {},
    print_i64: () => {},
    print_f32: () => {},
    print_f64: () => {},
    print_i32_f32: () => {},
    print_f64_f64: () => {},
    global_i32: new engine.Global({ value: 'i32' }, 666),
    global_i64: new engine.Global({ value: 'i64' }, 666n),
    global_f32: new engine.Global({ value: 'f32' }, 666.6),
    global_f64: new engine.Global({ value: 'f64' }, 666.6),
    table: new engine.Table({ initial: 10, maximum: 20, element: 'anyfunc' }),
    memory: new engine.Memory({ initial: 1, maximum: 2 }),
  }
  return {
    instantiate(bytes, lookup) {
      const compiled = compileModule(bytes)
      const m = compiled.module
      const imports: EngineImports = {}
      const globalValues: unknown[] = []
      let memBytes = m.memories[0] ? m.memories[0].min * 65536 : 0
      let tableLen = m.tables[0]?.min ?? 0
      for (const imp of m.imports) {
        const v = lookup(imp.module, imp.name)
        if (v === undefined) throw new LinkError(`${imp.module}.${imp.name}`, 'unknown import')
        imports[imp.module] ??= {}
        ;(imports[imp.module] as Record<string, unknown>)[imp.name] = v
        if (imp.desc.kind === 'global') globalValues.push((v as EngineGlobal).value)
        if (imp.desc.kind === 'memory' && (v as EngineMemory).buffer) memBytes = (v as EngineMemory).buffer.byteLength
        if (imp.desc.kind === 'table' && typeof (v as EngineTable).length === 'number')
          tableLen = (v as EngineTable).length
      }
      // MVP instantiation checks every segment before writing any (the engine follows the
      // later bulk-memory order), so check here and report a link error like the MVP does.
      const off = (e: ConstExpr): number => (e.kind === 'const' ? e.lo >>> 0 : Number(globalValues[e.index] ?? 0) >>> 0)
      m.elems.forEach((e, i) => {
        if (off(e.offset) + e.funcs.length > tableLen) throw new LinkError(`elem ${i}`, 'elements segment does not fit')
      })
      m.datas.forEach((d, i) => {
        if (off(d.offset) + d.bytes.length > memBytes) throw new LinkError(`data ${i}`, 'data segment does not fit')
      })
      const nm = new NormalModule(compiled)
      try {
        return new NormalInstance(nm, imports)
      } catch (e) {
        if (e instanceof engine.LinkError) throw new LinkError('import', (e as Error).message)
        throw e
      }
    },
    invoke(inst, field, args: WasmValue[]): InvokeOutcome {
      try {
        const r = inst.invoke(field, args)
        if (r.status === Status.Returned) return { kind: 'return', values: r.results }
        return { kind: 'trap', text: STATUS_TEXT[r.status] ?? '?', exhaustion: r.status === Status.Exhausted }
      } catch (e) {
        if (e instanceof HostStackOverflowError) return { kind: 'trap', text: 'host stack overflow', exhaustion: false }
        throw e
      }
    },
    getGlobal(inst, field) {
      const g = inst.exports[field] as EngineGlobal
      const exp = inst.nm.compiled.module.exports.find((e) => e.name === field)
      const t = inst.nm.compiled.globalTypes[exp?.index ?? 0]?.type
      const type: ValueTypeName = t === 0x7f ? 'i32' : t === 0x7e ? 'i64' : t === 0x7d ? 'f32' : 'f64'
      return { type, bits: bitsOf(type, g.value) }
    },
    exportOf(inst, field) {
      return inst.exports[field]
    },
    spectest(name) {
      return spectest[name]
    },
  }
}
