// The WebAssembly MVP spec suite against normal mode (instrumented module on the platform engine).
import test from 'ava'
import { normalEngine } from './helpers/normal-engine.js'
import { listSuiteFiles, runSpecFile } from './helpers/spec-runner.js'

for (const file of listSuiteFiles()) {
  test(`normal mode: ${file}`, (t) => {
    const r = runSpecFile(normalEngine(), file)
    t.log(`passed ${r.passed} failed ${r.failed} skipped ${r.skipped}`)
    t.deepEqual(r.failures, [])
    t.is(r.failed, 0)
  })
}
