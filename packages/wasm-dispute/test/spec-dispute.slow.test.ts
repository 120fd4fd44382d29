// The WebAssembly MVP spec suite against the dispute-mode stepping interpreter.
import test from 'ava'
import { disputeEngine } from './helpers/dispute-engine.js'
import { listSuiteFiles, runSpecFile } from './helpers/spec-runner.js'

const files = listSuiteFiles()

test('spec suite is present', (t) => {
  t.true(files.length >= 70, `found ${files.length} script folders`)
})

for (const file of files) {
  test(`dispute mode: ${file}`, (t) => {
    const r = runSpecFile(disputeEngine(), file)
    t.log(`passed ${r.passed} failed ${r.failed} skipped ${r.skipped}`)
    t.deepEqual(r.failures, [])
    t.is(r.failed, 0)
  })
}
