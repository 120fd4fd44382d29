// The one-step judge: for every step of random programs it recomputes exactly the interpreter's
// next state hash from the proof alone, and it never accepts a forged proof.
import test from 'ava'
import fc from 'fast-check'
import { workModule } from '../examples/programs.js'
import { HEADER_BYTES, hashHeader, StateHasher } from '../src/commit.js'
import { compileModule } from '../src/compile.js'
import { ProofDecodeError, ProofMismatchError } from '../src/errors.js'
import { instantiate } from '../src/instance.js'
import { invoke, type Machine } from '../src/machine.js'
import { equal } from '../src/merkle.js'
import { Status } from '../src/numeric.js'
import { judgeStep, proveStep, stepContext } from '../src/proof.js'
import { value } from '../src/values.js'
import { randomProgram } from './helpers/random-program.js'

function setup(bytes: Uint8Array, arg: number, gas = 5000n) {
  const inst = instantiate(compileModule(bytes))
  const m = invoke(inst, inst.compiled.module.exports[0]?.name ?? 'main', [value('i32', arg)], { gasLimit: gas })
  return { m, h: new StateHasher(m), ctx: stepContext(inst) }
}

test('judge agrees with the interpreter on every step of random programs', (t) => {
  let steps = 0
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
      const p = randomProgram(seed)
      const { m, h, ctx } = setup(p.bytes, p.arg, 3000n)
      for (let i = 0; i < 400 && m.status === Status.Running; i++) {
        const pre = h.hash()
        const { proof, post } = proveStep(m, h, ctx)
        m.step()
        const actual = h.hash()
        steps++
        if (!equal(judgeStep(ctx, pre, proof), actual)) return false
        if (!equal(hashOf(post), actual)) return false
      }
      return true
    }),
    { numRuns: 60 },
  )
  t.true(steps > 1000, `${steps} steps judged`)
})

function hashOf(h: Parameters<typeof hashHeader>[0]): Uint8Array {
  return hashHeader(h)
}

test('a halted state steps to itself and its proof is the header alone', (t) => {
  const { m, h, ctx } = setup(workModule(), 3, 100_000n)
  while (m.status === Status.Running) m.run(1000)
  const pre = h.hash()
  const { proof } = proveStep(m, h, ctx)
  t.is(proof.length, HEADER_BYTES)
  t.is(HEADER_BYTES, 248)
  t.true(equal(judgeStep(ctx, pre, proof), pre))
})

function proofs(m: Machine, h: StateHasher, ctx: ReturnType<typeof stepContext>, n: number) {
  const out: { pre: Uint8Array; proof: Uint8Array }[] = []
  for (let i = 0; i < n && m.status === Status.Running; i++) {
    const pre = h.hash()
    out.push({ pre, proof: proveStep(m, h, ctx).proof })
    m.step()
  }
  return out
}

test('the judge never accepts a forged proof (any byte flipped, truncated or extended)', (t) => {
  const { m, h, ctx } = setup(workModule(), 20, 100_000n)
  const all = proofs(m, h, ctx, 200)
  let rejected = 0
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: all.length - 1 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.constantFrom('flip', 'truncate', 'extend'),
      (i, pos, mask, how) => {
        const { pre, proof } = all[i] as { pre: Uint8Array; proof: Uint8Array }
        let forged: Uint8Array
        if (how === 'flip') {
          forged = proof.slice()
          const at = pos % forged.length
          forged[at] = (forged[at] as number) ^ mask
        } else if (how === 'truncate') forged = proof.slice(0, pos % proof.length)
        else forged = Uint8Array.from([...proof, mask])
        try {
          judgeStep(ctx, pre, forged)
          return false
        } catch (e) {
          rejected++
          return e instanceof ProofMismatchError || e instanceof ProofDecodeError
        }
      },
    ),
    { numRuns: 2000 },
  )
  t.is(rejected, 2000)
})

test('a valid proof of another state does not open the agreed pre-state', (t) => {
  const { m, h, ctx } = setup(workModule(), 20, 100_000n)
  const [a, b] = proofs(m, h, ctx, 2)
  if (!a || !b) return t.fail('no proofs')
  t.throws(() => judgeStep(ctx, a.pre, b.proof), { instanceOf: ProofMismatchError })
})

test('one-step proof for a memory store: size is header + frame + operands + leaf + depth siblings', (t) => {
  const { m, h, ctx } = setup(workModule(), 20, 100_000n)
  while (m.status === Status.Running && m.code.op[m.pc] !== 0x36) m.step()
  const { proof } = proveStep(m, h, ctx)
  // work's memory declares max 16 pages → 2^15 leaves → 15 siblings
  t.is(ctx.memDepth, 15)
  t.is(proof.length, HEADER_BYTES + 48 + 32 + (16 + 32) + 32 + 15 * 32)
})

test('forged proofs are rejected across random programs (every witness kind)', (t) => {
  let rejected = 0
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.nat(200),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (seed, at, pos, mask) => {
        const p = randomProgram(seed)
        const { m, h, ctx } = setup(p.bytes, p.arg, 3000n)
        m.run(at)
        if (m.status !== Status.Running) return true
        const pre = h.hash()
        const { proof } = proveStep(m, h, ctx)
        const forged = proof.slice()
        const i = pos % forged.length
        forged[i] = (forged[i] as number) ^ mask
        try {
          judgeStep(ctx, pre, forged)
          return false
        } catch (e) {
          rejected++
          return e instanceof ProofMismatchError || e instanceof ProofDecodeError
        }
      },
    ),
    { numRuns: 300 },
  )
  t.true(rejected > 100, `${rejected} forged proofs rejected`)
})
