// The statistical simulator: many validators, virtual time, seeded randomness, the real
// consensus-state, rule, fork-choice and blacklist code — but durations drawn from the same
// exponential law instead of per-validator HMACs and signatures, so 1,000 validators run
// at thousands of blocks per second (decision 0057). Round model: every validator starts a
// timer when the head reaches it; the earliest valid claim publishes; validators whose timers
// fire before that block reaches them publish competing blocks; same-parent fork choice
// (smallest duration) settles the round.
import { ConsensusState } from '../consensus-state.js'
import { SimulatorOptionError } from '../errors.js'
import {
  Blacklist,
  type BlacklistPolicy,
  checkClaim,
  DEFAULT_BLACKLIST_POLICY,
  type RegistryEntry,
  type RejectReason,
} from '../rules.js'
import { type PoetSettings, resolveSettings } from '../settings.js'
import {
  ADVERSARY_KINDS,
  type AdversaryKind,
  type AdversaryOutcome,
  type AdversarySpec,
  type SimulationReport,
} from './report.js'
import { seededRng } from './rng.js'
import { winShareReport } from './stats.js'

/** Options of {@link simulate}. */
export interface SimulationOptions {
  /** Total validators, adversaries included. */
  readonly validators: number
  /** Chain blocks to produce. */
  readonly blocks: number
  /** Mean one-way network delay, ms; each message takes uniform [0.5, 1.5] × this. */
  readonly delayMs: number
  readonly seed: number
  readonly adversaries?: readonly AdversarySpec[]
  /** Relative compute shares (block processing speed); default all 1. */
  readonly shares?: readonly number[]
  /** Time to validate a block and start the next timer at share 1, ms. Default 50. */
  readonly processingMs?: number
  readonly settings?: Partial<PoetSettings>
  /** Clock skew + propagation tolerance of the timing checks, ms. Default 1000. */
  readonly toleranceMs?: number
  /** Reject withheld (stale) certificates. Default true in the simulator. */
  readonly staleCheck?: boolean
  /** Enclaves a multi-enclave adversary runs. Default 4. */
  readonly enclaves?: number
  /** How long a withholding adversary holds each block, ms. Default 45,000. */
  readonly withholdMs?: number
  /** Duration scale of a compromised enclave. Default 0.05. */
  readonly compromisedFactor?: number
  readonly blacklist?: Partial<BlacklistPolicy>
  /** Blocks excluded from the interval mean. Default 2 × sample size. */
  readonly warmupBlocks?: number
}

function check(name: string, value: number, ok: boolean, rule: string): void {
  if (!ok) throw new SimulatorOptionError(name, value, rule)
}

/** Runs the statistical simulation and returns its report. */
export function simulate(options: SimulationOptions): SimulationReport {
  const started = performance.now()
  const N = options.validators
  check('validators', N, Number.isInteger(N) && N >= 1, 'must be an integer >= 1')
  check('blocks', options.blocks, Number.isInteger(options.blocks) && options.blocks >= 1, 'must be an integer >= 1')
  check('delayMs', options.delayMs, Number.isFinite(options.delayMs) && options.delayMs >= 0, 'must be >= 0')
  check('seed', options.seed, Number.isInteger(options.seed), 'must be an integer')
  const settings = resolveSettings(options.settings)
  const rng = seededRng(options.seed)
  const processingMs = options.processingMs ?? 50
  const toleranceMs = options.toleranceMs ?? 1000
  const staleCheck = options.staleCheck ?? true
  const enclaves = options.enclaves ?? 4
  const withholdMs = options.withholdMs ?? 45_000
  const factor = options.compromisedFactor ?? 0.05
  const warmup = options.warmupBlocks ?? 2 * settings.populationEstimateSampleSize
  const minWait = settings.minimumWaitTime

  const kinds: (AdversaryKind | undefined)[] = new Array(N).fill(undefined)
  let next = N
  for (const spec of options.adversaries ?? []) {
    if (!ADVERSARY_KINDS.includes(spec.kind))
      throw new SimulatorOptionError('adversary', spec.kind, `one of ${ADVERSARY_KINDS.join(', ')}`)
    check(
      `adversary ${spec.kind} count`,
      spec.count,
      Number.isInteger(spec.count) && spec.count >= 0,
      'must be an integer >= 0',
    )
    for (let k = 0; k < spec.count; k++) {
      next -= 1
      check('adversaries', next, next >= 1, 'need at least one honest validator')
      kinds[next] = spec.kind
    }
  }
  const shares = options.shares ?? []
  const ids = Array.from({ length: N }, (_, i) => `v${i}`)
  const proc = new Float64Array(N)
  for (let i = 0; i < N; i++) {
    const share = shares[i] ?? 1
    check(`shares[${i}]`, share, share > 0, 'must be > 0')
    proc[i] = processingMs / share
  }
  const entries: (RegistryEntry | undefined)[] = ids.map((id) => ({
    poetPublicKey: `${id}/k0`,
    signupHeight: 0,
    commitHeight: 0,
  }))
  const pending: (RegistryEntry | undefined)[] = new Array(N).fill(undefined)
  const keyGen = new Int32Array(N)
  const pendingList: number[] = []
  const blacklist = new Blacklist({ ...DEFAULT_BLACKLIST_POLICY, ...options.blacklist })
  const outcomes = new Map<number, AdversaryOutcome>()
  for (let i = 0; i < N; i++) {
    const kind = kinds[i]
    if (kind !== undefined)
      outcomes.set(i, {
        kind,
        validatorId: ids[i] as string,
        published: 0,
        accepted: 0,
        inChain: 0,
        rejected: 0,
        reasons: {},
        firstRejectedAtHeight: null,
        blacklistedAtHeight: null,
      })
  }
  const selfRefusals: Record<string, number> = {}
  let keyRotations = 0
  let falseRejections = 0
  let orphaned = 0
  let stalled = false
  const wins = new Float64Array(N)

  let head = { state: ConsensusState.genesis('b0'), height: 0, publishTime: 0, duration: minWait, requestTime: 0 }
  const dur = new Float64Array(N)
  const request = new Float64Array(N)
  const pub = new Float64Array(N)
  const delay = new Float64Array(N)
  const usable = new Uint8Array(N) // 0 unknown, 1 may publish, 2 may not
  const registeredEnclave = new Uint8Array(N)
  const registered = new Uint8Array(N).fill(1)
  /** Validators whose claims fall near the earliest one (a superset of possible competitors). */
  const near: number[] = []
  /** Registered honest validators, the pool the order-statistics draw assigns waits to. */
  let honestPool: number[] = []
  let poolDirty = true
  /** Round in which a validator was last given a wait. */
  const assigned = new Int32Array(N).fill(-1)
  const slack = 1.5 * options.delayMs
  let minProc = Number.POSITIVE_INFINITY
  for (let i = 0; i < N; i++) minProc = Math.min(minProc, proc[i] as number)
  const blockTimes: number[] = [0]

  const refuse = (reason: string) => {
    selfRefusals[reason] = (selfRefusals[reason] ?? 0) + 1
  }
  /** Sawtooth publisher self-checks; honest validators (and all but 'compromised' adversaries) run them. */
  const selfCheck = (i: number, localMean: number): boolean => {
    const id = ids[i] as string
    const entry = entries[i]
    if (entry === undefined) return false
    if (head.state.keyBlockClaimLimitReached(id, entry.poetPublicKey, settings)) {
      keyGen[i] = (keyGen[i] as number) + 1
      pendingList.push(i)
      pending[i] = { poetPublicKey: `${id}/k${keyGen[i]}`, signupHeight: head.height, commitHeight: -1 }
      entries[i] = undefined
      registered[i] = 0
      poolDirty = true
      if (kinds[i] === undefined) keyRotations += 1
      return false
    }
    const delayBlocks = Math.min(settings.blockClaimDelay, N - 1)
    if (head.state.totalBlockClaimCount > delayBlocks && delayBlocks > head.height + 1 - entry.commitHeight - 1) {
      if (kinds[i] === undefined) refuse('claiming-too-early')
      return false
    }
    if (kinds[i] !== 'compromised' && head.state.zTest(id, localMean, settings) !== undefined) {
      if (kinds[i] === undefined) refuse('ztest')
      return false
    }
    return true
  }

  const evaluate = (
    i: number,
    localMean: number,
    arrivalAt: number,
  ): { valid: true } | { valid: false; reason: RejectReason } => {
    const kind = kinds[i]
    const replay = kind === 'replay'
    const verdict = checkClaim(
      {
        validatorId: ids[i] as string,
        height: head.height + 1,
        parent: head.state,
        entry: entries[i],
        registrySize: N,
        blacklisted: blacklist.has(ids[i] as string),
        certificate: {
          duration: replay ? head.duration : (dur[i] as number),
          localMean,
          requestTime: replay ? head.requestTime : (request[i] as number),
          validatorMatches: !replay,
          signatureValid: kind === 'forge' ? false : kind === 'multi-enclave' ? registeredEnclave[i] === 1 : true,
          previousCertificateMatches: !replay,
          blockDigestMatches: !replay,
        },
        timing: { arrival: arrivalAt, parentTimestamp: head.publishTime, toleranceMs, checkStale: staleCheck },
      },
      settings,
    )
    return verdict.valid ? verdict : { valid: false, reason: verdict.reason }
  }

  const adversaryIndices = [...outcomes.keys()]
  const code = Uint8Array.from(kinds, (k) => (k === undefined ? 0 : 1 + ADVERSARY_KINDS.indexOf(k)))
  const MULTI = 1 + ADVERSARY_KINDS.indexOf('multi-enclave')
  const COMPROMISED = 1 + ADVERSARY_KINDS.indexOf('compromised')
  const fixed = new Uint8Array(N)
  let fixedList: number[] = []
  let lastWinner = -1
  let lastPub = 0
  let rounds = 0
  while (head.height < options.blocks) {
    rounds += 1
    if (rounds > options.blocks * 20 + 1000) {
      stalled = true
      break
    }
    const localMean = head.state.localMean(settings)
    // Honest waits, earliest first: the order statistics of M i.i.d. exponentials
    // (E(k) = E(k−1) + X_k/(M−k+1), Rényi), each given to a uniformly chosen honest validator.
    // Only validators whose claims can fall within reach of the earliest one are drawn; the
    // joint law is the same as drawing every validator's wait (decision 0057).
    usable.fill(0)
    near.length = 0
    if (poolDirty) {
      honestPool = []
      for (let i = 0; i < N; i++) if (code[i] === 0 && registered[i] === 1) honestPool.push(i)
      poolDirty = false
    }
    const M = honestPool.length
    let k = 0
    let E = 0
    let w = -1
    let best = Number.POSITIVE_INFINITY
    const fill = () => {
      while (k < M && lastPub + minProc + (minWait + localMean * E) * 1000 < best + slack) {
        E += -Math.log(rng.fastOpen()) / (M - k)
        let i: number
        do i = honestPool[rng.int(M)] as number
        while (assigned[i] === rounds)
        assigned[i] = rounds
        k += 1
        const a =
          i === lastWinner
            ? lastPub
            : lastPub + (fixed[i] === 1 ? (delay[i] as number) : options.delayMs * (0.5 + rng.fast()))
        const r = a + (proc[i] as number)
        const d = minWait + localMean * E
        request[i] = r
        dur[i] = d
        pub[i] = r + d * 1000
        near.push(i)
        if ((pub[i] as number) < best) {
          best = pub[i] as number
          w = i
        }
      }
    }
    fill()
    for (const i of adversaryIndices) {
      near.push(i)
      const c = code[i] as number
      const r =
        (i === lastWinner
          ? lastPub
          : lastPub + (fixed[i] === 1 ? (delay[i] as number) : options.delayMs * (0.5 + rng.fast()))) +
        (proc[i] as number)
      request[i] = r
      let u = -Math.log(rng.fastOpen())
      if (c === MULTI) {
        registeredEnclave[i] = 1
        for (let e = 1; e < enclaves; e++) {
          const v = -Math.log(rng.fastOpen())
          if (v < u) {
            u = v
            registeredEnclave[i] = 0
          }
        }
      }
      if (c === COMPROMISED) u *= factor
      const d = minWait + localMean * u
      const kind = kinds[i]
      dur[i] = d
      pub[i] =
        kind === 'early-claim' || kind === 'replay'
          ? r
          : kind === 'forge'
            ? r + minWait * 1000
            : kind === 'withhold'
              ? r + d * 1000 + withholdMs
              : r + d * 1000
    }
    for (const j of fixedList) fixed[j] = 0
    fixedList = []
    // Adversarial blocks: every adversary sends one block per round; honest validators judge it.
    for (const i of adversaryIndices) {
      const out = outcomes.get(i) as AdversaryOutcome
      if (entries[i] === undefined || (kinds[i] !== 'compromised' && !selfCheck(i, localMean))) {
        usable[i] = 2
        continue
      }
      if (kinds[i] === 'forge') dur[i] = minWait
      out.published += 1
      const verdict = evaluate(i, localMean, (pub[i] as number) + options.delayMs)
      if (verdict.valid) {
        out.accepted += 1
        usable[i] = 1
        if (kinds[i] === 'equivocate') {
          // A second certificate from the same timer follows the first; receivers that saw
          // the first reject the second and blacklist the signer (engine: 'equivocation').
          out.published += 1
          out.rejected += 1
          out.reasons.equivocation = (out.reasons.equivocation ?? 0) + 1
          if (out.firstRejectedAtHeight === null) out.firstRejectedAtHeight = head.height
          if (blacklist.record(ids[i] as string, 'equivocation')) out.blacklistedAtHeight = head.height
        }
        if ((pub[i] as number) < best) {
          best = pub[i] as number
          w = i
        }
      } else {
        usable[i] = 2
        out.rejected += 1
        out.reasons[verdict.reason] = (out.reasons[verdict.reason] ?? 0) + 1
        if (out.firstRejectedAtHeight === null) out.firstRejectedAtHeight = head.height
        if (blacklist.record(ids[i] as string, verdict.reason)) out.blacklistedAtHeight = head.height
      }
    }
    // Earliest valid claim: honest candidates run the publisher's self-checks first.
    while (w >= 0 && usable[w] !== 1) {
      if (selfCheck(w, localMean)) {
        usable[w] = 1
        break
      }
      usable[w] = 2
      w = -1
      best = Number.POSITIVE_INFINITY
      for (const i of near)
        if (
          (code[i] === 0 ? usable[i] !== 2 && entries[i] !== undefined : usable[i] === 1) &&
          (pub[i] as number) < best
        ) {
          best = pub[i] as number
          w = i
        }
      fill() // the window moved: draw the honest claims that may now compete
    }
    if (w < 0) {
      stalled = true
      break
    }
    // Competing blocks from validators whose timers fired before w's block reached them.
    const pw = pub[w] as number
    const horizon = pw + 1.5 * options.delayMs
    let f = w
    let competitors = 0
    for (const j of near) {
      if (j === w || (pub[j] as number) >= horizon || usable[j] === 2 || fixed[j] === 1) continue
      const dj = options.delayMs * (0.5 + rng.fast())
      delay[j] = dj
      fixed[j] = 1
      fixedList.push(j)
      if ((pub[j] as number) >= pw + dj) continue
      if (usable[j] === 0) {
        if (code[j] !== 0 || entries[j] === undefined || !selfCheck(j, localMean)) {
          usable[j] = 2
          continue
        }
        usable[j] = 1
      }
      competitors += 1
      if ((dur[j] as number) < (dur[f] as number)) f = j
    }
    // Honest winners are judged by the same rules (a failure here is a false rejection).
    if (kinds[f] === undefined) {
      const verdict = evaluate(f, localMean, (pub[f] as number) + 1.5 * options.delayMs)
      if (!verdict.valid) {
        falseRejections += 1
        blacklist.record(ids[f] as string, verdict.reason)
        continue
      }
    }
    orphaned += competitors
    const pf = pub[f] as number
    const height = head.height + 1
    head = {
      state: head.state.extend(`b${height}`, height, {
        validatorId: ids[f] as string,
        poetPublicKey: (entries[f] as RegistryEntry).poetPublicKey,
        duration: dur[f] as number,
        localMean,
      }),
      height,
      publishTime: pf,
      duration: dur[f] as number,
      requestTime: request[f] as number,
    }
    blockTimes.push(pf)
    wins[f] = (wins[f] as number) + 1
    const out = outcomes.get(f)
    if (out !== undefined) out.inChain += 1
    if (f !== w) {
      for (const j of fixedList) fixed[j] = 0
      fixedList = []
    }
    lastWinner = f
    lastPub = pf
    for (const j of pendingList) {
      const p = pending[j] as RegistryEntry
      entries[j] = { ...p, commitHeight: height }
      registered[j] = 1
      poolDirty = true
      pending[j] = undefined
    }
    pendingList.length = 0
  }

  // Win shares among honest validators.
  const honestIdx = kinds.flatMap((k, i) => (k === undefined ? [i] : []))
  const honestWins = honestIdx.map((i) => wins[i] as number)
  const winShares = winShareReport(honestWins)
  const intervals = (from: number) => {
    const n = blockTimes.length - 1 - from
    return n > 0
      ? ((blockTimes[blockTimes.length - 1] as number) - (blockTimes[from] as number)) / n / 1000
      : Number.NaN
  }
  const steady = intervals(Math.min(warmup, Math.max(blockTimes.length - 2, 0)))
  let honestBlacklisted = 0
  for (const [id] of blacklist.entries()) if (kinds[Number(id.slice(1))] === undefined) honestBlacklisted += 1
  return {
    mode: 'fast',
    seed: options.seed,
    validators: N,
    honestValidators: honestIdx.length,
    blocks: head.height,
    delayMs: options.delayMs,
    settings,
    winShares,
    forks: { orphanedBlocks: orphaned, forkRate: orphaned / (head.height + orphaned || 1) },
    interval: {
      targetSeconds: settings.targetWaitTime,
      meanSeconds: steady,
      ratioToTarget: steady / settings.targetWaitTime,
      warmupBlocks: Math.min(warmup, head.height),
      overallMeanSeconds: intervals(0),
    },
    adversaries: [...outcomes.values()],
    honest: { falseRejections, blacklisted: honestBlacklisted, selfRefusals, keyRotations },
    stalled,
    wallMs: performance.now() - started,
  }
}
