// Management units and Pythia nodes, in process: offers arrive as chained submissions, strategists post
// plans to the strategy order book, Pythia nodes re-run a plan through virtualization units and sign the
// result; a strategy is accepted once a quorum of registered Pythia agree on the same result.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { chainChunks, reassembleChunks, submissionId } from './chained.js'
import { StateDecodeError, StrategyRejectedError, UnknownOfferError } from './errors.js'
import type { Program } from './program.js'
import { decodeProgram, encodeProgram } from './program-codec.js'
import { runSegmented, segmentSync } from './segmentation.js'
import { type ChainProfile, type Constraints, evaluatePlan, type Plan } from './strategist.js'
import { createVirtualizationUnit } from './units.js'

/** What a client offers: bytecode, input, constraints and a step budget. */
export interface Offer {
  readonly id: string
  readonly program: Program
  readonly input: Uint8Array
  readonly constraints: Constraints
  readonly maxSteps: number
}

export interface OfferTerms {
  readonly input?: Uint8Array
  readonly constraints: Constraints
  readonly maxSteps?: number
}

/** The chained submission of an offer: the program image is the payload, the terms (JSON) the metadata. */
export function offerChunks(program: Program, terms: OfferTerms, limit: number): Uint8Array[] {
  const meta = {
    constraints: terms.constraints,
    input: bytesToHex(terms.input ?? new Uint8Array(0)),
    maxSteps: terms.maxSteps ?? 1e8,
  }
  return chainChunks({ metadata: utf8ToBytes(JSON.stringify(meta)), payload: encodeProgram(program) }, limit)
}

function parseTerms(bytes: Uint8Array): { constraints: Constraints; input: Uint8Array; maxSteps: number } {
  let meta: unknown
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new StateDecodeError('offer.metadata', 0, 'JSON', String(cause))
  }
  const m = meta as { constraints?: Constraints; input?: unknown; maxSteps?: unknown }
  if (typeof m.constraints?.maxCost !== 'number')
    throw new StateDecodeError('offer.metadata.constraints', 0, 'an object with maxCost', JSON.stringify(m.constraints))
  if (typeof m.input !== 'string' || !/^([0-9a-f]{2})*$/.test(m.input))
    throw new StateDecodeError('offer.metadata.input', 0, 'a hex string', m.input)
  if (typeof m.maxSteps !== 'number' || !Number.isInteger(m.maxSteps) || m.maxSteps < 1)
    throw new StateDecodeError('offer.metadata.maxSteps', 0, 'a positive integer', m.maxSteps)
  return { constraints: m.constraints, input: hexToBytes(m.input), maxSteps: m.maxSteps }
}

export interface Strategy {
  readonly offerId: string
  readonly strategist: string
  readonly plan: Plan
}

/** SHA-256 (hex) of the offer id and the plan's (size, chain) list: what attestations name. */
export function strategyId(s: Strategy): string {
  const body = JSON.stringify([s.offerId, s.plan.segments.map((x) => [x.size, x.chain])])
  return bytesToHex(sha256(utf8ToBytes(body)))
}

export interface Attestation {
  readonly offerId: string
  readonly strategyId: string
  /** SHA-256 (hex) of final state dump || output || halted byte. */
  readonly resultHash: string
  readonly pythia: string
  readonly signature: string
}

const attestationMessage = (a: Pick<Attestation, 'offerId' | 'strategyId' | 'resultHash'>) =>
  utf8ToBytes(`chainsatlas-dlx/attest/v1:${a.offerId}:${a.strategyId}:${a.resultHash}`)

export interface PythiaNode {
  readonly publicKey: string
  /** Re-runs the strategy's segmentation through in-process virtualization units and signs the result. */
  reexecute(offer: Offer, strategy: Strategy): Attestation
}

/** A Pythia node with the given Ed25519 secret key (32 bytes). */
export function createPythia(secretKey: Uint8Array, name = 'pythia'): PythiaNode {
  const publicKey = bytesToHex(ed25519.getPublicKey(secretKey))
  return {
    publicKey,
    reexecute(offer, strategy) {
      const seg = segmentSync(
        offer.program,
        strategy.plan.segments.map((s) => s.size),
      )
      const res = runSegmented(
        offer.program,
        seg,
        (segment, hop) => createVirtualizationUnit(`${name}/${strategy.plan.segments[segment.index]?.chain}/${hop}`),
        { maxSteps: offer.maxSteps, input: offer.input },
      )
      const h = sha256.create()
      h.update(res.state)
      h.update(res.output)
      h.update(Uint8Array.of(res.halted ? 1 : 0))
      const body = { offerId: offer.id, strategyId: strategyId(strategy), resultHash: bytesToHex(h.digest()) }
      return { ...body, pythia: publicKey, signature: bytesToHex(ed25519.sign(attestationMessage(body), secretKey)) }
    },
  }
}

export type StrategyStatus = 'pending' | 'accepted'

export interface OrderBookEntry {
  readonly strategyId: string
  readonly strategy: Strategy
  readonly score: number
  readonly status: StrategyStatus
  /** Distinct Pythia per result hash. */
  readonly votes: ReadonlyMap<string, ReadonlySet<string>>
}

export interface ManagementUnit {
  /** Verifies and reassembles a chained submission into an offer. */
  submitOffer(chunks: readonly Uint8Array[], limit: number): Offer
  registerPythia(publicKey: string): void
  /** Checks the plan against the offer's constraints and the chain profiles, then books it. */
  proposeStrategy(strategy: Strategy): string
  /** Records a signed attestation; returns the strategy's status afterwards. */
  attest(attestation: Attestation): StrategyStatus
  orderBook(offerId: string): readonly OrderBookEntry[]
  /** The best-scoring accepted strategy of an offer. */
  acceptedStrategy(offerId: string): Strategy | undefined
  offer(offerId: string): Offer
}

export interface ManagementUnitInit {
  readonly profiles: readonly ChainProfile[]
  /** Agreeing Pythia needed; default: more than two thirds of those registered. */
  readonly quorum?: number
}

/**
 * The in-process management unit.
 *
 * @example
 * ```ts
 * const mu = createManagementUnit({ profiles })
 * const offer = mu.submitOffer(offerChunks(program, { constraints }, 1024), 1024)
 * ```
 */
export function createManagementUnit(init: ManagementUnitInit): ManagementUnit {
  const offers = new Map<string, Offer>()
  const book = new Map<string, Map<string, { strategy: Strategy; score: number; votes: Map<string, Set<string>> }>>()
  const pythia = new Set<string>()
  const quorum = () => init.quorum ?? Math.floor((2 * pythia.size) / 3) + 1
  const getOffer = (id: string) => {
    const o = offers.get(id)
    if (o === undefined) throw new UnknownOfferError(id)
    return o
  }
  const statusOf = (votes: Map<string, Set<string>>): StrategyStatus => {
    for (const v of votes.values()) if (v.size >= quorum()) return 'accepted'
    return 'pending'
  }
  return {
    submitOffer(chunks, limit) {
      const sub = reassembleChunks(chunks, limit)
      const terms = parseTerms(sub.metadata)
      const id = submissionId(chunks)
      const offer: Offer = { id, program: decodeProgram(sub.payload), ...terms }
      offers.set(id, offer)
      book.set(id, new Map())
      return offer
    },
    registerPythia(publicKey) {
      if (!/^[0-9a-f]{64}$/.test(publicKey)) throw new StrategyRejectedError('-', `bad Pythia key ${publicKey}`)
      pythia.add(publicKey)
    },
    proposeStrategy(strategy) {
      const offer = getOffer(strategy.offerId)
      const ev = evaluatePlan(offer.program.text.length, strategy.plan.segments, init.profiles, offer.constraints)
      if (ev.violations.length > 0) throw new StrategyRejectedError(offer.id, ev.violations.join('; '))
      const id = strategyId(strategy)
      const entries = book.get(offer.id)!
      if (!entries.has(id)) entries.set(id, { strategy, score: ev.score, votes: new Map() })
      return id
    },
    attest(a) {
      const entries = book.get(a.offerId)
      if (entries === undefined) throw new UnknownOfferError(a.offerId)
      const entry = entries.get(a.strategyId)
      if (entry === undefined) throw new StrategyRejectedError(a.offerId, `unknown strategy ${a.strategyId}`)
      if (!pythia.has(a.pythia))
        throw new StrategyRejectedError(a.offerId, `attestation from unregistered Pythia ${a.pythia}`)
      let valid = false
      try {
        valid = ed25519.verify(hexToBytes(a.signature), attestationMessage(a), hexToBytes(a.pythia))
      } catch {
        valid = false
      }
      if (!valid) throw new StrategyRejectedError(a.offerId, `bad signature from Pythia ${a.pythia}`)
      // One vote per Pythia and strategy: a later vote replaces an earlier one.
      for (const v of entry.votes.values()) v.delete(a.pythia)
      const set = entry.votes.get(a.resultHash) ?? new Set<string>()
      set.add(a.pythia)
      entry.votes.set(a.resultHash, set)
      return statusOf(entry.votes)
    },
    orderBook(offerId) {
      getOffer(offerId)
      return [...book.get(offerId)!.entries()]
        .map(([strategyId, e]) => ({
          strategyId,
          strategy: e.strategy,
          score: e.score,
          status: statusOf(e.votes),
          votes: e.votes,
        }))
        .sort((x, y) => x.score - y.score)
    },
    acceptedStrategy(offerId) {
      return this.orderBook(offerId).find((e) => e.status === 'accepted')?.strategy
    },
    offer: getOffer,
  }
}
