// Decoder and validator: arbitrary bytes never crash with an untyped error; unsupported features
// and bad modules are rejected with typed errors naming the offending value.
import test from 'ava'
import fc from 'fast-check'
import { workModule } from '../examples/programs.js'
import { buildModule } from '../src/builder.js'
import { compileModule } from '../src/compile.js'
import {
  InstantiationTrapError,
  InvalidModuleError,
  LinkError,
  MalformedModuleError,
  UnsupportedFeatureError,
} from '../src/errors.js'
import { instantiate } from '../src/instance.js'
import { invoke } from '../src/machine.js'
import { Status } from '../src/numeric.js'
import { value } from '../src/values.js'

const TYPED = [MalformedModuleError, InvalidModuleError, UnsupportedFeatureError, LinkError, InstantiationTrapError]

test('arbitrary bytes: accepted or rejected with a typed error, never a crash', (t) => {
  let runs = 0
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
      const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...tail])
      runs++
      try {
        compileModule(bytes)
        return true
      } catch (e) {
        return TYPED.some((c) => e instanceof c)
      }
    }),
    { numRuns: 3000 },
  )
  t.is(runs, 3000)
})

test('mutations of a valid module: accepted or rejected with a typed error', (t) => {
  const base = workModule()
  let rejected = 0
  fc.assert(
    fc.property(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
      const b = base.slice()
      b[at] = (b[at] as number) ^ mask
      try {
        const c = compileModule(b)
        // Whatever still validates must also instantiate and run without an untyped failure.
        const inst = instantiate(c, { maxMemoryPages: 64 })
        const f = inst.exportedFunc('work')
        if (f && f.kind === 'wasm' && f.code.type.params.length === 1 && f.code.type.params[0] === 0x7f) {
          const m = invoke(inst, 'work', [value('i32', 20)], { gasLimit: 20_000n })
          while (m.status === Status.Running) m.run(5000)
        }
        return true
      } catch (e) {
        rejected++
        return TYPED.some((c) => e instanceof c)
      }
    }),
    { numRuns: 2000 },
  )
  t.true(rejected > 500)
})

test('bad magic and version name the offset', (t) => {
  const e = t.throws(() => compileModule(Uint8Array.from([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0])), {
    instanceOf: MalformedModuleError,
  })
  t.is(e?.offset, 0)
  const v = t.throws(() => compileModule(Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), {
    instanceOf: MalformedModuleError,
  })
  t.is(v?.offset, 4)
})

test('post-MVP instructions are rejected as unsupported or malformed', (t) => {
  const signExt = buildModule({ funcs: [{ params: [0x7f], results: [0x7f], body: [0x20, 0, 0xc0] }] })
  const e = t.throws(() => compileModule(signExt), { instanceOf: UnsupportedFeatureError })
  t.is(e?.feature, 'sign-extension')
  const bulk = buildModule({ memory: { min: 1 }, funcs: [{ body: [0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 11, 0] }] })
  t.throws(() => compileModule(bulk), { instanceOf: MalformedModuleError })
})

test('type errors are InvalidModuleError with the function and pc', (t) => {
  const bad = buildModule({ funcs: [{ results: [0x7f], body: [0x42, 1] }] })
  const e = t.throws(() => compileModule(bad), { instanceOf: InvalidModuleError })
  t.regex(e?.where ?? '', /function 0/)
})

test('huge memories and tables are refused with typed errors, not crashes', (t) => {
  const mem = buildModule({ memory: { min: 70000 }, funcs: [] })
  t.throws(() => compileModule(mem), { instanceOf: InvalidModuleError })
  const big = buildModule({ memory: { min: 2000 }, funcs: [] })
  t.throws(() => instantiate(compileModule(big), { maxMemoryPages: 1024 }), { instanceOf: UnsupportedFeatureError })
  const table = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 4, 7, 1, 0x70, 0, 0x80, 0x80, 0x80, 0x10])
  const e = t.throws(() => instantiate(compileModule(table)), { instanceOf: UnsupportedFeatureError })
  t.is(e?.feature, 'table-size')
})
