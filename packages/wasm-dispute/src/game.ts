// The verification game (seed: Computation machine → Verification game; TrueBit's interactive
// game): two executors who disagree are driven through n-way dissection over the instruction
// counter, comparing total-state hashes, down to the first diverging instruction; the one-step
// judge then decides. Special cases: different trace lengths (halted states repeat, so the
// shorter trace is padded with its final state), out-of-gas and gas-counter disputes (gas is in
// the state), and differing results over an equal final state (settled by result openings).
import { GameError } from './errors.js'
import { checkResults, type Executor } from './executor.js'
import { equal, hex } from './merkle.js'
import type { StepContext } from './onestep.js'
import { judgeStep } from './proof.js'
import { display, type WasmValue } from './values.js'

export interface GameOptions {
  /** Dissection arity: 2 = bisection (default); n > 2 asks n−1 points per round. */
  readonly ways?: number
  /** The agreed initial state hash, computed by the referee from the snapshot and the call. */
  readonly initialHash: Uint8Array
}

export interface RoundRecord {
  round: number
  interval: [number, number]
  queries: { step: number; defender: string; challenger: string }[]
  next: [number, number]
}

export interface JudgeRecord {
  step: number
  preHash: string
  defenderPost: string
  challengerPost: string
  defenderProof: { bytes: number; accepted: boolean; error?: string }
  challengerProof: { bytes: number; accepted: boolean; error?: string }
  judgedPost: string | null
}

export type Verdict = 'defender' | 'challenger' | 'none'

export interface Transcript {
  claims: {
    defender: { steps: number; finalHash: string; results: string[] }
    challenger: { steps: number; finalHash: string; results: string[] }
  }
  kind: 'agree' | 'initial-state' | 'bisection' | 'results'
  rounds: RoundRecord[]
  judge?: JudgeRecord
  winner: Verdict
  reason: string
}

function log(n: number, base: number): number {
  let r = 0
  let p = 1
  while (p < n) {
    p *= base
    r++
  }
  return r
}

/**
 * Plays the game between the party that asserted the result (`defender`) and the party that
 * disputes it (`challenger`). Returns the full transcript; the honest party always wins.
 */
export function playGame(ctx: StepContext, defender: Executor, challenger: Executor, options: GameOptions): Transcript {
  const ways = options.ways ?? 2
  if (!Number.isInteger(ways) || ways < 2) throw new GameError(`dissection arity must be an integer >= 2, got ${ways}`)
  const nD = defender.claimedSteps()
  const nC = challenger.claimedSteps()
  const rD = defender.claimedResults()
  const rC = challenger.claimedResults()
  const fD = defender.hashAt(nD)
  const fC = challenger.hashAt(nC)
  const show = (rs: WasmValue[]) => rs.map((v) => `${v.type}:${display(v)}`)
  const t: Transcript = {
    claims: {
      defender: { steps: nD, finalHash: hex(fD), results: show(rD.results) },
      challenger: { steps: nC, finalHash: hex(fC), results: show(rC.results) },
    },
    kind: 'agree',
    rounds: [],
    winner: 'none',
    reason: '',
  }
  // Both must start from the state the referee derives from the snapshot and the call.
  const i0D = equal(defender.hashAt(0), options.initialHash)
  const i0C = equal(challenger.hashAt(0), options.initialHash)
  if (!i0D || !i0C) {
    t.kind = 'initial-state'
    t.winner = i0D ? 'defender' : i0C ? 'challenger' : 'none'
    t.reason = 'initial state hash differs from the one derived from the snapshot'
    return t
  }
  if (nD === nC && equal(fD, fC)) {
    const same =
      rD.results.length === rC.results.length &&
      rD.results.every((v, i) => v.bits === rC.results[i]?.bits && v.type === rC.results[i]?.type)
    if (same) {
      t.reason = 'both parties claim the same final state and results'
      return t
    }
    // Equal states, different results: only an opening of the agreed final state decides.
    t.kind = 'results'
    const okD = checkResults(fD, rD.results, rD.opening)
    const okC = checkResults(fC, rC.results, rC.opening)
    t.winner = okD && !okC ? 'defender' : okC && !okD ? 'challenger' : 'none'
    t.reason = 'results checked against the agreed final state'
    return t
  }
  t.kind = 'bisection'
  // Pad to a power of `ways`: states past a halt repeat, so every round divides exactly.
  const n = Math.max(nD, nC, 1)
  const rounds = log(n, ways)
  let lo = 0
  let hi = ways ** rounds
  let round = 0
  while (hi - lo > 1) {
    round++
    const width = (hi - lo) / ways
    const rec: RoundRecord = { round, interval: [lo, hi], queries: [], next: [lo, hi] }
    let newLo = lo
    let newHi = hi
    for (let j = 1; j < ways; j++) {
      const k = lo + j * width
      const hD = defender.hashAt(k)
      const hC = challenger.hashAt(k)
      rec.queries.push({ step: k, defender: hex(hD), challenger: hex(hC) })
      if (equal(hD, hC)) newLo = k
      else {
        newHi = k
        break
      }
    }
    if (newHi === hi) newLo = Math.max(newLo, hi - width)
    lo = newLo
    hi = newHi
    rec.next = [lo, hi]
    t.rounds.push(rec)
  }
  const pre = defender.hashAt(lo)
  if (!equal(pre, challenger.hashAt(lo))) throw new GameError('bisection invariant broken: no agreement at lower bound')
  const postD = defender.hashAt(hi)
  const postC = challenger.hashAt(hi)
  const judge = (e: Executor) => {
    const proof = e.proofAt(lo)
    try {
      const post = judgeStep(ctx, pre, proof)
      return { bytes: proof.length, accepted: true, post }
    } catch (err) {
      return { bytes: proof.length, accepted: false, error: (err as Error).message, post: undefined }
    }
  }
  const jD = judge(defender)
  const jC = judge(challenger)
  const post = jD.post ?? jC.post
  t.judge = {
    step: lo,
    preHash: hex(pre),
    defenderPost: hex(postD),
    challengerPost: hex(postC),
    defenderProof: { bytes: jD.bytes, accepted: jD.accepted, ...(jD.error ? { error: jD.error } : {}) },
    challengerProof: { bytes: jC.bytes, accepted: jC.accepted, ...(jC.error ? { error: jC.error } : {}) },
    judgedPost: post ? hex(post) : null,
  }
  if (!post) {
    t.winner = 'none'
    t.reason = 'no valid one-step proof was submitted'
  } else if (equal(post, postD) && !equal(post, postC)) {
    t.winner = 'defender'
    t.reason = `the judge executed step ${lo} → ${hi} and agrees with the defender`
  } else if (equal(post, postC) && !equal(post, postD)) {
    t.winner = 'challenger'
    t.reason = `the judge executed step ${lo} → ${hi} and agrees with the challenger`
  } else {
    t.winner = 'none'
    t.reason = 'the judged post-state matches neither claim'
  }
  return t
}

/** Number of dissection rounds for a trace of n steps (ceil(log_ways n)). */
export function expectedRounds(n: number, ways = 2): number {
  return log(Math.max(n, 1), ways)
}
