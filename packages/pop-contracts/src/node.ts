// One party's PoP engine (paper §2-§6; docs/pop.md §3-§6): signs and opens the contract,
// executes its jobs phase by phase, accepts only what the contract arranges (OAOR), repairs
// loss with retransmission requests and runs the Byzantine channel (recovery, violation,
// voting). Pure logic over injected ports: transport, clock, randomness.
import type { TimerHandle, Unsubscribe } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import { ByzantineChannel, type HeldJob } from './byzantine.js'
import { type Contract, signContract, verifyContractSignature } from './contract.js'
import { crc32 } from './crc32.js'
import {
  ByzantineChannelClosedError,
  ChannelClosedError,
  ContractSignatureInvalidError,
  MalformedUnitError,
  NotAddressedError,
  OutOfContractError,
  PayloadCrcMismatchError,
  PopError,
  StaleControlError,
  StatementSignatureInvalidError,
  StatusTimeoutError,
  UnitSignatureInvalidError,
  UnknownContractError,
  UnknownPartyError,
} from './errors.js'
import { checkLevel2Arranged, checkLevel2Privilege } from './evidence.js'
import { bytesToHex, equalBytes, type Identity } from './identity.js'
import {
  type ChannelStatus,
  type ContractOutcome,
  DEFAULT_PARAMS,
  type PopComponents,
  type PopEvent,
  type PopNode,
  type PopNodeInit,
  type PopParams,
  type PopStats,
} from './node-types.js'
import { PhaseMachine } from './phase.js'
import {
  hoursDigest,
  normalizeViolation,
  type Receipt,
  signJob,
  signReceipt,
  type ViolationEvidence,
  verifyJob,
  verifyReceipt,
} from './statements.js'
import { Reassembly, ReceiveStream, SendStream } from './stream.js'
import {
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

interface Wait {
  attempts: number
  lastProbe: number
  recoveryAt?: number
  /** Silence accusations made about this channel so far, and the last one's id and time. */
  accusations: number
  accusation?: string | undefined
  accusedAt?: number
}

export type {
  ChannelStatus,
  ContractOutcome,
  Misbehaviour,
  PopComponents,
  PopEvent,
  PopNode,
  PopNodeInit,
  PopParams,
  PopStats,
} from './node-types.js'
export { DEFAULT_PARAMS } from './node-types.js'

const BYZANTINE_TYPES: ReadonlySet<UnitTypeName> = new Set([
  'RecoveryRequest',
  'RecoveryResponse',
  'Accusation',
  'Vote',
])
const MAX_EARLY_UNITS = 256

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
  readonly #heldData = new Map<string, HeldJob>()
  readonly #receipts = new Map<number, Receipt>()
  readonly #pendingJobs = new Map<number, PayloadOf<'Job'>>()
  readonly #pendingReceipts = new Map<number, Receipt>()
  readonly #waits = new Map<number, Wait>()
  readonly #bc: ByzantineChannel
  readonly #violations: ViolationEvidence[] = []
  readonly #sentJobs = new Set<string>()
  readonly #closes = new Set<number>()
  readonly #closeDigests = new Map<number, Uint8Array>()
  readonly #early: { sender: number; type: UnitTypeName; value: unknown }[] = []
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
    this.#bc = new ByzantineChannel(this.#byzantineHost())
  }

  #byzantineHost(): ConstructorParameters<typeof ByzantineChannel>[0] {
    return {
      contract: this.#c,
      me: this.me,
      machine: this.machine,
      faulty: this.faulty,
      secretKey: this.#id.secretKey,
      clock: this.#ports.clock,
      voteDelayMs: this.#p.voteDelayMs,
      pendingLimitMs: this.#p.voteDelayMs + this.#p.recoveryTimeoutMs,
      receipts: this.#receipts,
      heldData: this.#heldData,
      isClosed: () => this.#isClosed,
      emit: (e) => this.#emit(e),
      multicast: (type, value) => this.#multicast(type, value),
      sendUnit: (to, type, value) => this.#sendUnit(to, type, value),
      safely: (f) => this.#safely(f),
      reject: (error, from) => this.#reject(error, from),
      remember: (phase, job, digest, sig) => this.#remember(phase, job, digest, sig),
      onReceipt: (r, via) => this.#onReceipt(r, via),
      deliverJob: (phase, job, digest, jobSig, data) => this.#deliverJob(phase, job, digest, jobSig, data),
      convicted: (party) => {
        this.#voidOverdue(this.#ports.clock.now(), party)
        this.#maybeClose()
      },
      settled: () => this.#checkClosed(),
    }
  }

  /** Job data for one of my input channels that arrived by recovery. */
  #deliverJob(phase: number, job: number, digest: Uint8Array, jobSig: Uint8Array, data: Uint8Array): void {
    const ch = this.machine.channel(phase, job, this.me)
    if (ch === undefined) return
    const state = this.machine.channelState(ch.index)
    if (state === 'closed' || state === 'void') return
    if (state === 'unopened') {
      this.#pendingJobs.set(ch.index, { phase, job, digest, jobSig, data })
      return
    }
    this.#closeInput(phase, job, digest, jobSig, data, 'recovery')
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

  queryStatus(party: number, options: { timeoutMs?: number } = {}): Promise<ChannelStatus> {
    if (party === this.me || party < 0 || party >= this.#n)
      throw new UnknownPartyError('status of this party cannot be queried', party)
    const timeoutMs = options.timeoutMs ?? 5000
    const ask = () =>
      this.#sendControl(party, 'StatusRequest', {
        counter: this.#nextCounter(),
        expectFrom: this.#recv[party]?.expectFrom ?? 1,
        head: this.#send[party]?.head ?? 0,
      })
    return new Promise<ChannelStatus>((resolve, reject) => {
      const started = this.#ports.clock.now()
      let retry: TimerHandle | undefined
      const waiter = (status: ChannelStatus) => {
        retry?.cancel()
        resolve(status)
      }
      const list = this.#statusWaiters.get(party) ?? []
      list.push(waiter)
      this.#statusWaiters.set(party, list)
      // UDP may lose the request or the answer: ask again until answered or out of time.
      const again = () => {
        if (this.#ports.clock.now() - started >= timeoutMs) {
          const l = this.#statusWaiters.get(party) ?? []
          this.#statusWaiters.set(
            party,
            l.filter((w) => w !== waiter),
          )
          reject(new StatusTimeoutError(`no status answer within ${timeoutMs} ms`, party))
          return
        }
        ask()
        retry = this.#ports.clock.setTimeout(again, this.#p.retransmitAfterMs)
      }
      again()
    })
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
      if (!this.machine.isOpen && BYZANTINE_TYPES.has(type)) {
        // A peer that already holds every signature may use the channel before we do: keep its
        // units (bounded) and apply them when the contract opens here.
        if (this.#early.length >= MAX_EARLY_UNITS)
          throw new ByzantineChannelClosedError('the Byzantine channel is not open yet', { sender, type })
        this.#early.push({ sender, type, value })
        return
      }
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
          this.#bc.onRecoveryRequest(sender, value as PayloadOf<'RecoveryRequest'>)
          break
        case 'RecoveryResponse':
          this.#bc.onRecoveryResponse(sender, value as PayloadOf<'RecoveryResponse'>)
          break
        case 'Accusation':
          this.#bc.onAccusation(sender, value as PayloadOf<'Accusation'>)
          break
        case 'Vote':
          this.#bc.onVote(sender, value as PayloadOf<'Vote'>)
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
      for (const e of this.#early.splice(0)) this.#dispatch(e.sender, e.type, e.value)
      // Contradictions seen before the contract opened are accused now.
      for (const v of this.#violations) if (v.subject !== this.me && !this.#isClosed) this.#bc.accuse(v)
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
    if (this.#init.misbehave?.falselyAccuse?.some((f) => f.phase === v.phase && f.job === v.job) === true) {
      // Misbehaviour: deny having received the job and accuse its actor of silence.
      if (this.machine.isOpen)
        this.#bc.accuse({ subject: sender, phase: v.phase, job: v.job, recipient: this.me, item: Item.JobData })
      return
    }
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
    if (this.#init.misbehave?.withholdReceipts?.some((w) => w.phase === phase && w.job === k) === true) {
      this.#phasesOpened(opened)
      return
    }
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
    if (state === 'closed') return
    if (state === 'void') {
      // A receipt that arrives after its channel was voided (its party convicted) still proves
      // the delivery: the channel closes and the job earns its hours if the contract is open here.
      if (this.#isClosed) return
      this.machine.revive(ch.index)
      this.#receipts.set(ch.index, r)
      this.#emit({ type: 'channel-closed', phase: r.phase, job: r.job, recipient: r.recipient, via })
      return
    }
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
      if (actor !== this.me && this.machine.isOpen && !this.#isClosed) this.#bc.accuse(evidence)
    }
  }

  // ---- closing ---------------------------------------------------------------------------

  #maybeClose(): void {
    if (!this.machine.done) return
    if (!this.#closeSent) {
      this.#closeSent = true
      this.#closes.add(this.me)
      const hours = this.machine.hours()
      // A misbehaving party may announce a table in which it earned more.
      if (this.#init.misbehave?.inflateHours === true) hours[this.me] = (hours[this.me] ?? 0) + 100
      this.#multicast('Close', { hoursDigest: hoursDigest(hours) })
    }
    this.#checkClosed()
  }

  #onClose(sender: number, v: PayloadOf<'Close'>): void {
    if (!this.machine.isOpen) throw new OutOfContractError('close before the contract opened', sender)
    if (this.#closes.has(sender)) return
    this.#closes.add(sender)
    this.#closeDigests.set(sender, v.hoursDigest)
    this.#emit({ type: 'close-received', party: sender })
    this.#checkClosed()
  }

  #checkClosed(): void {
    if (this.#isClosed || !this.#closeSent) return
    for (let i = 0; i < this.#n; i++) if (!this.faulty.has(i) && !this.#closes.has(i)) return
    // The Byzantine channel stays open until every pending accusation has its verdict.
    if (this.#bc.hasPending()) return
    this.#isClosed = true
    const hours = this.machine.hours()
    const faulty = [...this.faulty].sort((a, b) => a - b)
    // Parties whose Close announced another hours table than ours (docs/pop.md §5.2).
    const mine = hoursDigest(hours)
    const disagreeing = [...this.#closeDigests]
      .filter(([party, d]) => !this.faulty.has(party) && !equalBytes(d, mine))
      .map(([party]) => party)
      .sort((a, b) => a - b)
    this.#emit({ type: 'closed', hours, faulty, disagreeing })
    this.#resolveClosed({
      contract: this.#c,
      signatures: this.#signatures as Uint8Array[],
      receipts: [...this.#receipts.values()],
      violations: [...this.#violations],
      faulty,
      hours,
      disagreeing,
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
    // A close held back by a pending accusation proceeds once the verdict came or the wait ran out.
    if (this.#closeSent && !this.#isClosed) this.#checkClosed()
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
    for (const i of this.#bc.awaitedVoters()) need.add(i)
    for (const peer of need) {
      if (now - (this.#lastProbe[peer] as number) >= this.#p.retransmitAfterMs) this.#requestRetransmit(peer)
    }
  }

  /** Open channels of the open phase: probe, then recovery, then silence accusation (paper §4.2). */
  /**
   * Voids the open, overdue channels in which a convicted party acts or receives, so the
   * contract continues without it; channels not yet overdue stay open and may still close.
   */
  #voidOverdue(now: number, only?: number): void {
    for (const ch of this.#c.channels) {
      if (this.machine.channelState(ch.index) !== 'open') continue
      const culprit = this.faulty.has(ch.actor) ? ch.actor : this.faulty.has(ch.recipient) ? ch.recipient : undefined
      if (culprit === undefined || (only !== undefined && culprit !== only)) continue
      const openedAt = this.#phaseOpenedAt[ch.phase] ?? now
      if (now < openedAt + (this.#c.phases[ch.phase]?.jobs[ch.job]?.deadlineMs ?? 0)) continue
      this.#phasesOpened(this.machine.voidChannel(ch.index))
    }
    this.#maybeClose()
  }

  #checkChannels(now: number, need: Set<number>): void {
    if (this.faulty.size > 0) this.#voidOverdue(now)
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
        w = { attempts: 0, lastProbe: Number.NEGATIVE_INFINITY, accusations: 0 }
        this.#waits.set(ch.index, w)
      }
      if (now - w.lastProbe >= this.#p.retransmitAfterMs) {
        w.attempts++
        w.lastProbe = now
        need.add(subject)
      }
      if (now < deadline || w.attempts < this.#p.maxRetransmits) continue
      // The parties the fault hurts escalate: the recipient for a missing job, the actor for a
      // missing receipt (docs/pop.md §5.3).
      if (!mine && ch.actor !== this.me) continue
      const item = mine ? Item.JobData : Item.Receipt
      if (w.recoveryAt === undefined) {
        w.recoveryAt = now
        this.#emit({ type: 'recovery-request', subject, phase: ch.phase, job: ch.job, item })
        this.#multicast('RecoveryRequest', { subject, phase: ch.phase, job: ch.job, recipient: ch.recipient, item })
      } else if (
        now - w.recoveryAt >= this.#p.recoveryTimeoutMs &&
        (w.accusation === undefined ||
          (this.#bc.isDecided(w.accusation) && now - (w.accusedAt ?? now) >= this.#p.recoveryTimeoutMs))
      ) {
        // First accusation, or a renewed one after an acquittal while the channel is still open
        // (the acquittal may have come from voters that had not yet received what they needed).
        const attempt = w.accusations++
        w.accusedAt = now
        w.accusation = mine
          ? this.#bc.accuse({ subject, phase: ch.phase, job: ch.job, recipient: ch.recipient, item, attempt })
          : this.#bc.accuseWithheldReceipt(ch.phase, ch.job, ch.recipient, attempt)
      }
    }
  }
}
