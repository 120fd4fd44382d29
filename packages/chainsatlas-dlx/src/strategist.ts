// Chain profiles and the strategist: the execution plan (segment sizes, chain per segment, order) that
// minimizes weighted cost and time under the client's constraints. Exact Pareto-label dynamic
// programming for small instances, a Lagrangian full-segment heuristic for large ones (docs/dlx.md).
import { NoFeasiblePlanError, ProfileError } from './errors.js'

/** The whitepaper's chain profile: the characteristics management units compare chains by. */
export interface ChainProfile {
  readonly id: string
  /** Largest transaction, in bytes. */
  readonly txSizeLimit: number
  readonly validators: number
  /** Seconds per block. */
  readonly blockTime: number
  /** Transactions per second the chain sustains. */
  readonly tps: number
  /** Average fee per transaction, in one common unit (Hermes). */
  readonly avgFee: number
  /** Scores in [0, 1]. */
  readonly decentralization: number
  readonly privacy: number
}

export interface Constraints {
  /** Cost range the client accepts: minCost <= plan cost <= maxCost. */
  readonly maxCost: number
  readonly minCost?: number
  /** Every chain of the plan must score at least this. */
  readonly minPrivacy?: number
  readonly minDecentralization?: number
  /** Objective: costWeight * cost + timeWeight * time (defaults 1 and 1). */
  readonly costWeight?: number
  readonly timeWeight?: number
}

export interface PlanOptions {
  /** Segment sizes are multiples of this many bytes (default 4: one instruction). */
  readonly granularity?: number
  /** Bytes of each segment transaction taken by its header and state hashes (default 64). */
  readonly txOverhead?: number
  /** Instances up to this many granules are solved exactly (default 48). */
  readonly exactMaxUnits?: number
  readonly method?: 'auto' | 'exact' | 'heuristic'
}

export interface PlanSegment {
  /** Position in the execution order. */
  readonly order: number
  /** Byte offset into .text and size in bytes. */
  readonly start: number
  readonly size: number
  readonly chain: string
}

export interface Plan {
  readonly segments: readonly PlanSegment[]
  readonly cost: number
  readonly time: number
  readonly score: number
  readonly method: 'exact' | 'heuristic'
}

const num = (p: Record<string, unknown>, id: string, f: string, min: number, max = Number.POSITIVE_INFINITY) => {
  const v = p[f]
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new ProfileError(id, f, v, `a number in [${min}, ${max}]`)
  return v
}

/** Checks an untrusted profile (e.g. from profiles.json). */
export function parseProfile(x: unknown): ChainProfile {
  if (typeof x !== 'object' || x === null) throw new ProfileError('?', 'profile', x, 'an object')
  const p = x as Record<string, unknown>
  const id = p['id']
  if (typeof id !== 'string' || id === '') throw new ProfileError('?', 'id', id, 'a non-empty string')
  const txSizeLimit = num(p, id, 'txSizeLimit', 1)
  if (!Number.isInteger(txSizeLimit)) throw new ProfileError(id, 'txSizeLimit', txSizeLimit, 'an integer')
  return {
    id,
    txSizeLimit,
    validators: num(p, id, 'validators', 1),
    blockTime: num(p, id, 'blockTime', 0),
    tps: num(p, id, 'tps', Number.MIN_VALUE),
    avgFee: num(p, id, 'avgFee', 0),
    decentralization: num(p, id, 'decentralization', 0, 1),
    privacy: num(p, id, 'privacy', 0, 1),
  }
}

/**
 * Cost model of one segment on `chain` after a segment on `prev` (undefined for the first): one
 * transaction carrying the segment and the transferred state, plus, when the chain changes, one
 * hand-over transaction on the receiving chain.
 */
export function stepCost(prev: ChainProfile | undefined, chain: ChainProfile): { cost: number; time: number } {
  const handover = prev !== undefined && prev.id !== chain.id
  const txs = handover ? 2 : 1
  return { cost: txs * chain.avgFee, time: txs * (chain.blockTime + 1 / chain.tps) }
}

const usable = (c: ChainProfile, k: Constraints) =>
  c.privacy >= (k.minPrivacy ?? 0) && c.decentralization >= (k.minDecentralization ?? 0)

/** Capacity in bytes of one segment transaction on `c`. */
export const segmentCapacity = (c: ChainProfile, options: PlanOptions = {}): number =>
  c.txSizeLimit - (options.txOverhead ?? 64)

export interface Evaluation {
  readonly cost: number
  readonly time: number
  readonly score: number
  /** Empty when the plan respects every constraint. */
  readonly violations: readonly string[]
}

/** Evaluates any plan (segment sizes + chains, in order) against the model and the constraints. */
export function evaluatePlan(
  codeSize: number,
  segments: readonly Pick<PlanSegment, 'size' | 'chain'>[],
  profiles: readonly ChainProfile[],
  constraints: Constraints,
  options: PlanOptions = {},
): Evaluation {
  const byId = new Map(profiles.map((p) => [p.id, p]))
  const violations: string[] = []
  let cost = 0
  let time = 0
  let prev: ChainProfile | undefined
  let total = 0
  const g = options.granularity ?? 4
  for (const [i, s] of segments.entries()) {
    const c = byId.get(s.chain)
    if (c === undefined) {
      violations.push(`segment ${i}: unknown chain ${s.chain}`)
      continue
    }
    if (s.size > segmentCapacity(c, options)) violations.push(`segment ${i}: ${s.size} bytes exceed ${c.id}'s capacity`)
    if (s.size <= 0 || (s.size % g !== 0 && total + s.size !== codeSize))
      violations.push(`segment ${i}: size ${s.size} is not a positive multiple of ${g}`)
    if (!usable(c, constraints)) violations.push(`segment ${i}: ${c.id} below the privacy or decentralization minimum`)
    const d = stepCost(prev, c)
    cost += d.cost
    time += d.time
    total += s.size
    prev = c
  }
  if (total !== codeSize) violations.push(`segments cover ${total} bytes, not ${codeSize}`)
  if (cost > constraints.maxCost) violations.push(`cost ${cost} above ${constraints.maxCost}`)
  if (cost < (constraints.minCost ?? 0)) violations.push(`cost ${cost} below ${constraints.minCost}`)
  const score = (constraints.costWeight ?? 1) * cost + (constraints.timeWeight ?? 1) * time
  return { cost, time, score, violations }
}

interface Label {
  readonly cost: number
  readonly time: number
  readonly chain: number
  readonly from: number
  readonly prev: Label | undefined
}

function toPlan(
  label: Label,
  chains: readonly ChainProfile[],
  unitBytes: (u: number) => number,
  method: Plan['method'],
  k: Constraints,
): Plan {
  const parts: Label[] = []
  for (let l: Label | undefined = label; l !== undefined && l.chain >= 0; l = l.prev) parts.unshift(l)
  const segments: PlanSegment[] = parts.map((p, i) => {
    const start = unitBytes(p.from)
    const end = unitBytes(i + 1 < parts.length ? parts[i + 1]!.from : Number.POSITIVE_INFINITY)
    return { order: i, start, size: end - start, chain: chains[p.chain]!.id }
  })
  return { segments, cost: label.cost, time: label.time, score: scoreOf(label, k), method }
}

/**
 * Finds the execution plan for `codeSize` bytes of code.
 *
 * @example
 * ```ts
 * const plan = strategize(program.text.length, profiles, { maxCost: 10, minPrivacy: 0.5 })
 * segmentSync(program, plan.segments.map((s) => s.size))
 * ```
 */
export function strategize(
  codeSize: number,
  profiles: readonly ChainProfile[],
  constraints: Constraints,
  options: PlanOptions = {},
): Plan {
  const g = options.granularity ?? 4
  if (!Number.isInteger(g) || g < 4 || g % 4 !== 0)
    throw new NoFeasiblePlanError(`granularity ${g} is not a multiple of 4`)
  if (!Number.isInteger(codeSize) || codeSize <= 0 || codeSize % 4 !== 0)
    throw new NoFeasiblePlanError(`code size ${codeSize} is not a positive multiple of 4`)
  const chains = profiles.filter((c) => usable(c, constraints) && segmentCapacity(c, options) >= Math.min(g, codeSize))
  if (chains.length === 0)
    throw new NoFeasiblePlanError('no chain meets the privacy/decentralization minimum and fits one granule')
  const units = Math.ceil(codeSize / g)
  const unitBytes = (u: number) => Math.min(codeSize, u * g)
  const method = options.method ?? 'auto'
  const exact = method === 'exact' || (method === 'auto' && units <= (options.exactMaxUnits ?? 48))
  const best = exact
    ? exactSearch(units, chains, unitBytes, constraints, options)
    : heuristicSearch(units, chains, constraints, options)
  if (best === undefined)
    throw new NoFeasiblePlanError(
      exact ? 'the cost range excludes every plan' : 'the heuristic found no plan within the cost range',
    )
  return toPlan(best, chains, unitBytes, exact ? 'exact' : 'heuristic', constraints)
}

const scoreOf = (l: Label, k: Constraints) => (k.costWeight ?? 1) * l.cost + (k.timeWeight ?? 1) * l.time

/** Pareto-label DP over (position, last chain): exact for the additive model with the cost range. */
function exactSearch(
  units: number,
  chains: readonly ChainProfile[],
  unitBytes: (u: number) => number,
  k: Constraints,
  options: PlanOptions,
): Label | undefined {
  const minCost = k.minCost ?? 0
  const caps = chains.map((c) => segmentCapacity(c, options))
  // labels[u][c]: non-dominated labels ending at unit u with last chain c.
  const labels: Label[][][] = Array.from({ length: units + 1 }, () => chains.map(() => []))
  const start: Label = { cost: 0, time: 0, chain: -1, from: 0, prev: undefined }
  const dominates = (a: Label, b: Label) =>
    a.cost <= b.cost && a.time <= b.time && (a.cost >= minCost || a.cost === b.cost)
  const insert = (bucket: Label[], l: Label) => {
    for (const x of bucket) if (dominates(x, l)) return
    for (let i = bucket.length - 1; i >= 0; i--) if (dominates(l, bucket[i]!)) bucket.splice(i, 1)
    bucket.push(l)
  }
  for (let u = 0; u < units; u++) {
    const sources = u === 0 ? [start] : labels[u]!.flat()
    for (const src of sources) {
      const prev = src.chain < 0 ? undefined : chains[src.chain]
      for (let c = 0; c < chains.length; c++) {
        const d = stepCost(prev, chains[c]!)
        const cost = src.cost + d.cost
        const time = src.time + d.time
        if (cost > k.maxCost) continue
        for (let v = u + 1; v <= units && unitBytes(v) - unitBytes(u) <= caps[c]!; v++) {
          insert(labels[v]![c]!, { cost, time, chain: c, from: u, prev: src })
        }
      }
    }
  }
  let best: Label | undefined
  for (const l of labels[units]!.flat()) {
    if (l.cost < minCost || l.cost > k.maxCost) continue
    if (best === undefined || scoreOf(l, k) < scoreOf(best, k)) best = l
  }
  return best
}

/**
 * Heuristic for large instances: segments are full (each as large as its chain allows, the last the
 * remainder); one label per (position, chain) minimizing lambda * costWeight * cost + timeWeight * time;
 * lambda doubles while the plan costs more than maxCost and halves while it costs less than minCost.
 */
function heuristicSearch(
  units: number,
  chains: readonly ChainProfile[],
  k: Constraints,
  options: PlanOptions,
): Label | undefined {
  const g = options.granularity ?? 4
  const capUnits = chains.map((c) => Math.floor(segmentCapacity(c, options) / g))
  const run = (lambda: number): Label | undefined => {
    const w = (l: Label) => lambda * (k.costWeight ?? 1) * l.cost + (k.timeWeight ?? 1) * l.time
    const best: (Label | undefined)[][] = Array.from({ length: units + 1 }, () => chains.map(() => undefined))
    const start: Label = { cost: 0, time: 0, chain: -1, from: 0, prev: undefined }
    for (let u = 0; u < units; u++) {
      const sources = u === 0 ? [start] : best[u]!.filter((x): x is Label => x !== undefined)
      for (const src of sources) {
        const prev = src.chain < 0 ? undefined : chains[src.chain]
        for (let c = 0; c < chains.length; c++) {
          if (capUnits[c]! < 1) continue
          const v = Math.min(units, u + capUnits[c]!)
          const d = stepCost(prev, chains[c]!)
          const l: Label = { cost: src.cost + d.cost, time: src.time + d.time, chain: c, from: u, prev: src }
          const cur = best[v]![c]
          if (cur === undefined || w(l) < w(cur)) best[v]![c] = l
        }
      }
    }
    let out: Label | undefined
    for (const l of best[units]!) if (l !== undefined && (out === undefined || w(l) < w(out))) out = l
    return out
  }
  const feasible = (l: Label) => l.cost <= k.maxCost && l.cost >= (k.minCost ?? 0)
  let found: Label | undefined
  const consider = (l: Label | undefined) => {
    if (l !== undefined && feasible(l) && (found === undefined || scoreOf(l, k) < scoreOf(found, k))) found = l
  }
  const first = run(1)
  consider(first)
  if (first !== undefined && first.cost > k.maxCost) {
    for (let lambda = 2; lambda <= 2 ** 30 && found === undefined; lambda *= 2) consider(run(lambda))
  } else if (first !== undefined && first.cost < (k.minCost ?? 0)) {
    for (let lambda = 0.5; lambda >= 2 ** -30 && found === undefined; lambda /= 2) consider(run(lambda))
  }
  return found
}
