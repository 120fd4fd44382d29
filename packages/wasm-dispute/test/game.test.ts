// The verification game: on random programs with random injected faults the honest party wins
// from either side, bisection takes ceil(log2(steps)) rounds (ceil(log_n) for n-way), and the
// special cases of the seed are covered.
import test from 'ava'
import fc from 'fast-check'
import { workModule } from '../examples/programs.js'
import { StateHasher } from '../src/commit.js'
import { compileModule } from '../src/compile.js'
import { GameError } from '../src/errors.js'
import { type Executor, type FaultKind, ReplayExecutor } from '../src/executor.js'
import { expectedRounds, playGame } from '../src/game.js'
import { instantiate } from '../src/instance.js'
import { invoke } from '../src/machine.js'
import { Status } from '../src/numeric.js'
import { stepContext } from '../src/proof.js'
import { value, type WasmValue } from '../src/values.js'
import { randomProgram } from './helpers/random-program.js'

function parties(bytes: Uint8Array, name: string, args: WasmValue[], gasLimit: bigint) {
  const c = compileModule(bytes)
  const factory = () => invoke(instantiate(c), name, args, { gasLimit })
  const ctx = stepContext(instantiate(c))
  return { factory, ctx, initialHash: new StateHasher(factory()).hash() }
}

test('random programs × random faults: the honest party always wins; rounds = ceil(log_n(steps))', (t) => {
  let games = 0
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.constantFrom<FaultKind>('value', 'memory', 'gas', 'halt', 'extra'),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(2, 3, 4),
      fc.boolean(),
      (seed, kind, where, ways, liarDefends) => {
        const p = randomProgram(seed)
        const { factory, ctx, initialHash } = parties(p.bytes, 'main', [value('i32', p.arg)], 4000n)
        const honest = new ReplayExecutor('honest', factory, ctx)
        const n = honest.claimedSteps()
        const step = kind === 'extra' ? 1 + Math.floor(where * 20) : 1 + Math.floor(where * (n - 1))
        const liar = new ReplayExecutor('liar', factory, ctx, {
          kind,
          step: Math.max(1, Math.min(step, Math.max(1, n))),
        })
        const [d, c] = liarDefends ? [liar, honest] : [honest, liar]
        const tr = playGame(ctx, d, c, { initialHash, ways })
        games++
        if (tr.kind === 'agree') return true // the fault did not change the trace (e.g. flipped a dead value twice)
        if (tr.winner !== (liarDefends ? 'challenger' : 'defender')) return false
        if (tr.kind === 'bisection') {
          const steps = Math.max(d.claimedSteps(), c.claimedSteps(), 1)
          if (tr.rounds.length !== expectedRounds(steps, ways)) return false
          if (!tr.judge) return false
          const honestProof = liarDefends ? tr.judge.challengerProof : tr.judge.defenderProof
          if (!honestProof.accepted) return false
        }
        return true
      },
    ),
    { numRuns: 120 },
  )
  t.true(games >= 120)
})

test('bisection on work(40): exactly ceil(log2(steps)) rounds for every fault kind', (t) => {
  const { factory, ctx, initialHash } = parties(workModule(), 'work', [value('i32', 40)], 1_000_000n)
  const n = new ReplayExecutor('h', factory, ctx).claimedSteps()
  for (const kind of ['value', 'memory', 'gas', 'halt', 'extra'] as const) {
    const liar = new ReplayExecutor('liar', factory, ctx, { kind, step: kind === 'extra' ? 5 : 300 })
    const tr = playGame(ctx, new ReplayExecutor('honest', factory, ctx), liar, { initialHash })
    t.is(tr.winner, 'defender', kind)
    t.is(tr.rounds.length, Math.ceil(Math.log2(Math.max(n, liar.claimedSteps()))), kind)
    t.is(tr.judge?.step, kind === 'extra' ? n : 299, kind)
  }
})

test('different trace lengths: an early halt claim and extra steps both lose', (t) => {
  const { factory, ctx, initialHash } = parties(workModule(), 'work', [value('i32', 5)], 1_000_000n)
  const honest = new ReplayExecutor('honest', factory, ctx)
  const early = new ReplayExecutor('early', factory, ctx, { kind: 'halt', step: 3 })
  t.is(early.claimedSteps(), 3)
  const tr = playGame(ctx, early, honest, { initialHash })
  t.is(tr.winner, 'challenger')
  t.is(tr.judge?.step, 2)
  const longer = new ReplayExecutor('longer', factory, ctx, { kind: 'extra', step: 9 })
  t.is(longer.claimedSteps(), honest.claimedSteps() + 9)
  const tr2 = playGame(ctx, longer, new ReplayExecutor('honest', factory, ctx), { initialHash })
  t.is(tr2.winner, 'challenger')
  // The judge steps the agreed halted state: it stays halted.
  t.is(tr2.judge?.step, honest.claimedSteps())
})

test('out-of-gas dispute: a party that under-counts gas cannot claim completion', (t) => {
  // With this limit the honest run ends out of gas; the liar shaves one unit of gas early and completes.
  const { factory, ctx, initialHash } = parties(workModule(), 'work', [value('i32', 30)], 2n ** 20n)
  const full = new ReplayExecutor('probe', factory, ctx)
  const needed = full.machineAt(full.claimedSteps()).gasUsed
  const tight = parties(workModule(), 'work', [value('i32', 30)], BigInt(needed - 1))
  const honest = new ReplayExecutor('B', tight.factory, tight.ctx)
  const liar = new ReplayExecutor('A', tight.factory, tight.ctx, { kind: 'gas', step: 10 })
  t.is(honest.machineAt(honest.claimedSteps()).status, Status.OutOfGas)
  t.is(liar.machineAt(liar.claimedSteps()).status, Status.Returned)
  const tr = playGame(tight.ctx, liar, honest, { initialHash: tight.initialHash })
  t.is(tr.winner, 'challenger')
  t.is(tr.judge?.step, 9)
  void initialHash
  void ctx
})

test('differing results over an equal final state: only a valid opening wins', (t) => {
  const { factory, ctx, initialHash } = parties(workModule(), 'work', [value('i32', 7)], 1_000_000n)
  const honest = new ReplayExecutor('honest', factory, ctx)
  const real = honest.claimedResults()
  const liar: Executor = {
    name: 'liar',
    claimedSteps: () => honest.claimedSteps(),
    hashAt: (k) => honest.hashAt(k),
    proofAt: (k) => honest.proofAt(k),
    claimedResults: () => ({ results: [value('i32', 12345)], opening: real.opening }),
  }
  const tr = playGame(ctx, liar, new ReplayExecutor('honest', factory, ctx), { initialHash })
  t.is(tr.kind, 'results')
  t.is(tr.winner, 'challenger')
  const tr2 = playGame(ctx, new ReplayExecutor('honest', factory, ctx), liar, { initialHash })
  t.is(tr2.winner, 'defender')
})

test('a party that starts from another initial state loses at once; agreement means no game', (t) => {
  const { factory, ctx, initialHash } = parties(workModule(), 'work', [value('i32', 7)], 1_000_000n)
  const other = parties(workModule(), 'work', [value('i32', 8)], 1_000_000n)
  const wrongStart = new ReplayExecutor('wrong', other.factory, other.ctx)
  const tr = playGame(ctx, new ReplayExecutor('honest', factory, ctx), wrongStart, { initialHash })
  t.is(tr.kind, 'initial-state')
  t.is(tr.winner, 'defender')
  const same = playGame(ctx, new ReplayExecutor('a', factory, ctx), new ReplayExecutor('b', factory, ctx), {
    initialHash,
  })
  t.is(same.kind, 'agree')
  t.is(same.rounds.length, 0)
  t.throws(() => playGame(ctx, wrongStart, wrongStart, { initialHash, ways: 1 }), { instanceOf: GameError })
})
