// Where the time of per-step state hashing goes (docs/wasm-dispute.md §6.2). Not part of
// `pnpm bench`: run `node dist/bench/hash-profile.js` (under the bench lock on a shared machine).
// Prints, for the work loop: SHA-256 calls and compression blocks per step when hashing after
// every step and every 1000 steps, the cost of one SHA-256 call of each size with node:crypto and
// with @noble/hashes (same run), and the resulting ceiling on per-step hashing.
import crypto from 'node:crypto'
import { performance } from 'node:perf_hooks'

type HashFn = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Uint8Array
const cryptoMod = crypto as unknown as { hash: HashFn }
const original = cryptoMod.hash
let calls = 0
let blocks = 0
// Count every call; installed before the package is loaded so its sha256 picks this up.
cryptoMod.hash = (a, d, e) => {
  calls++
  blocks += Math.ceil((d.length + 9) / 64)
  return original(a, d, e)
}
const { workModule } = await import('../examples/programs.js')
const { StateHasher } = await import('../src/commit.js')
const { compileModule } = await import('../src/compile.js')
const { instantiate } = await import('../src/instance.js')
const { invoke } = await import('../src/machine.js')
const { Status } = await import('../src/numeric.js')
const { value } = await import('../src/values.js')
const { sha256Noble } = await import('../src/sha256.js')

const compiled = compileModule(workModule())
const out: Record<string, unknown> = {}
for (const every of [1, 1000]) {
  const m = invoke(instantiate(compiled), 'work', [value('i32', 20_000)], { gasLimit: 2n ** 31n - 1n })
  const h = new StateHasher(m)
  calls = 0
  blocks = 0
  const t0 = performance.now()
  while (m.status === Status.Running) {
    m.run(every)
    h.hash()
  }
  const dt = performance.now() - t0
  out[`every${every}`] = {
    steps: m.icount,
    hashCallsPerStep: Number((calls / m.icount).toFixed(3)),
    blocksPerStep: Number((blocks / m.icount).toFixed(3)),
    stepsPerSecond: Math.round(m.icount / (dt / 1000)),
  }
}
cryptoMod.hash = original
function perCall(fn: (b: Uint8Array) => unknown, size: number): number {
  const b = new Uint8Array(size)
  for (let i = 0; i < 20_000; i++) fn(b)
  const n = 200_000
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn(b)
  return Number((((performance.now() - t0) / n) * 1e6).toFixed(0))
}
const nodeNs = {
  b40: perCall((b) => original('sha256', b, 'buffer'), 40),
  b64: perCall((b) => original('sha256', b, 'buffer'), 64),
  b237: perCall((b) => original('sha256', b, 'buffer'), 237),
}
const nobleNs = { b40: perCall(sha256Noble, 40), b64: perCall(sha256Noble, 64), b237: perCall(sha256Noble, 237) }
const every1 = out['every1'] as { hashCallsPerStep: number }
out['nsPerCall'] = { 'node:crypto': nodeNs, '@noble/hashes': nobleNs }
// Lower bound on the time per step from the SHA-256 calls alone (header 237 B, the rest <= 80 B).
const floorNs = nodeNs.b237 + (every1.hashCallsPerStep - 1) * nodeNs.b64
out['perStepCeilingFromHashCallsAlone'] = Math.round(1e9 / floorNs)
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`)
