// Where the time of per-step state hashing goes (docs/wasm-dispute.md §6.2). Not part of
// `pnpm bench`: run `node dist/bench/hash-profile.js` (under the bench lock on a shared machine).
// Prints, for the work loop, steps per second with no hashing, with a state hash after every step
// and every 1000 steps (same run); per-step hashing of `mix` with 4, 64 and 500 locals; and the
// cost of one hash call of each kind the commitment
// makes: our one-block BLAKE3 compression, a 64-byte node through blake3Pair (with its result
// allocation), a 40-byte stack link and a 248-byte header through blake3(), @noble/hashes'
// BLAKE3, and, for comparison with the SHA-256 commitment of version 1, node:crypto's SHA-256.
import crypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { manyLocalsModule, workModule } from '../examples/programs.js'
import { blake3, blake3Noble, blake3Pair, compress, IV, ONE_BLOCK } from '../src/blake3.js'
import { StateHasher } from '../src/commit.js'
import { compileModule } from '../src/compile.js'
import { instantiate } from '../src/instance.js'
import { invoke } from '../src/machine.js'
import { Status } from '../src/numeric.js'
import { value } from '../src/values.js'

const compiled = compileModule(workModule())
const out: Record<string, unknown> = {}
for (const every of [0, 1, 1000]) {
  const m = invoke(instantiate(compiled), 'work', [value('i32', 20_000)], { gasLimit: 2n ** 31n - 1n })
  const h = new StateHasher(m)
  const t0 = performance.now()
  if (every === 0) while (m.status === Status.Running) m.run(1 << 20)
  else
    while (m.status === Status.Running) {
      m.run(every)
      h.hash()
    }
  const dt = performance.now() - t0
  out[every === 0 ? 'noHashing' : `hashEvery${every}`] = {
    steps: m.icount,
    stepsPerSecond: Math.round(m.icount / (dt / 1000)),
    nsPerStep: Number(((dt * 1e6) / m.icount).toFixed(1)),
  }
}
// Per-step hashing where local writes dominate, by frame size: a changed local rehashes its path in
// the frame's locals tree, and every hash compares the top frame's locals with the tree's copy.
for (const locals of [4, 64, 500]) {
  const c = compileModule(manyLocalsModule(locals))
  let best = 0
  for (let r = 0; r < 3; r++) {
    const m = invoke(instantiate(c), 'mix', [value('i32', 3000)], { gasLimit: 2n ** 31n - 1n })
    const h = new StateHasher(m)
    const t0 = performance.now()
    while (m.status === Status.Running) {
      m.run(1)
      h.hash()
    }
    best = Math.max(best, m.icount / ((performance.now() - t0) / 1000))
  }
  out[`hashEveryStepWith${locals}Locals`] = { stepsPerSecond: Math.round(best) }
}
function perCall(fn: (b: Uint8Array) => unknown, size: number): number {
  const b = new Uint8Array(size)
  for (let i = 0; i < 20_000; i++) fn(b)
  const n = 400_000
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    b[0] = i
    fn(b)
  }
  return Number((((performance.now() - t0) / n) * 1e6).toFixed(0))
}
const block = new Int32Array(16)
const cv = new Int32Array(8)
const half = new Uint8Array(32)
out['nsPerCall'] = {
  'compress (one block, no allocation)': perCall(() => compress(IV, 0, block, 0, 64, ONE_BLOCK, cv, 0), 0),
  'blake3Pair (64-byte node)': perCall(() => blake3Pair(half, half), 0),
  'blake3 40 B (stack link)': perCall(blake3, 40),
  'blake3 248 B (whole header)': perCall(blake3, 248),
  '@noble/hashes blake3 64 B': perCall(blake3Noble, 64),
  'node:crypto sha256 64 B': perCall((b) => crypto.hash('sha256', b, 'buffer'), 64),
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`)
