// The full simulator: every validator runs the real engine (poet()), a simulated enclave with
// secp256k1 keys, real certificate bytes and signature checks, on one virtual clock with a
// network delay model. Adversaries tamper with real bytes. Slower than simulate(); meant for
// tens of validators and hundreds of blocks (decision 0057).
import type { BlockHeader, ChainBlock, ChainReader, TimerHandle } from '@atmosphere/interfaces'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { decodeWaitCertificate, encodeCertificateBody, encodeWaitCertificate } from '../codec.js'
import { certificateId, NULL_CERTIFICATE_ID, poetSign, type SimulatedEnclave, simulatedEnclave } from '../enclave.js'
import { defaultHeaderDigest, type PoetEngine, poet } from '../engine.js'
import { SimulatorOptionError } from '../errors.js'
import { memoryRegistry, originatorPublicKeyHash, signupNonce } from '../registry.js'
import type { RejectReason } from '../rules.js'
import { resolveSettings } from '../settings.js'
import type { SimulationOptions } from './fast.js'
import { ADVERSARY_KINDS, type AdversaryKind, type AdversaryOutcome, type SimulationReport } from './report.js'
import { seededRng } from './rng.js'
import { winShareReport } from './stats.js'
import { virtualClock } from './virtual-clock.js'

/** Options of {@link simulateFull}. */
export interface FullSimulationOptions extends SimulationOptions {
  /** Stop after this much virtual time, ms. Default: 10 × blocks × initial wait time. */
  readonly maxVirtualMs?: number
}

interface Node {
  readonly index: number
  readonly id: string
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
  readonly kind: AdversaryKind | undefined
  readonly enclave: SimulatedEnclave
  readonly extraEnclaves: SimulatedEnclave[]
  readonly engine: PoetEngine
  head: ChainBlock
  attempt: TimerHandle | undefined
  readonly seen: Set<string>
  readonly valid: Set<string>
  readonly waiting: Map<string, ChainBlock[]>
}

const ZERO_ID = '00'.repeat(32)

/** Runs the full-engine simulation and returns the same report shape as simulate(). */
export async function simulateFull(options: FullSimulationOptions): Promise<SimulationReport> {
  const started = performance.now()
  const N = options.validators
  if (!Number.isInteger(N) || N < 2)
    throw new SimulatorOptionError('validators', N, 'must be an integer >= 2 in full mode')
  if (!Number.isInteger(options.blocks) || options.blocks < 1)
    throw new SimulatorOptionError('blocks', options.blocks, 'must be >= 1')
  const settings = resolveSettings(options.settings)
  const rng = seededRng(options.seed)
  const clock = virtualClock(0)
  const registry = memoryRegistry()
  const processingMs = options.processingMs ?? 50
  const withholdMs = options.withholdMs ?? 45_000
  const factor = options.compromisedFactor ?? 0.05
  const staleCheck = options.staleCheck ?? true
  const maxVirtualMs = options.maxVirtualMs ?? 10 * options.blocks * settings.initialWaitTime * 1000

  const genesis: ChainBlock = {
    id: ZERO_ID,
    header: {
      height: 0n,
      parentId: ZERO_ID,
      stateRoot: new Uint8Array(32),
      batchIds: [],
      consensus: new Uint8Array(),
      signerPublicKey: new Uint8Array(33),
      timestamp: 0,
    },
    headerSignature: new Uint8Array(),
  }
  const store = new Map<string, ChainBlock>([[genesis.id, genesis]])
  const chain: ChainReader = { getBlock: async (id) => store.get(id), getSetting: async () => undefined }

  const kinds: (AdversaryKind | undefined)[] = new Array(N).fill(undefined)
  let slot = N
  for (const spec of options.adversaries ?? []) {
    if (!ADVERSARY_KINDS.includes(spec.kind)) throw new SimulatorOptionError('adversary', spec.kind, 'unknown kind')
    for (let k = 0; k < spec.count; k++) {
      slot -= 1
      if (slot < 1)
        throw new SimulatorOptionError('adversaries', spec.count, 'need at least one honest validator (validator 0)')
      kinds[slot] = spec.kind
    }
  }

  const nodes: Node[] = []
  for (let i = 0; i < N; i++) {
    const secretKey = secp256k1.utils.randomSecretKey(rng.bytes(48))
    const publicKey = secp256k1.getPublicKey(secretKey, true)
    const id = bytesToHex(publicKey)
    const enclaveInit = {
      clock,
      random: rng.bytes,
      minimumWaitTime: settings.minimumWaitTime,
      timerTimeoutPeriod: settings.timerTimeoutPeriod,
    }
    const enclave = simulatedEnclave(enclaveInit)
    const extraEnclaves =
      kinds[i] === 'multi-enclave'
        ? Array.from({ length: (options.enclaves ?? 4) - 1 }, () =>
            simulatedEnclave({ ...enclaveInit, antiSybilId: enclave.antiSybilId }),
          )
        : []
    const engine = poet({
      settings,
      staleCheck,
      ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
      ...(options.blacklist === undefined ? {} : { blacklist: options.blacklist }),
    })({ enclave, registry })
    registry.register({
      validatorId: id,
      signupInfo: enclave.createSignupInfo(originatorPublicKeyHash(id), signupNonce(genesis.id)),
      signupBlockId: genesis.id,
      signupHeight: 0,
      commitHeight: 0,
    })
    // The extra enclaves sign up too, but their keys never reach the registry (one entry per anti-Sybil id).
    for (const extra of extraEnclaves) extra.createSignupInfo(originatorPublicKeyHash(id), signupNonce(genesis.id))
    await engine.initialize({
      chainHead: genesis,
      chain,
      clock,
      signer: { scheme: 'secp256k1', publicKey, sign: (m) => secp256k1.sign(m, secretKey) },
    })
    nodes.push({
      index: i,
      id,
      publicKey,
      secretKey,
      kind: kinds[i],
      enclave,
      extraEnclaves,
      engine,
      head: genesis,
      attempt: undefined,
      seen: new Set([genesis.id]),
      valid: new Set([genesis.id]),
      waiting: new Map(),
    })
  }
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const observer = nodes[0] as Node
  const outcomes = new Map<string, AdversaryOutcome>()
  for (const n of nodes)
    if (n.kind !== undefined)
      outcomes.set(n.id, {
        kind: n.kind,
        validatorId: n.id,
        published: 0,
        accepted: 0,
        inChain: 0,
        rejected: 0,
        reasons: {},
        firstRejectedAtHeight: null,
        blacklistedAtHeight: null,
      })
  const selfRefusals: Record<string, number> = {}
  let falseRejections = 0
  let keyRotations = 0

  const draft = (node: Node, parent: ChainBlock): BlockHeader => ({
    height: parent.header.height + 1n,
    parentId: parent.id,
    stateRoot: new Uint8Array(32),
    batchIds: [],
    consensus: new Uint8Array(),
    signerPublicKey: node.publicKey,
    timestamp: clock.now(),
  })
  const seal = (node: Node, header: BlockHeader, consensus: Uint8Array): ChainBlock => {
    const full = { ...header, consensus }
    const message = new Uint8Array(64)
    message.set(defaultHeaderDigest(header), 0)
    message.set(sha256(consensus), 32)
    const headerSignature = secp256k1.sign(message, node.secretKey)
    const block = { id: bytesToHex(sha256(headerSignature)), header: full, headerSignature }
    store.set(block.id, block)
    return block
  }
  const certIdOf = (block: ChainBlock) =>
    block.header.consensus.length === 0
      ? NULL_CERTIFICATE_ID
      : certificateId(decodeWaitCertificate(block.header.consensus).certificate)

  const broadcast = (from: Node, block: ChainBlock, extraDelay = 0) => {
    for (const n of nodes) {
      if (n === from) continue
      clock.setTimeout(() => receive(n, block), extraDelay + options.delayMs * (0.5 + rng.next()))
    }
  }
  const publish = async (node: Node, block: ChainBlock, hold = 0) => {
    await receive(node, block)
    broadcast(node, block, hold)
  }

  async function receive(node: Node, block: ChainBlock): Promise<void> {
    if (node.seen.has(block.id)) return
    if (!node.seen.has(block.header.parentId)) {
      const list = node.waiting.get(block.header.parentId) ?? []
      list.push(block)
      node.waiting.set(block.header.parentId, list)
      return
    }
    node.seen.add(block.id)
    const signer = bytesToHex(block.header.signerPublicKey)
    const wasListed = node.engine.blacklist.has(signer)
    const verdict = await node.engine.blockReceived(block)
    if (node.kind === undefined && !verdict.valid && byId.get(signer)?.kind === undefined) falseRejections += 1
    if (node === observer) {
      const out = outcomes.get(signer)
      if (out !== undefined) {
        out.published += 1
        if (verdict.valid) out.accepted += 1
        else {
          out.rejected += 1
          const reason = verdict.reason.split(':')[0] as RejectReason
          out.reasons[reason] = (out.reasons[reason] ?? 0) + 1
          out.firstRejectedAtHeight ??= Number(node.head.header.height)
          if (!wasListed && node.engine.blacklist.has(signer)) out.blacklistedAtHeight = Number(node.head.header.height)
        }
      }
    }
    if (verdict.valid) {
      node.valid.add(block.id)
      if ((await node.engine.compareForks(node.head, block)) === 'switch') await setHead(node, block)
    }
    const children = node.waiting.get(block.id)
    if (children !== undefined) {
      node.waiting.delete(block.id)
      for (const child of children) await receive(node, child)
    }
  }

  async function setHead(node: Node, block: ChainBlock): Promise<void> {
    node.head = block
    node.attempt?.cancel()
    await node.engine.chainHeadUpdated(block)
    node.attempt = clock.setTimeout(() => attempt(node), processingMs / (options.shares?.[node.index] ?? 1))
  }

  async function attempt(node: Node): Promise<void> {
    node.attempt = undefined
    const head = node.head
    switch (node.kind) {
      case undefined:
      case 'equivocate':
      case 'withhold': {
        const header = draft(node, head)
        const decision = await node.engine.shouldPublish({ parent: head, digest: defaultHeaderDigest(header) })
        if (decision.publish) {
          await publish(node, seal(node, header, decision.consensus), node.kind === 'withhold' ? withholdMs : 0)
          if (node.kind === 'equivocate') {
            // A second block on the same timer: same timer fields, new nonce and digest, signed
            // with the PoET key a simulated enclave cannot hide.
            const { certificate } = decodeWaitCertificate(decision.consensus)
            const twin = { ...header, timestamp: header.timestamp + 1 }
            const { signature: _s, ...body } = certificate
            const twinBody = { ...body, nonce: rng.bytes(32), blockDigest: defaultHeaderDigest(twin) }
            const consensus = encodeWaitCertificate({
              ...twinBody,
              signature: poetSign(encodeCertificateBody(twinBody), node.enclave.poetSecretKey as Uint8Array),
            })
            broadcast(node, seal(node, twin, consensus))
          }
        } else if (decision.retryAfterMs !== undefined) {
          node.attempt = clock.setTimeout(() => attempt(node), decision.retryAfterMs)
        } else if (
          node.engine.blocker === 'key-block-claim-limit' &&
          registry.get(node.id)?.poetPublicKey === bytesToHex(node.enclave.poetPublicKey as Uint8Array)
        ) {
          // The registry's newest entry still holds the exhausted key: sign up again. (Once the
          // new entry is recorded, the old key stays in force until the commit block is built on.)
          const h = Number(head.header.height)
          registry.register({
            validatorId: node.id,
            signupInfo: node.engine.signUp(head.id),
            signupBlockId: head.id,
            signupHeight: h,
            commitHeight: h + 1,
          })
          if (node.kind === undefined) keyRotations += 1
        } else if (node.kind === undefined && node.engine.blocker !== undefined) {
          selfRefusals[node.engine.blocker] = (selfRefusals[node.engine.blocker] ?? 0) + 1
        }
        return
      }
      case 'replay': {
        if (head.header.consensus.length === 0) return
        await publish(node, seal(node, draft(node, head), head.header.consensus))
        return
      }
      case 'multi-enclave': {
        const state = node.engine.consensusState(head.id)
        if (state === undefined) return
        const mean = state.localMean(node.engine.settings)
        const all = [node.enclave, ...node.extraEnclaves]
        const timers = all.map((e) => e.createWaitTimer(node.publicKey, certIdOf(head), mean))
        let best = 0
        timers.forEach((t, k) => {
          if (t.duration < (timers[best] as typeof t).duration) best = k
        })
        const timer = timers[best] as (typeof timers)[number]
        node.attempt = clock.setTimeout(async () => {
          if (node.head !== head) return
          const header = draft(node, head)
          const cert = (all[best] as SimulatedEnclave).createWaitCertificate(timer, defaultHeaderDigest(header))
          await publish(node, seal(node, header, encodeWaitCertificate(cert)))
        }, timer.duration * 1000)
        return
      }
      default: {
        // early-claim, forge, compromised: bypass the enclave with the key it cannot hide.
        const state = node.engine.consensusState(head.id)
        if (state === undefined) return
        const timer = node.enclave.createWaitTimer(
          node.publicKey,
          certIdOf(head),
          state.localMean(node.engine.settings),
        )
        const duration =
          node.kind === 'forge'
            ? settings.minimumWaitTime
            : node.kind === 'compromised'
              ? settings.minimumWaitTime + (timer.duration - settings.minimumWaitTime) * factor
              : timer.duration
        const key =
          node.kind === 'forge'
            ? secp256k1.utils.randomSecretKey(rng.bytes(48))
            : (node.enclave.poetSecretKey as Uint8Array)
        const waitMs = node.kind === 'early-claim' ? 0 : duration * 1000
        node.attempt = clock.setTimeout(async () => {
          if (node.head !== head) return
          const header = draft(node, head)
          const { signature: _s, ...timerBody } = timer
          const body = { ...timerBody, duration, nonce: rng.bytes(32), blockDigest: defaultHeaderDigest(header) }
          const consensus = encodeWaitCertificate({ ...body, signature: poetSign(encodeCertificateBody(body), key) })
          await publish(node, seal(node, header, consensus))
        }, waitMs)
      }
    }
  }

  for (const n of nodes) n.attempt = clock.setTimeout(() => attempt(n), processingMs)
  while (observer.head.header.height < BigInt(options.blocks) && clock.now() < maxVirtualMs) {
    if (!(await clock.next())) break
  }
  const stalled = observer.head.header.height < BigInt(options.blocks)

  // Canonical chain as the observer sees it.
  const chainBlocks: ChainBlock[] = []
  for (let b = observer.head; b.header.height > 0n; b = store.get(b.header.parentId) as ChainBlock) chainBlocks.push(b)
  chainBlocks.reverse()
  const onChain = new Set(chainBlocks.map((b) => b.id))
  const wins = new Map<string, number>()
  for (const b of chainBlocks) {
    const signer = bytesToHex(b.header.signerPublicKey)
    wins.set(signer, (wins.get(signer) ?? 0) + 1)
    const out = outcomes.get(signer)
    if (out !== undefined) out.inChain += 1
  }
  const honest = nodes.filter((n) => n.kind === undefined)
  const honestWins = honest.map((n) => wins.get(n.id) ?? 0)
  const winShares = winShareReport(honestWins)
  const times = [0, ...chainBlocks.map((b) => b.header.timestamp)]
  const warmup = Math.min(
    options.warmupBlocks ?? 2 * settings.populationEstimateSampleSize,
    Math.max(times.length - 2, 0),
  )
  const mean = (from: number) =>
    ((times[times.length - 1] as number) - (times[from] as number)) / Math.max(times.length - 1 - from, 1) / 1000
  let orphaned = 0
  for (const id of observer.valid) if (id !== genesis.id && !onChain.has(id)) orphaned += 1
  let honestBlacklisted = 0
  for (const n of honest) for (const m of honest) if (m.engine.blacklist.has(n.id)) honestBlacklisted += 1
  return {
    mode: 'full',
    seed: options.seed,
    validators: N,
    honestValidators: honest.length,
    blocks: chainBlocks.length,
    delayMs: options.delayMs,
    settings,
    winShares,
    forks: { orphanedBlocks: orphaned, forkRate: orphaned / (chainBlocks.length + orphaned || 1) },
    interval: {
      targetSeconds: settings.targetWaitTime,
      meanSeconds: mean(warmup),
      ratioToTarget: mean(warmup) / settings.targetWaitTime,
      warmupBlocks: warmup,
      overallMeanSeconds: mean(0),
    },
    adversaries: [...outcomes.values()],
    honest: { falseRejections, blacklisted: honestBlacklisted, selfRefusals, keyRotations },
    stalled,
    wallMs: performance.now() - started,
  }
}
