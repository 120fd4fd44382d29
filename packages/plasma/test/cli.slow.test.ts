// The `plasma` CLI as separate processes against a real Hardhat node: deploy, bond, run an
// operator with its HTTP API, deposit, transfer, exit, finalize, withdraw.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { hardhatNode, increaseTime } from './helpers.js'

const CLI = fileURLToPath(new URL('../src/adapters/cli.js', import.meta.url))
// Hardhat's well-known development accounts (funded by `hardhat node`).
const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
] as const
const BOB = '0x90f79bf6eb2c4f870365e785982e1f101e93b906'

function run(args: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>>; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stderr,
        lines: stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    )
  })
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

test('plasma CLI end to end against a Hardhat node', async (t) => {
  const node = await hardhatNode()
  t.teardown(node.stop)
  const rpc = ['--rpc', node.url]

  const usage = await run(['deposit', ...rpc])
  t.is(usage.code, 2)
  t.regex(usage.stderr, /--key is required/)

  const deployed = await run(['deploy', ...rpc, '--key', KEYS[0], '--period', '60'])
  t.is(deployed.code, 0, deployed.stderr)
  const contract = deployed.lines[0]?.contract as string
  t.regex(contract, /^0x[0-9a-f]{40}$/)
  const c = ['--contract', contract]

  const stranger = await run(['finalize', ...rpc, '--key', KEYS[3], ...c, '--token', '0x12'])
  t.is(stranger.code, 2, 'a malformed address is a usage error')

  t.is((await run(['bond', ...rpc, '--key', KEYS[1], ...c])).code, 0)
  const operator: ChildProcess = spawn(
    process.execPath,
    [CLI, 'operator', ...rpc, '--key', KEYS[1], ...c, '--interval', '300'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  t.teardown(() => {
    operator.kill('SIGTERM')
  })
  let opOut = ''
  operator.stdout?.on('data', (d) => (opOut += d))
  const opUrl = await until('the operator URL', async () => (/"url":"([^"]+)"/.exec(opOut) ?? [])[1])

  const dep = await run(['deposit', ...rpc, '--key', KEYS[2], ...c, '--amount', '5'])
  t.is(dep.code, 0, dep.stderr)
  t.like(dep.lines[0], { deposited: '5', blknum: '1' })

  // The transfer succeeds once the operator has seen the deposit.
  const sent = await until('the transfer', async () => {
    const r = await run(['transfer', '--operator', opUrl, '--key', KEYS[2], '--to', BOB, '--amount', '2'])
    return r.code === 0 ? r : undefined
  })
  t.like(sent.lines[0], { transferred: '2', to: BOB })
  await until('a published block', async () => (opOut.includes('"published"') ? true : undefined))

  const exited = await run(['exit', ...rpc, '--key', KEYS[3], ...c, '--operator', opUrl])
  t.is(exited.code, 0, exited.stderr)
  t.deepEqual(exited.lines.at(-1), { exited: ['1000000000000'] })

  await increaseTime(node.url, 121)
  const fin = await run(['finalize', ...rpc, '--key', KEYS[3], ...c])
  t.deepEqual(fin.lines[0]?.finalized, ['1000000000000'])
  const w = await run(['withdraw', ...rpc, '--key', KEYS[3], ...c])
  t.like(w.lines[0], { withdrawn: '2.098' }, '2 ETH minus the 0.1% operator fee, plus the 0.1 ETH exit bond')

  const again = await run(['withdraw', ...rpc, '--key', KEYS[3], ...c])
  t.is(again.code, 1)
  t.like(again.lines[0], { name: 'RootChainRevertError', reason: 'NothingToWithdraw' })
})
