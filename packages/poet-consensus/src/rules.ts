// Block validity policies of poet_block_verifier.py, in its order, plus the timing checks a
// simulated enclave needs (decision 0055). Pure: callers supply what they verified.
import type { ConsensusState } from './consensus-state.js'
import type { PoetSettings } from './settings.js'

/** Why a claim was rejected. */
export type RejectReason =
  | 'malformed'
  | 'unregistered'
  | 'blacklisted'
  | 'wrong-validator'
  | 'bad-signature'
  | 'wrong-previous-certificate'
  | 'wrong-block-digest'
  | 'wrong-local-mean'
  | 'timer-before-parent'
  | 'timer-not-expired'
  | 'timer-timed-out'
  | 'signup-committed-too-late'
  | 'key-block-claim-limit'
  | 'claiming-too-early'
  | 'ztest'
  | 'equivocation'

/** Reasons that prove tampering by the claimant (count toward blacklisting; see {@link BlacklistPolicy}). */
export const CHEATING_REASONS: ReadonlySet<RejectReason> = new Set<RejectReason>([
  'wrong-validator',
  'wrong-previous-certificate',
  'wrong-block-digest',
  'wrong-local-mean',
  'timer-before-parent',
  'timer-not-expired',
  'timer-timed-out',
  'ztest',
])

/** A validator registry entry as the rules need it (Sawtooth ValidatorInfo). */
export interface RegistryEntry {
  readonly poetPublicKey: string
  /** Height of the block whose id is the sign-up nonce. */
  readonly signupHeight: number
  /** Height of the block that committed the registration. */
  readonly commitHeight: number
}

/** Everything the rules look at for one claimed block. */
export interface ClaimCheck {
  readonly validatorId: string
  readonly height: number
  readonly parent: ConsensusState
  readonly entry: RegistryEntry | undefined
  readonly registrySize: number
  readonly blacklisted: boolean
  readonly certificate: {
    readonly duration: number
    readonly localMean: number
    /** Enclave time of the timer request, ms. */
    readonly requestTime: number
    readonly validatorMatches: boolean
    readonly signatureValid: boolean
    readonly previousCertificateMatches: boolean
    readonly blockDigestMatches: boolean
  }
  /** Local-clock checks; omit to skip them (historical blocks). */
  readonly timing?: {
    /** Local time the block arrived, ms. */
    readonly arrival: number
    /** Timestamp of the parent block, ms (the earliest a timer on it can have been requested). */
    readonly parentTimestamp: number
    /** Allowed clock skew plus propagation, ms. */
    readonly toleranceMs: number
    /** Reject certificates that arrive after expiry + T_WT + tolerance (withheld blocks). */
    readonly checkStale: boolean
  }
  /** Set to false to skip the z-test (used by a compromised publisher in the simulator). */
  readonly zTest?: boolean
}

export type ClaimVerdict =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: RejectReason; readonly detail: string }

function reject(reason: RejectReason, detail: string): ClaimVerdict {
  return { valid: false, reason, detail }
}

/** Applies every PoET validity policy; the first failing one is returned. */
export function checkClaim(c: ClaimCheck, settings: PoetSettings): ClaimVerdict {
  const cert = c.certificate
  if (c.blacklisted) return reject('blacklisted', `validator ${c.validatorId} is blacklisted`)
  if (c.entry === undefined) return reject('unregistered', `validator ${c.validatorId} has no registry entry`)
  if (!cert.validatorMatches) return reject('wrong-validator', 'certificate names another validator')
  if (!cert.signatureValid)
    return reject('bad-signature', 'certificate signature does not verify with the registered PoET key')
  if (!cert.previousCertificateMatches)
    return reject('wrong-previous-certificate', "certificate is not bound to the parent's certificate")
  if (!cert.blockDigestMatches) return reject('wrong-block-digest', 'certificate is bound to another block')
  const expected = c.parent.localMean(settings)
  if (!(Math.abs(cert.localMean - expected) <= settings.localMeanTolerance))
    return reject('wrong-local-mean', `local mean ${cert.localMean} != expected ${expected}`)
  if (c.timing !== undefined) {
    const t = c.timing
    const expiry = cert.requestTime + cert.duration * 1000
    if (cert.requestTime + t.toleranceMs < t.parentTimestamp)
      return reject(
        'timer-before-parent',
        `timer requested at ${cert.requestTime} before parent at ${t.parentTimestamp}`,
      )
    if (t.arrival + t.toleranceMs < expiry)
      return reject('timer-not-expired', `arrived at ${t.arrival}, timer expires at ${expiry}`)
    if (t.checkStale && t.arrival > expiry + settings.timerTimeoutPeriod * 1000 + t.toleranceMs)
      return reject(
        'timer-timed-out',
        `arrived at ${t.arrival}, timer timed out at ${expiry + settings.timerTimeoutPeriod * 1000}`,
      )
  }
  if (c.entry.commitHeight - c.entry.signupHeight > settings.signupCommitMaximumDelay + 1)
    return reject(
      'signup-committed-too-late',
      `sign-up at height ${c.entry.signupHeight} committed at ${c.entry.commitHeight}`,
    )
  if (c.parent.keyBlockClaimLimitReached(c.validatorId, c.entry.poetPublicKey, settings))
    return reject('key-block-claim-limit', `PoET key claimed ${settings.keyBlockClaimLimit} blocks; re-register`)
  const claimDelay = Math.min(settings.blockClaimDelay, c.registrySize - 1)
  if (c.parent.totalBlockClaimCount > claimDelay && claimDelay > c.height - c.entry.commitHeight - 1)
    return reject(
      'claiming-too-early',
      `registered at ${c.entry.commitHeight}, claiming ${c.height}, delay ${claimDelay}`,
    )
  if (c.zTest !== false) {
    const z = c.parent.zTest(c.validatorId, cert.localMean, settings)
    if (z !== undefined)
      return reject(
        'ztest',
        `z=${z.zScore.toFixed(3)} at depth ${z.depth}: ${z.observedWins} wins, ${z.expectedWins.toFixed(2)} expected`,
      )
  }
  return { valid: true }
}

/** When rejections turn into a blacklist entry. */
export interface BlacklistPolicy {
  /**
   * Provable misbehaviour blacklists at once: a certificate that does not verify with the
   * registered key, or two certificates from one wait timer (equivocation). Default true.
   */
  readonly onBadSignature: boolean
  /** Number of {@link CHEATING_REASONS} rejections that blacklist a validator. Default 3. */
  readonly strikes: number
}

export const DEFAULT_BLACKLIST_POLICY: BlacklistPolicy = Object.freeze({ onBadSignature: true, strikes: 3 })

/** Local blacklist of validator ids; honest publishers never trip it because they check themselves first. */
export class Blacklist {
  private readonly strikes = new Map<string, number>()
  private readonly listed = new Map<string, RejectReason>()
  constructor(readonly policy: BlacklistPolicy = DEFAULT_BLACKLIST_POLICY) {}

  has(validatorId: string): boolean {
    return this.listed.has(validatorId)
  }
  reason(validatorId: string): RejectReason | undefined {
    return this.listed.get(validatorId)
  }
  get size(): number {
    return this.listed.size
  }
  entries(): IterableIterator<[string, RejectReason]> {
    return this.listed.entries()
  }
  /** Records a rejection; returns true if it blacklisted the validator just now. */
  record(validatorId: string, reason: RejectReason): boolean {
    if (this.listed.has(validatorId)) return false
    if ((reason === 'bad-signature' || reason === 'equivocation') && this.policy.onBadSignature) {
      this.listed.set(validatorId, reason)
      return true
    }
    if (!CHEATING_REASONS.has(reason)) return false
    const n = (this.strikes.get(validatorId) ?? 0) + 1
    this.strikes.set(validatorId, n)
    if (n >= this.policy.strikes) {
      this.listed.set(validatorId, reason)
      return true
    }
    return false
  }
}
