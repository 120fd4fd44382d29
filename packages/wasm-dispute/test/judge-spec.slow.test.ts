// The one-step judge cross-checked against the interpreter on the spec suite's own modules:
// for the first steps of every self-contained invocation, judge(proof) == next state hash.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import { StateHasher } from '../src/commit.js'
import { compileModule } from '../src/compile.js'
import { type Instance, instantiate } from '../src/instance.js'
import { Machine, runToEnd } from '../src/machine.js'
import { equal } from '../src/merkle.js'
import { Status } from '../src/numeric.js'
import { judgeStep, proveStep, stepContext } from '../src/proof.js'
import { listSuiteFiles, SUITE_DIR } from './helpers/spec-runner.js'

const FILES = [
  'i32',
  'i64',
  'br_table',
  'call_indirect',
  'memory_grow',
  'address',
  'endianness',
  'float_exprs',
  'conversions',
  'unwind',
  'select',
  'loop',
  'fac',
]

interface Cmd {
  type: string
  filename?: string
  action?: { type: string; module?: string; field: string; args: { type: string; value: string }[] }
}

for (const file of FILES.filter((f) => listSuiteFiles().includes(f))) {
  test(`judge == interpreter on ${file}`, (t) => {
    const cmds = (JSON.parse(readFileSync(join(SUITE_DIR, file, `${file}.json`), 'utf8')) as { commands: Cmd[] })
      .commands
    let inst: Instance | undefined
    let steps = 0
    for (const c of cmds) {
      if (c.type === 'module') {
        const cm = compileModule(new Uint8Array(readFileSync(join(SUITE_DIR, file, c.filename as string))))
        inst = cm.module.imports.length
          ? undefined
          : instantiate(cm, { runStart: (f) => runToEnd(new Machine(f.instance, f, [])).status })
        continue
      }
      if (!inst || c.action?.type !== 'invoke' || c.action.module) continue
      const f = inst.exportedFunc(c.action.field)
      if (!f) continue
      const m = new Machine(
        inst,
        f,
        c.action.args.map((a) => ({ type: a.type as 'i32', bits: BigInt(a.value) })),
        { gasLimit: 100_000n },
      )
      const h = new StateHasher(m)
      const ctx = stepContext(inst)
      for (let i = 0; i < 60 && m.status === Status.Running; i++) {
        const pre = h.hash()
        const { proof } = proveStep(m, h, ctx)
        m.step()
        steps++
        if (!equal(judgeStep(ctx, pre, proof), h.hash()))
          return t.fail(`${file}: judge disagrees at step ${i} of ${c.action.field}`)
      }
    }
    t.true(steps > 50, `${steps} steps`)
  })
}
