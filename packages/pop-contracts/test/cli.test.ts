// The pop-party CLI refuses bad input with a typed error and exit code 2.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import test from 'ava'
import { contractToJson } from '../src/contract.js'
import { CLI } from './cluster.js'
import { exampleContract, sixParties } from './helpers.js'

const run = async (args: string[]) => {
  try {
    await promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 30_000 })
    return { code: 0, stdout: '' }
  } catch (e) {
    const err = e as { code: number; stdout: string }
    return { code: err.code, stdout: err.stdout }
  }
}

test('missing arguments, bad endpoints and bad keys exit 2 with a typed error line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pop-cli-'))
  const ids = sixParties()
  const file = join(dir, 'd.json')
  writeFileSync(file, JSON.stringify({ contract: contractToJson(exampleContract(ids)), endpoints: ['127.0.0.1:1'] }))
  const noArgs = await run([])
  t.is(noArgs.code, 2)
  t.is(JSON.parse(noArgs.stdout).error, 'DeploymentInvalidError')
  const badEndpoints = await run(['--deployment', file, '--secret', '01'.repeat(32)])
  t.is(badEndpoints.code, 2)
  t.regex(badEndpoints.stdout, /endpoints must list one/)
  const badKey = await run(['--deployment', file, '--secret', 'xyz'])
  t.is(JSON.parse(badKey.stdout).error, 'DeploymentInvalidError')
  writeFileSync(file, JSON.stringify({ contract: { nonce: 'zz', parties: [], phases: [] }, endpoints: [] }))
  const badContract = await run(['--deployment', file, '--secret', '01'.repeat(32)])
  t.is(JSON.parse(badContract.stdout).error, 'ContractInvalidError')
  rmSync(dir, { recursive: true, force: true })
})
