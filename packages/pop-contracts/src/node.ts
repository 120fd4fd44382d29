// One party's PoP engine (paper §2-§6; docs/pop.md §3-§6): signs and opens the contract,
// executes its jobs phase by phase, accepts only what the contract arranges (OAOR), repairs
// loss with retransmission requests and runs the Byzantine channel (recovery, violation,
// voting). Pure logic over injected ports: transport, clock, randomness.
import type { Clock, TimerHandle, Transport, Unsubscribe } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import { type Contract, signContract, verifyContractSignature } from './contract.js'
import { crc32 } from './crc32.js'
import {
  ChannelClosedError,
  ContractSignatureInvalidError,
  InvalidEvidenceError,
  MalformedUnitError,
  NotAddressedError,
  OutOfContractError,
  PayloadCrcMismatchError,
  PopError,
  StaleControlError,
  StatementSignatureInvalidError,
  UnitSignatureInvalidError,
  UnknownContractError,
  UnknownPartyError,
} from './errors.js'
import { checkLevel2Arranged, checkLevel2Privilege } from './evidence.js'
import { bytesToHex, equalBytes, type Identity } from './identity.js'
import { PhaseMachine } from './phase.js'
import type { Random } from './ports.js'
import {
  checkViolation,
  convictionThreshold,
  hoursDigest,
  normalizeViolation,
  type Receipt,
  signJob,
  signReceipt,
  signVote,
  type ViolationEvidence,
  verifyJob,
  verifyReceipt,
  verifyVote,
} from './statements.js'
import { Reassembly, ReceiveStream, SendStream } from './stream.js'
import {
  AccusationKind,
  decodeHalf,
  decodePayload,
  encodePayload,
  encodeUnit,
  Item,
  isControlType,
  type PayloadOf,
  type UnitHeader,
  UnitType,
  type UnitTypeName,
  unitCrc,
  unitTypeName,
  verifyUnitSignature,
} from './wire.js'

/** Timing and buffer parameters (defaults in {@link DEFAULT_PARAMS}; docs/pop.md §6). */
export interface PopParams {
  /** Period of the stall check. */
  readonly tickMs: number
  /** Wait before a retransmission request, and between two requests to the same peer. */
  readonly retransmitAfterMs: number
  /** Retransmission requests to a silent party before the recovery request (after its deadline). */
  readonly maxRetransmits: number
  /** Wait after a recovery request before the silence accusation. */
  readonly recoveryTimeoutMs: number
  /** Age after which an unpaired datagram half is dropped. */
  readonly reassemblyTimeoutMs: number
  /** Most unpaired halves kept. */
  readonly maxPendingHalves: number
  /** Wait between receiving a silence accusation and voting, so the accused can defend itself. */
  readonly voteDelayMs: number
}
export const DEFAULT_PARAMS: PopParams = {
  tickMs: 100,
  retransmitAfterMs: 400,
  maxRetransmits: 3,
  recoveryTimeoutMs: 1500,
  reassemblyTimeoutMs: 10_000,
  maxPendingHalves: 4096,
  voteDelayMs: 800,
}

/** Deliberate misbehaviour, for tests and the simulator only. */
export interface Misbehaviour {
  /** Send a different message to each recipient of these jobs (contradictory signed messages). */
  readonly equivocate?: readonly { readonly phase: number; readonly job: number }[]
  /** Never send these jobs. */
  readonly silentJobs?: readonly { readonly phase: number; readonly job: number }[]
}

/** Ports the engine runs on. */
export interface PopComponents<A> {
  readonly transport: Transport<A>
  readonly clock: Clock
  readonly random: Random
}

/** What a node needs to know. */
export interface PopNodeInit<A> {
  readonly contract: Contract
  readonly identity: Identity
  /** Transport address of each party, by party index. */
  readonly endpoints: readonly A[]
  readonly params?: Partial<PopParams>
  /** Bytes the actor delivers for a job; default: the job's action text. */
  readonly jobData?: (phase: number, job: number) => Uint8Array
  readonly misbehave?: Misbehaviour
  readonly onEvent?: (event: PopEvent) => void
}

/** Everything a node reports, in order (the CLI logs these as JSON lines). */
export type PopEvent =
  | { readonly type: 'signature'; readonly party: number }
  | { readonly type: 'open' }
  | { readonly type: 'phase-open'; readonly phase: number }
  | { readonly type: 'job-sent'; readonly phase: number; readonly job: number; readonly to: readonly number[] }
  | {
      readonly type: 'channel-closed'
      readonly phase: number
      readonly job: number
      readonly recipient: number
      readonly via: 'job' | 'receipt' | 'recovery'
    }
  | { readonly type: 'rejected'; readonly error: string; readonly message: string; readonly from?: number }
  | {
      readonly type: 'retransmit-request'
      readonly to: number
      readonly expectFrom: number
      readonly missing: readonly number[]
    }
  | { readonly type: 'retransmitted'; readonly to: number; readonly seqs: readonly number[] }
  | {
      readonly type: 'recovery-request'
      readonly subject: number
      readonly phase: number
      readonly job: number
      readonly item: number
    }
  | { readonly type: 'recovery-response'; readonly to: number; readonly phase: number; readonly job: number }
  | {
      readonly type: 'accusation'
      readonly id: string
      readonly kind: 'violation' | 'silence'
      readonly subject: number
      readonly by: number
    }
  | { readonly type: 'vote'; readonly id: string; readonly voter: number; readonly guilty: boolean }
  | { readonly type: 'faulty'; readonly party: number; readonly accusation: string }
  | { readonly type: 'acquitted'; readonly party: number; readonly accusation: string }
  | { readonly type: 'close-received'; readonly party: number }
  | { readonly type: 'closed'; readonly hours: readonly number[]; readonly faulty: readonly number[] }

/** Counters of a node's traffic; `dropped` is keyed by error name. */
export interface PopStats {
  datagramsSent: number
  datagramsReceived: number
  unitsSent: number
  unitsAccepted: number
  unitsRetransmitted: number
  retransmitRequestsSent: number
  dropped: Record<string, number>
}

/** The state of another party's channels as answered to a status request. */
export interface ChannelStatus {
  readonly party: number
  /** Channel indices the responder knows closed. */
  readonly closed: readonly number[]
  readonly faulty: readonly number[]
  /** The responder's next expected sequence number from us (its acknowledgement). */
  readonly expectFrom: number
}

/** What a closed contract leaves behind: the evidence for the hours ledger. */
export interface ContractOutcome {
  readonly contract: Contract
  readonly signatures: readonly Uint8Array[]
  readonly receipts: readonly Receipt[]
  readonly violations: readonly ViolationEvidence[]
  readonly faulty: readonly number[]
  readonly hours: readonly number[]
}

interface Accusation {
  readonly id: Uint8Array
  readonly idHex: string
  readonly subject: number
  readonly payload: PayloadOf<'Accusation'>
  readonly votes: Map<number, { guilty: boolean; sig: Uint8Array }>
  decided: boolean
}

interface Wait {
  attempts: number
  lastProbe: number
  recoveryAt?: number
  accused?: boolean
}

/** The engine's public handle. */
export interface PopNode {
  readonly me: number
  readonly machine: PhaseMachine
  readonly stats: PopStats
  readonly faulty: ReadonlySet<number>
  /** Resolves when the contract is closed by every non-faulty party. */
  readonly closed: Promise<ContractOutcome>
  readonly isClosed: boolean
  /** True when every peer acknowledged everything this node sent. */
  readonly allAcknowledged: boolean
  /** Signs the contract and starts the exchange. */
  start(): void
  stop(): void
  /** Asks one party for its channel state with one unicast request (paper §6). */
  queryStatus(party: number): Promise<ChannelStatus>
}

/** Creates a party engine (js-libp2p shape: `popNode(init)(components)`). */
export function popNode<A>(init: PopNodeInit<A>): (components: PopComponents<A>) => PopNode {
  return (components) => new Engine(init, components)
}

class Engine<A> implements PopNode {
  readonly me: number
  readonly machine: PhaseMachine
  readonly stats: PopStats = {
    datagramsSent: 0,
    datagramsReceived: 0,
    unitsSent: 0,
    unitsAccepted: 0,
    unitsRetransmitted: 0,
    retransmitRequestsSent: 0,
    dropped: {},
  }
  readonly faulty = new Set<number>()
  readonly closed: Promise<ContractOutcome>
  #resolveClosed!: (o: ContractOutcome) => void
  readonly #c: Contract
  readonly #id: Identity
  readonly #p: PopParams
  readonly #ports: PopComponents<A>
  readonly #init: PopNodeInit<A>
  readonly #n: number
  readonly #send: SendStream[]
  readonly #recv: ReceiveStream[]
  readonly #ack: number[]
  readonly #lastControlIn: number[]
  readonly #lastProbe: number[]
  #controlCounter = 0
  readonly #reasm: Reassembly
  readonly #signatures: (Uint8Array | undefined)[]
  readonly #phaseOpenedAt: number[] = []
  readonly #statements = new Map<string, Map<string, { digest: Uint8Array; sig: Uint8Array }>>()
  readonly #jobData = new Map<number, { digest: Uint8Array; jobSig: Uint8Array; data: Uint8Array }>()
  /** Job data held for jobs this party acts in or learnt through recovery, by "phase/job". */
  readonly #heldData = new Map<string, { digest: Uint8Array; jobSig: Uint8Array; data: Uint8Array }>()
  readonly #receipts = new Map<number, Receipt>()
  readonly #pendingJobs = new Map<number, PayloadOf<'Job'>>()
  readonly #pendingReceipts = new Map<number, Receipt>()
  readonly #waits = new Map<number, Wait>()
  readonly #accusations = new Map<string, Accusation>()
  readonly #earlyVotes = new Map<string, { voter: number; p: PayloadOf<'Vote'> }[]>()
  readonly #accusedKeys = new Set<string>()
  readonly #violations: ViolationEvidence[] = []
  readonly #sentJobs = new Set<string>()
  readonly #closes = new Set<number>()
  readonly #statusWaiters = new Map<number, ((s: ChannelStatus) => void)[]>()
  #closeSent = false
  #isClosed = false
  #started = false
  #timer: TimerHandle | undefined
  #unsubscribe: Unsubscribe | undefined

  constructor(init: PopNodeInit<A>, ports: PopComponents<A>) {
    this.#init = init
    this.#c = init.contract
    this.#id = init.identity
    this.#p = { ...DEFAULT_PARAMS, ...init.params }
    this.#ports = ports
    this.#n = this.#c.parties.length
    this.me = this.#c.partyHexes.indexOf(this.#id.partyHex)
    if (this.me < 0) throw new UnknownPartyError('this identity is not a party of the contract', this.#id.partyHex)
    if (init.endpoints.length !== this.#n)
      throw new OutOfContractError('one endpoint per party is required', init.endpoints.length)
    this.machine = new PhaseMachine(this.#c)
    this.#send = Array.from({ length: this.#n }, () => new SendStream())
    this.#recv = Array.from({ length: this.#n }, () => new ReceiveStream())
    this.#ack = new Array<number>(this.#n).fill(1)
    this.#lastControlIn = new Array<number>(this.#n).fill(0)
    this.#lastProbe = new Array<number>(this.#n).fill(Number.NEGATIVE_INFINITY)
    this.#signatures = new Array<Uint8Array | undefined>(this.#n).fill(undefined)
    this.#reasm = new Reassembly(this.#p.maxPendingHalves, this.#p.reassemblyTimeoutMs)
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
  }

  get isClosed(): boolean {
    return this.#isClosed
  }
  get allAcknowledged(): boolean {
    return this.#send.every((s, i) => i === this.me || this.#ack[i] === s.nextSeq)
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    this.#unsubscribe = this.#ports.transport.onMessage((_from, bytes) => this.#onDatagram(bytes))
    const sig = signContract(this.#id, this.#c)
    this.#signatures[this.me] = sig
    this.#emit({ type: 'signature', party: this.me })
    this.#multicast('Signature', { signature: sig })
    this.#schedule()
  }

  stop(): void {
    this.#timer?.cancel()
    this.#timer = undefined
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  queryStatus(party: number): Promise<ChannelStatus> {
    if (party === this.me || party < 0 || party >= this.#n)
      throw new UnknownPartyError('status of this party cannot be queried', party)
    const p = new Promise<ChannelStatus>((resolve) => {
      const list = this.#statusWaiters.get(party) ?? []
      list.push(resolve)
      this.#statusWaiters.set(party, list)
    })
    this.#sendControl(party, 'StatusRequest', {
      counter: this.#nextCounter(),
      expectFrom: this.#recv[party]?.expectFrom ?? 1,
      head: this.#send[party]?.head ?? 0,
    })
    return p
  }

  // ---- sending ---------------------------------------------------------------------------

  #emit(e: PopEvent): void {
    this.#init.onEvent?.(e)
  }

  #nextCounter(): number {
    this.#controlCounter = Math.max(this.#controlCounter + 1, Math.floor(this.#ports.clock.now() / 10) >>> 0)
    return this.#controlCounter >>> 0
  }

  #transmit(to: number, header: Uint8Array, payloadDatagram: Uint8Array): void {
    const address = this.#init.endpoints[to] as A
    // The two halves go out in random order (paper §6: "the sequence ... can be different").
    const pair = this.#ports.random.float() < 0.5 ? [header, payloadDatagram] : [payloadDatagram, header]
    for (const d of pair) {
      this.stats.datagramsSent++
      this.#ports.transport.send(address, d).catch(() => {
        this.#count('TransportSendError')
      })
    }
  }

  #sendUnit<T extends UnitTypeName>(to: number, type: T, value: PayloadOf<T>): void {
    const stream = this.#send[to] as SendStream
    const seq = stream.nextSeq
    const payload = encodePayload(type, value)
    const unit = encodeUnit(
      {
        contract: this.#c.hash,
        sender: this.#id.partyHash,
        receiver: this.#c.partyHashes[to] as Uint8Array,
        seq,
        type: UnitType[type],
        prevCrc: stream.lastCrc,
      },
      payload,
      this.#id.secretKey,
    )
    stream.append(seq, unit)
    this.stats.unitsSent++
    this.#transmit(to, unit.header, unit.payloadDatagram)
  }

  #sendControl<T extends 'RetransmitRequest' | 'StatusRequest' | 'StatusResponse'>(
    to: number,
    type: T,
    value: PayloadOf<T>,
  ): void {
    const payload = encodePayload(type, value)
    const unit = encodeUnit(
      {
        contract: this.#c.hash,
        sender: this.#id.partyHash,
        receiver: this.#c.partyHashes[to] as Uint8Array,
        seq: (value as { counter: number }).counter,
        type: UnitType[type],
        prevCrc: 0,
      },
      payload,
      this.#id.secretKey,
    )
    this.#transmit(to, unit.header, unit.payloadDatagram)
  }

  #multicast<T extends UnitTypeName>(type: T, value: PayloadOf<T>): void {
    for (let i = 0; i < this.#n; i++) if (i !== this.me) this.#sendUnit(i, type, value)
  }

  // ---- receiving -------------------------------------------------------------------------

  #count(name: string): void {
    this.stats.dropped[name] = (this.stats.dropped[name] ?? 0) + 1
  }

  #reject(error: unknown, from?: number): void {
    const name = error instanceof PopError ? error.name : 'InternalError'
    this.#count(name)
    const message = error instanceof Error ? error.message : String(error)
    this.#emit(
      from === undefined
        ? { type: 'rejected', error: name, message }
        : { type: 'rejected', error: name, message, from },
    )
  }

  #onDatagram(bytes: Uint8Array): void {
    this.stats.datagramsReceived++
    let sender = -1
    try {
      const half = decodeHalf(bytes)
      const prefix = half.part === 'header' ? half.header : half.datagram
      if (!equalBytes(prefix.contract, this.#c.hash))
        throw new UnknownContractError('unit names another contract', prefix.contract)
      sender = this.#c.partyHexes.indexOf(bytesToHex(prefix.sender))
      if (sender < 0) throw new UnknownPartyError('unit sender is not a party of the contract', prefix.sender)
      if (sender === this.me) throw new NotAddressedError('unit claims to come from this node', sender)
      if (half.part === 'header' && !equalBytes(half.header.receiver, this.#id.partyHash)) {
        throw new NotAddressedError('unit is addressed to another party', half.header.receiver)
      }
      const key = `${sender}/${prefix.flags}/${prefix.seq}`
      const now = this.#ports.clock.now()
      const pair = this.#reasm.add(
        key,
        now,
        half.part === 'header' ? { header: half.header, raw: half.raw } : { payload: half.datagram },
      )
      if (pair === undefined) return
      const payload = pair.payload.payload
      if (payload.length !== pair.header.payloadLength || crc32(payload) !== pair.header.payloadCrc) {
        throw new PayloadCrcMismatchError('payload datagram does not match the header (length or CRC-32)', {
          seq: pair.header.seq,
          expected: pair.header.payloadCrc,
          got: crc32(payload),
        })
      }
      this.#onUnit(sender, pair.header, pair.raw, payload)
    } catch (error) {
      if (error instanceof PopError) this.#reject(error, sender < 0 ? undefined : sender)
      else
        this.#reject(
          new MalformedUnitError('datagram could not be processed', bytes, { cause: error }),
          sender < 0 ? undefined : sender,
        )
    }
  }

  #onUnit(sender: number, header: UnitHeader, raw: Uint8Array, payload: Uint8Array): void {
    const type = unitTypeName(header.type) as UnitTypeName
    const value = decodePayload(type, payload)
    this.#admitStatic(sender, type, value)
    if (!verifyUnitSignature(raw, payload, this.#c.parties[sender] as Uint8Array)) {
      throw new UnitSignatureInvalidError('unit signature does not verify under the sender key', {
        sender,
        seq: header.seq,
        type,
      })
    }
    if (isControlType(header.type)) {
      if (header.seq <= (this.#lastControlIn[sender] as number))
        throw new StaleControlError('control counter not above the last one', header.seq)
      this.#lastControlIn[sender] = header.seq
    } else {
      ;(this.#recv[sender] as ReceiveStream).accept(header.seq, unitCrc(raw, payload), header.prevCrc)
    }
    this.stats.unitsAccepted++
    this.#dispatch(sender, type, value)
  }

  /** OAOR, static part: could the contract ever arrange this unit from `sender` to me? (Level 2) */
  #admitStatic(sender: number, type: UnitTypeName, value: unknown): void {
    const v = value as { phase?: number; job?: number }
    checkLevel2Arranged(
      this.#c,
      sender,
      this.me,
      v.phase === undefined || v.job === undefined ? { type } : { type, phase: v.phase, job: v.job },
    )
  }

  #dispatch(sender: number, type: UnitTypeName, value: unknown): void {
    try {
      checkLevel2Privilege({ open: this.machine.isOpen, closed: this.#isClosed, faulty: this.faulty }, sender, type)
      switch (type) {
        case 'Signature':
          this.#onSignature(sender, value as PayloadOf<'Signature'>)
          break
        case 'Job':
          this.#onJob(sender, value as PayloadOf<'Job'>)
          break
        case 'Receipt': {
          const v = value as PayloadOf<'Receipt'>
          this.#onReceipt(
            {
              phase: v.phase,
              job: v.job,
              recipient: sender,
              digest: v.digest,
              jobSig: v.jobSig,
              receiptSig: v.receiptSig,
            },
            'receipt',
          )
          break
        }
        case 'RecoveryRequest':
          this.#onRecoveryRequest(sender, value as PayloadOf<'RecoveryRequest'>)
          break
        case 'RecoveryResponse':
          this.#onRecoveryResponse(sender, value as PayloadOf<'RecoveryResponse'>)
          break
        case 'Accusation':
          this.#onAccusation(sender, value as PayloadOf<'Accusation'>)
          break
        case 'Vote':
          this.#onVote(sender, value as PayloadOf<'Vote'>)
          break
        case 'Close':
          this.#onClose(sender, value as PayloadOf<'Close'>)
          break
        case 'RetransmitRequest':
          this.#onRetransmitRequest(sender, value as PayloadOf<'RetransmitRequest'>)
          break
        case 'StatusRequest':
          this.#onStatusRequest(sender, value as PayloadOf<'StatusRequest'>)
          break
        case 'StatusResponse':
          this.#onStatusResponse(sender, value as PayloadOf<'StatusResponse'>)
          break
      }
    } catch (error) {
      this.#reject(error, sender)
    }
  }

  // ---- contract opening ------------------------------------------------------------------

  #onSignature(sender: number, v: PayloadOf<'Signature'>): void {
    if (this.#signatures[sender] !== undefined) return
    if (!verifyContractSignature(this.#c, sender, v.signature)) {
      throw new ContractSignatureInvalidError(
        `party ${sender}: signature over the contract hash does not verify`,
        v.signature,
      )
    }
    this.#signatures[sender] = v.signature
    this.#emit({ type: 'signature', party: sender })
    if (this.#signatures.every((s) => s !== undefined)) {
      this.#emit({ type: 'open' })
      this.#phasesOpened(this.machine.open())
    }
  }

  #phasesOpened(phases: readonly number[]): void {
    for (const phase of phases) {
      this.#phaseOpenedAt[phase] = this.#ports.clock.now()
      this.#emit({ type: 'phase-open', phase })
    }
    if (phases.length === 0) return
    // Act: every job of mine in an open phase not yet sent.
    for (let phase = 0; phase <= Math.min(this.machine.currentPhase, this.#c.phases.length - 1); phase++) {
      this.#c.phases[phase]?.jobs.forEach((job, k) => {
        if (job.actor === this.me && !this.#sentJobs.has(`${phase}/${k}`)) this.#act(phase, k)
      })
    }
    // Apply what arrived early, now that its phase may be open.
    for (const [index, p] of [...this.#pendingJobs]) {
      if (this.machine.isPhaseOpen(p.phase)) {
        this.#pendingJobs.delete(index)
        this.#safely(() => this.#closeInput(p.phase, p.job, p.digest, p.jobSig, p.data, 'job'))
      }
    }
    for (const [index, r] of [...this.#pendingReceipts]) {
      if (this.machine.isPhaseOpen(r.phase)) {
        this.#pendingReceipts.delete(index)
        this.#safely(() => this.#onReceipt(r, 'receipt'))
      }
    }
    this.#maybeClose()
  }

  #safely(f: () => void): void {
    try {
      f()
    } catch (error) {
      this.#reject(error)
    }
  }

  // ---- jobs and receipts -----------------------------------------------------------------

  #act(phase: number, k: number): void {
    this.#sentJobs.add(`${phase}/${k}`)
    const job = this.#c.phases[phase]?.jobs[k]
    if (job === undefined) return
    const silent = this.#init.misbehave?.silentJobs?.some((s) => s.phase === phase && s.job === k) ?? false
    if (silent) return
    const base = this.#init.jobData?.(phase, k) ?? new TextEncoder().encode(job.action)
    const equivocate = this.#init.misbehave?.equivocate?.some((s) => s.phase === phase && s.job === k) ?? false
    job.for.forEach((r, i) => {
      const data = equivocate ? new Uint8Array([...base, 0x21 + i]) : base
      const digest = sha256(data)
      const jobSig = signJob(this.#id.secretKey, this.#c, phase, k, digest)
      this.#remember(phase, k, digest, jobSig)
      if (!this.#heldData.has(`${phase}/${k}`)) this.#heldData.set(`${phase}/${k}`, { digest, jobSig, data })
      this.#sendUnit(r, 'Job', { phase, job: k, digest, jobSig, data })
    })
    this.#emit({ type: 'job-sent', phase, job: k, to: job.for })
  }

  #onJob(sender: number, v: PayloadOf<'Job'>): void {
    if (!equalBytes(sha256(v.data), v.digest))
      throw new StatementSignatureInvalidError('job digest is not the SHA-256 of its data', v.digest)
    if (!verifyJob(this.#c, v.phase, v.job, v.digest, v.jobSig))
      throw new StatementSignatureInvalidError('job statement not signed by its actor', {
        sender,
        phase: v.phase,
        job: v.job,
      })
    this.#remember(v.phase, v.job, v.digest, v.jobSig)
    const ch = this.machine.channel(v.phase, v.job, this.me)
    if (ch === undefined) return
    if (!this.machine.isPhaseOpen(v.phase)) {
      if (this.machine.channelState(ch.index) === 'unopened') {
        this.#pendingJobs.set(ch.index, v)
        return
      }
    }
    this.#closeInput(v.phase, v.job, v.digest, v.jobSig, v.data, 'job')
  }

  /** Closes my input channel on a verified job statement and multicasts my receipt. */
  #closeInput(
    phase: number,
    k: number,
    digest: Uint8Array,
    jobSig: Uint8Array,
    data: Uint8Array,
    via: 'job' | 'recovery',
  ): void {
    const ch = this.machine.channel(phase, k, this.me)
    if (ch === undefined) return
    const state = this.machine.channelState(ch.index)
    if (state === 'closed' || state === 'void') {
      throw new ChannelClosedError(`input channel already ${state}`, { phase, job: k })
    }
    const opened = this.machine.close(phase, k, this.me)
    this.#jobData.set(ch.index, { digest, jobSig, data })
    if (!this.#heldData.has(`${phase}/${k}`)) this.#heldData.set(`${phase}/${k}`, { digest, jobSig, data })
    const receiptSig = signReceipt(this.#id.secretKey, this.#c, phase, k, this.me, digest)
    const receipt: Receipt = { phase, job: k, recipient: this.me, digest, jobSig, receiptSig }
    this.#receipts.set(ch.index, receipt)
    this.#emit({ type: 'channel-closed', phase, job: k, recipient: this.me, via })
    this.#multicast('Receipt', { phase, job: k, digest, jobSig, receiptSig })
    this.#phasesOpened(opened)
    this.#maybeClose()
  }

  #onReceipt(r: Receipt, via: 'receipt' | 'recovery'): void {
    if (!verifyJob(this.#c, r.phase, r.job, r.digest, r.jobSig))
      throw new StatementSignatureInvalidError('receipt carries a job statement not signed by the actor', r)
    if (!verifyReceipt(this.#c, r.phase, r.job, r.recipient, r.digest, r.receiptSig)) {
      throw new StatementSignatureInvalidError('receipt not signed by its recipient', r)
    }
    this.#remember(r.phase, r.job, r.digest, r.jobSig)
    const ch = this.machine.channel(r.phase, r.job, r.recipient)
    if (ch === undefined) return
    const state = this.machine.channelState(ch.index)
    if (state === 'closed' || state === 'void') return
    if (state === 'unopened') {
      this.#pendingReceipts.set(ch.index, r)
      return
    }
    const opened = this.machine.close(r.phase, r.job, r.recipient)
    this.#receipts.set(ch.index, r)
    this.#emit({ type: 'channel-closed', phase: r.phase, job: r.job, recipient: r.recipient, via })
    this.#phasesOpened(opened)
    this.#maybeClose()
  }

  /** Keeps every actor statement seen; two different digests for one job are a violation. */
  #remember(phase: number, k: number, digest: Uint8Array, sig: Uint8Array): void {
    const key = `${phase}/${k}`
    let m = this.#statements.get(key)
    if (m === undefined) {
      m = new Map()
      this.#statements.set(key, m)
    }
    const hex = bytesToHex(digest)
    if (m.has(hex)) return
    m.set(hex, { digest, sig })
    if (m.size === 2) {
      const [a, b] = [...m.values()] as [
        { digest: Uint8Array; sig: Uint8Array },
        { digest: Uint8Array; sig: Uint8Array },
      ]
      const actor = this.#c.phases[phase]?.jobs[k]?.actor as number
      const evidence = normalizeViolation({
        subject: actor,
        phase,
        job: k,
        digestA: a.digest,
        sigA: a.sig,
        digestB: b.digest,
        sigB: b.sig,
      })
      this.machine.contradict(phase, k)
      this.#violations.push(evidence)
      if (actor !== this.me && this.machine.isOpen && !this.#isClosed) this.#accuse(evidence)
    }
  }

  // ---- Byzantine channel -----------------------------------------------------------------

  #accuse(
    e: ViolationEvidence | { subject: number; phase: number; job: number; recipient: number; item: number },
  ): void {
    const violation = 'digestA' in e
    const key = violation
      ? `v/${e.subject}/${e.phase}/${e.job}`
      : `s/${e.subject}/${e.phase}/${e.job}/${e.recipient}/${e.item}`
    if (this.#accusedKeys.has(key) || this.faulty.has(e.subject)) return
    this.#accusedKeys.add(key)
    const zero32 = new Uint8Array(32)
    const zero64 = new Uint8Array(64)
    const payload: PayloadOf<'Accusation'> = violation
      ? {
          kind: AccusationKind.Violation,
          subject: e.subject,
          phase: e.phase,
          job: e.job,
          recipient: 0,
          item: 0,
          digestA: e.digestA,
          sigA: e.sigA,
          digestB: e.digestB,
          sigB: e.sigB,
        }
      : {
          kind: AccusationKind.Silence,
          subject: e.subject,
          phase: e.phase,
          job: e.job,
          recipient: e.recipient,
          item: e.item,
          digestA: zero32,
          sigA: zero64,
          digestB: zero32,
          sigB: zero64,
        }
    // An accusation is identified by its content, so every accuser of the same fault yields one ballot.
    const id = sha256(encodePayload('Accusation', payload))
    if (this.#accusations.has(bytesToHex(id))) return
    this.#multicast('Accusation', payload)
    this.#onAccusation(this.me, payload)
  }

  #onAccusation(sender: number, v: PayloadOf<'Accusation'>): void {
    const id = sha256(encodePayload('Accusation', v))
    const idHex = bytesToHex(id)
    if (this.#accusations.has(idHex)) return
    if (v.subject >= this.#n) throw new InvalidEvidenceError('accused party does not exist', v.subject)
    const acc: Accusation = { id, idHex, subject: v.subject, payload: v, votes: new Map(), decided: false }
    this.#accusations.set(idHex, acc)
    const kind = v.kind === AccusationKind.Violation ? 'violation' : 'silence'
    this.#emit({ type: 'accusation', id: idHex, kind, subject: v.subject, by: sender })
    if (v.kind === AccusationKind.Violation) this.#accusedKeys.add(`v/${v.subject}/${v.phase}/${v.job}`)
    if (v.kind === AccusationKind.Violation) {
      let guilty: boolean
      try {
        checkViolation(this.#c, v)
        guilty = true
        this.#remember(v.phase, v.job, v.digestA, v.sigA)
        this.#remember(v.phase, v.job, v.digestB, v.sigB)
      } catch (error) {
        this.#reject(error, sender)
        guilty = false
      }
      if (v.subject !== this.me) this.#castVote(acc, guilty)
    } else if (v.subject === this.me) {
      // Accused of silence: defend by giving the item to every party (they relay and acquit).
      if (this.#heldItem(v.phase, v.job, v.recipient, v.item)) {
        for (let i = 0; i < this.#n; i++)
          if (i !== this.me) this.#respondRecovery(i, v.phase, v.job, v.recipient, v.item)
      }
    } else {
      // Silence: after a grace period for the defence, guilty unless I hold the missing item,
      // in which case I relay it to the accuser.
      this.#ports.clock.setTimeout(() => {
        this.#safely(() => {
          if (acc.decided || this.#isClosed) return
          const held = this.#heldItem(v.phase, v.job, v.recipient, v.item)
          if (held && sender !== this.me) this.#respondRecovery(sender, v.phase, v.job, v.recipient, v.item)
          this.#castVote(acc, !held)
        })
      }, this.#p.voteDelayMs)
    }
    for (const early of this.#earlyVotes.get(idHex) ?? []) this.#safely(() => this.#onVote(early.voter, early.p))
    this.#earlyVotes.delete(idHex)
  }

  #castVote(acc: Accusation, guilty: boolean): void {
    const voteSig = signVote(this.#id.secretKey, this.#c, acc.id, acc.subject, guilty)
    this.#multicast('Vote', { accusation: acc.id, subject: acc.subject, guilty: guilty ? 1 : 0, voteSig })
    this.#tally(acc, this.me, guilty, voteSig)
  }

  #onVote(sender: number, v: PayloadOf<'Vote'>): void {
    const guilty = v.guilty === 1
    if (!verifyVote(this.#c, sender, v.accusation, v.subject, guilty, v.voteSig))
      throw new StatementSignatureInvalidError('vote not signed by its voter', sender)
    const acc = this.#accusations.get(bytesToHex(v.accusation))
    if (acc === undefined) {
      const list = this.#earlyVotes.get(bytesToHex(v.accusation)) ?? []
      list.push({ voter: sender, p: v })
      this.#earlyVotes.set(bytesToHex(v.accusation), list)
      return
    }
    this.#tally(acc, sender, guilty, v.voteSig)
  }

  #tally(acc: Accusation, voter: number, guilty: boolean, sig: Uint8Array): void {
    if (voter === acc.subject || acc.votes.has(voter)) return
    acc.votes.set(voter, { guilty, sig })
    this.#emit({ type: 'vote', id: acc.idHex, voter, guilty })
    if (acc.decided) return
    const need = convictionThreshold(this.#n)
    const yes = [...acc.votes.values()].filter((x) => x.guilty).length
    const no = acc.votes.size - yes
    if (yes >= need) {
      acc.decided = true
      if (!this.faulty.has(acc.subject)) {
        this.faulty.add(acc.subject)
        this.#emit({ type: 'faulty', party: acc.subject, accusation: acc.idHex })
        this.#phasesOpened(this.machine.voidParty(acc.subject))
        this.#maybeClose()
      }
    } else if (no > this.#n - 1 - need) {
      acc.decided = true
      this.#emit({ type: 'acquitted', party: acc.subject, accusation: acc.idHex })
    }
  }

  #heldItem(phase: number, k: number, recipient: number, item: number): boolean {
    if (item === Item.Receipt) {
      const ch = this.machine.channel(phase, k, recipient)
      return ch !== undefined && this.#receipts.has(ch.index)
    }
    return this.#heldData.has(`${phase}/${k}`)
  }

  #respondRecovery(to: number, phase: number, k: number, recipient: number, item: number): void {
    if (item === Item.Receipt) {
      const ch = this.machine.channel(phase, k, recipient)
      const r = ch === undefined ? undefined : this.#receipts.get(ch.index)
      if (r === undefined) return
      this.#sendUnit(to, 'RecoveryResponse', {
        item,
        phase,
        job: k,
        recipient,
        digest: r.digest,
        jobSig: r.jobSig,
        receiptSig: r.receiptSig,
        data: new Uint8Array(0),
      })
    } else {
      const held = this.#heldData.get(`${phase}/${k}`)
      if (held === undefined) return
      this.#sendUnit(to, 'RecoveryResponse', {
        item,
        phase,
        job: k,
        recipient,
        digest: held.digest,
        jobSig: held.jobSig,
        receiptSig: new Uint8Array(64),
        data: held.data,
      })
    }
    this.#emit({ type: 'recovery-response', to, phase, job: k })
  }

  #onRecoveryRequest(sender: number, v: PayloadOf<'RecoveryRequest'>): void {
    if (v.subject >= this.#n)
      throw new OutOfContractError('recovery request about a party that does not exist', v.subject)
    if (this.#heldItem(v.phase, v.job, v.recipient, v.item))
      this.#respondRecovery(sender, v.phase, v.job, v.recipient, v.item)
  }

  #onRecoveryResponse(_sender: number, v: PayloadOf<'RecoveryResponse'>): void {
    if (v.item === Item.Receipt) {
      this.#onReceipt(
        {
          phase: v.phase,
          job: v.job,
          recipient: v.recipient,
          digest: v.digest,
          jobSig: v.jobSig,
          receiptSig: v.receiptSig,
        },
        'recovery',
      )
      return
    }
    if (!equalBytes(sha256(v.data), v.digest))
      throw new StatementSignatureInvalidError('recovered data does not match its digest', v.digest)
    if (!verifyJob(this.#c, v.phase, v.job, v.digest, v.jobSig))
      throw new StatementSignatureInvalidError('recovered job statement not signed by its actor', v)
    this.#remember(v.phase, v.job, v.digest, v.jobSig)
    if (!this.#heldData.has(`${v.phase}/${v.job}`))
      this.#heldData.set(`${v.phase}/${v.job}`, { digest: v.digest, jobSig: v.jobSig, data: v.data })
    const ch = this.machine.channel(v.phase, v.job, this.me)
    if (ch === undefined) return
    const state = this.machine.channelState(ch.index)
    if (state === 'closed' || state === 'void') return
    if (state === 'unopened') {
      this.#pendingJobs.set(ch.index, { phase: v.phase, job: v.job, digest: v.digest, jobSig: v.jobSig, data: v.data })
      return
    }
    this.#closeInput(v.phase, v.job, v.digest, v.jobSig, v.data, 'recovery')
  }

  // ---- closing ---------------------------------------------------------------------------

  #maybeClose(): void {
    if (!this.machine.done) return
    if (!this.#closeSent) {
      this.#closeSent = true
      this.#closes.add(this.me)
      this.#multicast('Close', { hoursDigest: hoursDigest(this.machine.hours()) })
    }
    this.#checkClosed()
  }

  #onClose(sender: number, _v: PayloadOf<'Close'>): void {
    if (!this.machine.isOpen) throw new OutOfContractError('close before the contract opened', sender)
    if (this.#closes.has(sender)) return
    this.#closes.add(sender)
    this.#emit({ type: 'close-received', party: sender })
    this.#checkClosed()
  }

  #checkClosed(): void {
    if (this.#isClosed || !this.#closeSent) return
    for (let i = 0; i < this.#n; i++) if (!this.faulty.has(i) && !this.#closes.has(i)) return
    this.#isClosed = true
    const hours = this.machine.hours()
    const faulty = [...this.faulty].sort((a, b) => a - b)
    this.#emit({ type: 'closed', hours, faulty })
    this.#resolveClosed({
      contract: this.#c,
      signatures: this.#signatures as Uint8Array[],
      receipts: [...this.#receipts.values()],
      violations: [...this.#violations],
      faulty,
      hours,
    })
  }

  // ---- repair: retransmission and status -------------------------------------------------

  #onRetransmitRequest(sender: number, v: PayloadOf<'RetransmitRequest'>): void {
    const out = this.#send[sender] as SendStream
    this.#ack[sender] = Math.max(this.#ack[sender] as number, Math.min(v.expectFrom, out.nextSeq))
    const seqs = new Set<number>(v.missing)
    for (let s = v.expectFrom; s <= out.head; s++) seqs.add(s)
    const sent: number[] = []
    for (const s of [...seqs].sort((a, b) => a - b)) {
      const unit = out.get(s)
      if (unit === undefined) continue
      this.#transmit(sender, unit.header, unit.payloadDatagram)
      sent.push(s)
      if (sent.length >= 64) break
    }
    this.stats.unitsRetransmitted += sent.length
    if (sent.length > 0) this.#emit({ type: 'retransmitted', to: sender, seqs: sent })
    const inbound = this.#recv[sender] as ReceiveStream
    inbound.announce(v.head)
    const missing = inbound.missing()
    if (missing.length > 0) this.#requestRetransmit(sender)
    else this.#sendStatus(sender)
  }

  #sendStatus(to: number): void {
    const closed = new Uint8Array(Math.ceil(this.#c.channels.length / 8))
    for (const ch of this.#c.channels)
      if (this.machine.channelState(ch.index) === 'closed')
        closed[ch.index >> 3] = (closed[ch.index >> 3] as number) | (1 << (ch.index & 7))
    const faulty = new Uint8Array(Math.ceil(this.#n / 8))
    for (const f of this.faulty) faulty[f >> 3] = (faulty[f >> 3] as number) | (1 << (f & 7))
    this.#sendControl(to, 'StatusResponse', {
      counter: this.#nextCounter(),
      expectFrom: (this.#recv[to] as ReceiveStream).expectFrom,
      head: (this.#send[to] as SendStream).head,
      closed,
      faulty,
    })
  }

  #onStatusRequest(sender: number, v: PayloadOf<'StatusRequest'>): void {
    this.#ack[sender] = Math.max(
      this.#ack[sender] as number,
      Math.min(v.expectFrom, (this.#send[sender] as SendStream).nextSeq),
    )
    ;(this.#recv[sender] as ReceiveStream).announce(v.head)
    this.#sendStatus(sender)
  }

  #onStatusResponse(sender: number, v: PayloadOf<'StatusResponse'>): void {
    this.#ack[sender] = Math.max(
      this.#ack[sender] as number,
      Math.min(v.expectFrom, (this.#send[sender] as SendStream).nextSeq),
    )
    ;(this.#recv[sender] as ReceiveStream).announce(v.head)
    const bits = (bytes: Uint8Array, count: number) => {
      const out: number[] = []
      for (let i = 0; i < count; i++) if (((bytes[i >> 3] ?? 0) >> (i & 7)) & 1) out.push(i)
      return out
    }
    const status: ChannelStatus = {
      party: sender,
      closed: bits(v.closed, this.#c.channels.length),
      faulty: bits(v.faulty, this.#n),
      expectFrom: v.expectFrom,
    }
    const waiters = this.#statusWaiters.get(sender) ?? []
    this.#statusWaiters.delete(sender)
    for (const w of waiters) w(status)
  }

  #requestRetransmit(to: number): void {
    const inbound = this.#recv[to] as ReceiveStream
    const missing = inbound.missing()
    this.#lastProbe[to] = this.#ports.clock.now()
    this.stats.retransmitRequestsSent++
    this.#emit({ type: 'retransmit-request', to, expectFrom: inbound.expectFrom, missing })
    this.#sendControl(to, 'RetransmitRequest', {
      counter: this.#nextCounter(),
      expectFrom: inbound.expectFrom,
      head: (this.#send[to] as SendStream).head,
      missing,
    })
  }

  // ---- the stall check -------------------------------------------------------------------

  #schedule(): void {
    const jitter = 0.75 + this.#ports.random.float() * 0.5
    this.#timer = this.#ports.clock.setTimeout(() => {
      this.#safely(() => this.#tick())
      if (this.#timer !== undefined) this.#schedule()
    }, this.#p.tickMs * jitter)
  }

  #tick(): void {
    const now = this.#ports.clock.now()
    this.#reasm.expire(now)
    const need = new Set<number>()
    // Gaps, unacknowledged sends, missing signatures and closes: ask the peer.
    for (let i = 0; i < this.#n; i++) {
      if (i === this.me) continue
      if ((this.#recv[i] as ReceiveStream).missing(1).length > 0) need.add(i)
      if ((this.#ack[i] as number) < (this.#send[i] as SendStream).nextSeq && !this.faulty.has(i)) need.add(i)
      if (this.#signatures[i] === undefined) need.add(i)
      if (this.#closeSent && !this.#closes.has(i) && !this.faulty.has(i)) need.add(i)
    }
    if (this.machine.isOpen && !this.#isClosed) this.#checkChannels(now, need)
    for (const [, acc] of this.#accusations) {
      if (acc.decided) continue
      for (let i = 0; i < this.#n; i++) if (i !== this.me && i !== acc.subject && !acc.votes.has(i)) need.add(i)
    }
    for (const peer of need) {
      if (now - (this.#lastProbe[peer] as number) >= this.#p.retransmitAfterMs) this.#requestRetransmit(peer)
    }
  }

  /** Open channels of the open phase: probe, then recovery, then silence accusation (paper §4.2). */
  #checkChannels(now: number, need: Set<number>): void {
    for (const ch of this.#c.channels) {
      if (this.machine.channelState(ch.index) !== 'open') continue
      const openedAt = this.#phaseOpenedAt[ch.phase] ?? now
      if (now - openedAt < this.#p.retransmitAfterMs) continue
      const deadline = openedAt + (this.#c.phases[ch.phase]?.jobs[ch.job]?.deadlineMs ?? 0)
      // Mine as recipient: the actor owes me the job. Otherwise: the recipient owes everyone a receipt.
      const mine = ch.recipient === this.me
      const subject = mine ? ch.actor : ch.recipient
      if (subject === this.me || this.faulty.has(subject)) continue
      let w = this.#waits.get(ch.index)
      if (w === undefined) {
        w = { attempts: 0, lastProbe: Number.NEGATIVE_INFINITY }
        this.#waits.set(ch.index, w)
      }
      if (now - w.lastProbe >= this.#p.retransmitAfterMs) {
        w.attempts++
        w.lastProbe = now
        need.add(subject)
      }
      if (now < deadline || w.attempts < this.#p.maxRetransmits) continue
      // Only the recipient escalates, for a missing job (docs/pop.md §5.3: a withheld receipt is
      // not escalated, because outsiders cannot tell a silent recipient from a lying actor).
      if (!mine) continue
      const item = Item.JobData
      if (w.recoveryAt === undefined) {
        w.recoveryAt = now
        this.#emit({ type: 'recovery-request', subject, phase: ch.phase, job: ch.job, item })
        this.#multicast('RecoveryRequest', { subject, phase: ch.phase, job: ch.job, recipient: ch.recipient, item })
      } else if (!w.accused && now - w.recoveryAt >= this.#p.recoveryTimeoutMs) {
        w.accused = true
        this.#accuse({ subject, phase: ch.phase, job: ch.job, recipient: ch.recipient, item })
      }
    }
  }
}
