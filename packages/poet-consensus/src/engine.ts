// The PoET engine behind @atmosphere/interfaces ConsensusEngine, in the js-libp2p factory
// shape poet(init)(components). Publishing follows poet_block_publisher.py (self-checks,
// then wait timer, then certificate); verification poet_block_verifier.py; fork choice
// poet_fork_resolver.py.
import type {
  BlockCandidate,
  BlockHeader,
  BlockVerdict,
  ChainBlock,
  ConsensusContext,
  ConsensusEngine,
  ForkChoice,
  PublishDecision,
} from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import {
  decodeWaitCertificate,
  encodeWaitCertificate,
  type SignupInfo,
  type WaitCertificate,
  type WaitTimer,
} from './codec.js'
import { ConsensusState } from './consensus-state.js'
import { certificateId, NULL_CERTIFICATE_ID, type PoetEnclave, poetVerify } from './enclave.js'
import { DecodeError, NotInitializedError, UnknownBlockError } from './errors.js'
import { resolveFork } from './fork-resolver.js'
import { originatorPublicKeyHash, signupNonce, type ValidatorRegistry } from './registry.js'
import { Blacklist, type BlacklistPolicy, checkClaim, DEFAULT_BLACKLIST_POLICY, type RejectReason } from './rules.js'
import { type PoetSettings, readSettings, resolveSettings } from './settings.js'

/** Configuration of {@link poet}. */
export interface PoetInit {
  /** Overrides of Sawtooth's defaults; on-chain `sawtooth.poet.*` settings override these in turn. */
  readonly settings?: Partial<PoetSettings>
  /** Clock skew plus propagation allowed by the timing checks, ms. Default 1000. */
  readonly toleranceMs?: number
  /**
   * Reject certificates arriving after expiry + T_WT (withheld blocks). Default false: a node
   * catching up after downtime receives old blocks legitimately (decision 0055).
   */
  readonly staleCheck?: boolean
  /** Apply the arrival-time checks at all. Default true. */
  readonly timingChecks?: boolean
  readonly blacklist?: Partial<BlacklistPolicy>
}

/** Ports the engine runs on. */
export interface PoetComponents {
  /** The TEE (or {@link simulatedEnclave}). */
  readonly enclave: PoetEnclave
  /** Validator registry view. */
  readonly registry: ValidatorRegistry
  /**
   * Digest of a header without its consensus bytes; must be the function the chain driver
   * uses for BlockCandidate.digest. Defaults to {@link defaultHeaderDigest}.
   */
  readonly headerDigest?: (header: BlockHeader) => Uint8Array
}

/** Why the engine will not publish right now (for operators and the simulator). */
export type PublishBlocker =
  | 'unregistered'
  | 'key-block-claim-limit'
  | 'claiming-too-early'
  | 'ztest'
  | 'signup-committed-too-late'

/** The PoET engine: a ConsensusEngine plus PoET-specific views. */
export interface PoetEngine extends ConsensusEngine {
  readonly name: 'poet'
  /** Settings in force (defaults, init overrides, then on-chain values at initialize). */
  readonly settings: PoetSettings
  /** Asks the enclave for new sign-up info bound to `blockId` (submit it to the registry). */
  signUp(blockId: string): SignupInfo
  /** Why the last shouldPublish declined to start a timer, if it did. */
  readonly blocker: PublishBlocker | undefined
  /** The local blacklist. */
  readonly blacklist: Blacklist
  /** Consensus state of a known block (aggregate local mean, claim counts). */
  consensusState(blockId: string): ConsensusState | undefined
  /** Counts of rejections by reason since start. */
  readonly rejections: ReadonlyMap<RejectReason, number>
}

const enc = new TextEncoder()

/** sha256 over the header fields except `consensus`, each length-prefixed (decision 0051). */
export function defaultHeaderDigest(header: BlockHeader): Uint8Array {
  const h = sha256.create()
  const put = (b: Uint8Array) => {
    const len = new Uint8Array(4)
    new DataView(len.buffer).setUint32(0, b.length)
    h.update(len)
    h.update(b)
  }
  put(enc.encode(header.height.toString()))
  put(enc.encode(header.parentId))
  put(header.stateRoot)
  put(enc.encode(header.batchIds.join(',')))
  put(header.signerPublicKey)
  put(enc.encode(String(header.timestamp)))
  return h.digest()
}

interface Known {
  readonly state: ConsensusState
  readonly certificate: WaitCertificate | undefined
  readonly certificateId: Uint8Array
}

/**
 * Creates a PoET engine factory.
 * @example
 * ```ts
 * const engine = poet({ settings: { targetWaitTime: 5 } })({ enclave, registry })
 * await engine.initialize({ chainHead, chain, clock, signer })
 * ```
 */
export function poet(init: PoetInit = {}): (components: PoetComponents) => PoetEngine {
  const base = resolveSettings(init.settings)
  const toleranceMs = init.toleranceMs ?? 1000
  return (components) => {
    const digestOf = components.headerDigest ?? defaultHeaderDigest
    const known = new Map<string, Known>()
    const rejections = new Map<RejectReason, number>()
    /** First certificate id seen per (signer, previous certificate id): one timer, one certificate. */
    const issued = new Map<string, string>()
    const blacklist = new Blacklist({ ...DEFAULT_BLACKLIST_POLICY, ...init.blacklist })
    let ctx: ConsensusContext | undefined
    let settings = base
    let myId = ''
    let myIdBytes: Uint8Array = new Uint8Array(33)
    let timer: { parentId: string; timer: WaitTimer } | undefined
    let blocker: PublishBlocker | undefined

    const context = (hook: string): ConsensusContext => {
      if (ctx === undefined) throw new NotInitializedError(hook)
      return ctx
    }

    /** Consensus state for a block, replaying certificates back to the nearest known block. */
    async function knownFor(block: ChainBlock): Promise<Known> {
      const hit = known.get(block.id)
      if (hit !== undefined) return hit
      const path: ChainBlock[] = []
      let cursor: ChainBlock | undefined = block
      let anchor: Known | undefined
      while (cursor !== undefined) {
        const k = known.get(cursor.id)
        if (k !== undefined) {
          anchor = k
          break
        }
        if (cursor.header.consensus.length === 0) {
          // A non-PoET block (genesis): consensus state restarts here.
          anchor = {
            state: ConsensusState.genesis(cursor.id, Number(cursor.header.height)),
            certificate: undefined,
            certificateId: NULL_CERTIFICATE_ID,
          }
          known.set(cursor.id, anchor)
          break
        }
        path.push(cursor)
        const parentId: string = cursor.header.parentId
        cursor = await context('knownFor').chain.getBlock(parentId)
        if (cursor === undefined) throw new UnknownBlockError(parentId)
      }
      let current = anchor as Known
      for (let i = path.length - 1; i >= 0; i--) {
        const b = path[i] as ChainBlock
        const { certificate } = decodeWaitCertificate(b.header.consensus)
        const signer = bytesToHex(b.header.signerPublicKey)
        current = {
          state: current.state.extend(b.id, Number(b.header.height), {
            validatorId: signer,
            poetPublicKey: components.registry.get(signer, Number(b.header.height))?.poetPublicKey ?? '',
            duration: certificate.duration,
            localMean: certificate.localMean,
          }),
          certificate,
          certificateId: certificateId(certificate),
        }
        known.set(b.id, current)
      }
      return current
    }

    async function parentOf(block: ChainBlock): Promise<ChainBlock> {
      const parent = await context('blockReceived').chain.getBlock(block.header.parentId)
      if (parent === undefined) throw new UnknownBlockError(block.header.parentId)
      return parent
    }

    const count = (reason: RejectReason) => rejections.set(reason, (rejections.get(reason) ?? 0) + 1)

    const engine: PoetEngine = {
      name: 'poet',
      version: '1.0',
      get settings() {
        return settings
      },
      get blocker() {
        return blocker
      },
      blacklist,
      rejections,
      consensusState: (id) => known.get(id)?.state,

      async initialize(c) {
        ctx = c
        myIdBytes = c.signer.publicKey
        myId = bytesToHex(myIdBytes)
        settings = await readSettings((key) => c.chain.getSetting(key, c.chainHead.id), base)
        await knownFor(c.chainHead)
      },

      async chainHeadUpdated(head) {
        context('chainHeadUpdated')
        if (timer !== undefined && timer.parentId !== head.id) timer = undefined
        await knownFor(head)
      },

      signUp(blockId) {
        context('signUp')
        return components.enclave.createSignupInfo(originatorPublicKeyHash(myId), signupNonce(blockId))
      },

      async blockReceived(block): Promise<BlockVerdict> {
        const c = context('blockReceived')
        const arrival = c.clock.now()
        let decoded: ReturnType<typeof decodeWaitCertificate>
        try {
          decoded = decodeWaitCertificate(block.header.consensus)
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error
          count('malformed')
          return { valid: false, reason: `malformed: ${error.shortMessage}` }
        }
        const { certificate, body } = decoded
        const parent = await parentOf(block)
        const parentKnown = await knownFor(parent)
        const signer = bytesToHex(block.header.signerPublicKey)
        const entry = components.registry.get(signer, Number(block.header.height))
        const verdict = checkClaim(
          {
            validatorId: signer,
            height: Number(block.header.height),
            parent: parentKnown.state,
            entry,
            registrySize: components.registry.size,
            blacklisted: blacklist.has(signer),
            certificate: {
              duration: certificate.duration,
              localMean: certificate.localMean,
              requestTime: certificate.requestTime,
              validatorMatches: bytesToHex(certificate.validatorId) === signer,
              // Lazy: blacklisted or unregistered signers never cost a signature check.
              get signatureValid() {
                return entry !== undefined && poetVerify(certificate.signature, body, hexToBytes(entry.poetPublicKey))
              },
              previousCertificateMatches:
                bytesToHex(certificate.previousCertificateId) === bytesToHex(parentKnown.certificateId),
              blockDigestMatches: bytesToHex(certificate.blockDigest) === bytesToHex(digestOf(block.header)),
            },
            ...(init.timingChecks === false
              ? {}
              : {
                  timing: {
                    arrival,
                    parentTimestamp: parent.header.consensus.length === 0 ? 0 : parent.header.timestamp,
                    toleranceMs,
                    checkStale: init.staleCheck ?? false,
                  },
                }),
          },
          settings,
        )
        if (!verdict.valid) {
          count(verdict.reason)
          blacklist.record(signer, verdict.reason)
          return { valid: false, reason: `${verdict.reason}: ${verdict.detail}` }
        }
        // Two valid certificates on one parent from one validator come from one wait timer:
        // the enclave's one-certificate-per-timer rule was bypassed (decision 0056).
        const timerKey = `${signer}:${bytesToHex(certificate.previousCertificateId)}`
        const thisId = bytesToHex(certificateId(certificate))
        const firstId = issued.get(timerKey)
        if (firstId !== undefined && firstId !== thisId) {
          count('equivocation')
          blacklist.record(signer, 'equivocation')
          return {
            valid: false,
            reason: `equivocation: a second certificate for the timer on ${bytesToHex(certificate.previousCertificateId)}`,
          }
        }
        issued.set(timerKey, thisId)
        if (!known.has(block.id)) {
          known.set(block.id, {
            state: parentKnown.state.extend(block.id, Number(block.header.height), {
              validatorId: signer,
              poetPublicKey: entry?.poetPublicKey ?? '',
              duration: certificate.duration,
              localMean: certificate.localMean,
            }),
            certificate,
            certificateId: certificateId(certificate),
          })
        }
        return { valid: true }
      },

      async shouldPublish(candidate: BlockCandidate): Promise<PublishDecision> {
        const c = context('shouldPublish')
        const parent = await knownFor(candidate.parent)
        const height = Number(candidate.parent.header.height) + 1
        const entry = components.registry.get(myId, height)
        blocker = undefined
        if (entry === undefined) blocker = 'unregistered'
        else if (entry.commitHeight - entry.signupHeight > settings.signupCommitMaximumDelay + 1)
          blocker = 'signup-committed-too-late'
        else if (parent.state.keyBlockClaimLimitReached(myId, entry.poetPublicKey, settings))
          blocker = 'key-block-claim-limit'
        else {
          const delay = Math.min(settings.blockClaimDelay, components.registry.size - 1)
          if (parent.state.totalBlockClaimCount > delay && delay > height - entry.commitHeight - 1)
            blocker = 'claiming-too-early'
          else if (parent.state.zTest(myId, parent.state.localMean(settings), settings) !== undefined) blocker = 'ztest'
        }
        if (blocker !== undefined) {
          timer = undefined
          return { publish: false }
        }
        const now = c.clock.now()
        if (
          timer === undefined ||
          timer.parentId !== candidate.parent.id ||
          now > expiry(timer.timer) + settings.timerTimeoutPeriod * 1000
        ) {
          timer = {
            parentId: candidate.parent.id,
            timer: components.enclave.createWaitTimer(
              myIdBytes,
              parent.certificateId,
              parent.state.localMean(settings),
            ),
          }
        }
        const due = expiry(timer.timer)
        if (now < due) return { publish: false, retryAfterMs: due - now }
        const certificate = components.enclave.createWaitCertificate(timer.timer, candidate.digest)
        timer = undefined
        return { publish: true, consensus: encodeWaitCertificate(certificate) }
      },

      async compareForks(current, candidate): Promise<ForkChoice> {
        context('compareForks')
        const cur = await knownFor(current)
        const cand = await knownFor(candidate)
        return resolveFork(
          {
            id: current.id,
            parentId: current.header.parentId,
            duration: cur.certificate?.duration,
            aggregateLocalMean: cur.state.aggregateLocalMean,
            headerSignature: current.headerSignature,
          },
          {
            id: candidate.id,
            parentId: candidate.header.parentId,
            duration: cand.certificate?.duration,
            aggregateLocalMean: cand.state.aggregateLocalMean,
            headerSignature: candidate.headerSignature,
          },
        )
      },
    }
    return engine
  }
}

function expiry(timer: WaitTimer): number {
  return timer.requestTime + timer.duration * 1000
}
