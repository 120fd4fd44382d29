// The Byzantine channel of one party (paper §4.2; docs/pop.md §5.3): recovery requests and
// responses, violation and silence accusations, signed votes and conviction. Open from
// contract open to contract close; the engine checks the Level-2 privilege before calling in.
import type { Clock } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import type { Contract } from './contract.js'
import { InvalidEvidenceError, OutOfContractError, StatementSignatureInvalidError } from './errors.js'
import { bytesToHex, equalBytes } from './identity.js'
import type { PopEvent } from './node-types.js'
import type { PhaseMachine } from './phase.js'
import {
  checkViolation,
  convictionThreshold,
  type Receipt,
  signVote,
  type ViolationEvidence,
  verifyJob,
  verifyVote,
} from './statements.js'
import { AccusationKind, encodePayload, Item, type PayloadOf, type UnitTypeName } from './wire.js'

/** Job data as held by a party that sent or received it. */
export interface HeldJob {
  readonly digest: Uint8Array
  readonly jobSig: Uint8Array
  readonly data: Uint8Array
}

/** What the Byzantine channel needs from its engine. */
export interface ByzantineHost {
  readonly contract: Contract
  readonly me: number
  readonly machine: PhaseMachine
  readonly faulty: Set<number>
  readonly secretKey: Uint8Array
  readonly clock: Clock
  readonly voteDelayMs: number
  /** Longest wait for an accusation's verdict before the contract may close anyway. */
  readonly pendingLimitMs: number
  /** Receipts known, by channel index. */
  readonly receipts: ReadonlyMap<number, Receipt>
  /** Job data held, by "phase/job". */
  readonly heldData: Map<string, HeldJob>
  isClosed(): boolean
  emit(e: PopEvent): void
  multicast<T extends UnitTypeName>(type: T, value: PayloadOf<T>): void
  sendUnit<T extends UnitTypeName>(to: number, type: T, value: PayloadOf<T>): void
  safely(f: () => void): void
  reject(error: unknown, from?: number): void
  remember(phase: number, job: number, digest: Uint8Array, sig: Uint8Array): void
  onReceipt(r: Receipt, via: 'receipt' | 'recovery'): void
  /** Verified job data for one of my input channels (from recovery). */
  deliverJob(phase: number, job: number, digest: Uint8Array, jobSig: Uint8Array, data: Uint8Array): void
  /** A party was convicted faulty. */
  convicted(party: number): void
  /** An accusation was decided without a conviction. */
  settled(): void
}

interface Accusation {
  readonly id: Uint8Array
  readonly idHex: string
  readonly subject: number
  readonly payload: PayloadOf<'Accusation'>
  readonly votes: Map<number, { guilty: boolean; sig: Uint8Array }>
  readonly accuser: number
  readonly receivedAt: number
  decided: boolean
}

/** One party's side of the Byzantine channel. */
export class ByzantineChannel {
  readonly #h: ByzantineHost
  readonly #n: number
  readonly #accusations = new Map<string, Accusation>()
  readonly #earlyVotes = new Map<string, { voter: number; p: PayloadOf<'Vote'> }[]>()
  readonly #accusedKeys = new Set<string>()

  constructor(host: ByzantineHost) {
    this.#h = host
    this.#n = host.contract.parties.length
  }

  /**
   * The actor's escalation against a recipient that withholds its receipt: first give every
   * party the job data (so each can hand it to the recipient), then accuse.
   */
  accuseWithheldReceipt(phase: number, job: number, recipient: number, attempt: number): string | undefined {
    for (let i = 0; i < this.#n; i++)
      if (i !== this.#h.me) this.#respondRecovery(i, phase, job, recipient, Item.JobData)
    return this.accuse({ subject: recipient, phase, job, recipient, item: Item.Receipt, attempt })
  }

  /** Parties whose vote on an undecided accusation has not arrived. */
  awaitedVoters(): Set<number> {
    const out = new Set<number>()
    for (const acc of this.#accusations.values()) {
      if (acc.decided) continue
      for (let i = 0; i < this.#n; i++) {
        if (i !== this.#h.me && i !== acc.subject && !this.#h.faulty.has(i) && !acc.votes.has(i)) out.add(i)
      }
    }
    return out
  }

  /**
   * Multicasts an accusation and votes on it; returns its id (hex), or undefined if this fault
   * was already accused or its subject is already faulty. `attempt` distinguishes a renewed
   * silence accusation after an acquittal.
   */
  accuse(
    e:
      | ViolationEvidence
      | { subject: number; phase: number; job: number; recipient: number; item: number; attempt?: number },
  ): string | undefined {
    const violation = 'digestA' in e
    const attempt = violation ? 0 : (e.attempt ?? 0)
    const key = violation
      ? `v/${e.subject}/${e.phase}/${e.job}`
      : `s/${e.subject}/${e.phase}/${e.job}/${e.recipient}/${e.item}/${attempt}`
    if (this.#accusedKeys.has(key) || this.#h.faulty.has(e.subject)) return undefined
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
          attempt: 0,
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
          attempt,
          digestA: zero32,
          sigA: zero64,
          digestB: zero32,
          sigB: zero64,
        }
    // An accusation is identified by its content, so every accuser of the same fault yields one ballot.
    const id = sha256(encodePayload('Accusation', payload))
    const idHex = bytesToHex(id)
    if (this.#accusations.has(idHex)) return idHex
    this.#h.multicast('Accusation', payload)
    this.onAccusation(this.#h.me, payload)
    return idHex
  }

  /**
   * True while an accusation awaits a verdict that a vote still to come could give: its subject
   * and its accuser are not convicted, some party neither accused nor convicted has not voted,
   * and it arrived less than `voteDelayMs + recoveryTimeoutMs` ago (a party that already closed
   * can no longer vote, so the wait is bounded).
   */
  hasPending(): boolean {
    const now = this.#h.clock.now()
    for (const acc of this.#accusations.values()) {
      if (acc.decided || this.#h.faulty.has(acc.subject) || this.#h.faulty.has(acc.accuser)) continue
      if (now - acc.receivedAt >= this.#h.pendingLimitMs) continue
      for (let i = 0; i < this.#n; i++) {
        if (i !== acc.subject && !this.#h.faulty.has(i) && !acc.votes.has(i)) return true
      }
    }
    return false
  }

  /** True once the accusation with this id was decided (convicted or acquitted). */
  isDecided(idHex: string): boolean {
    return this.#accusations.get(idHex)?.decided === true
  }

  onAccusation(sender: number, v: PayloadOf<'Accusation'>): void {
    const id = sha256(encodePayload('Accusation', v))
    const idHex = bytesToHex(id)
    if (this.#accusations.has(idHex)) return
    if (v.subject >= this.#n) throw new InvalidEvidenceError('accused party does not exist', v.subject)
    const acc: Accusation = {
      id,
      idHex,
      subject: v.subject,
      payload: v,
      votes: new Map(),
      accuser: sender,
      receivedAt: this.#h.clock.now(),
      decided: false,
    }
    this.#accusations.set(idHex, acc)
    const kind = v.kind === AccusationKind.Violation ? 'violation' : 'silence'
    this.#h.emit({ type: 'accusation', id: idHex, kind, subject: v.subject, by: sender })
    if (v.kind === AccusationKind.Violation) this.#accusedKeys.add(`v/${v.subject}/${v.phase}/${v.job}`)
    if (v.kind === AccusationKind.Violation) {
      let guilty: boolean
      try {
        checkViolation(this.#h.contract, v)
        guilty = true
        this.#h.remember(v.phase, v.job, v.digestA, v.sigA)
        this.#h.remember(v.phase, v.job, v.digestB, v.sigB)
      } catch (error) {
        this.#h.reject(error, sender)
        guilty = false
      }
      if (v.subject !== this.#h.me) this.#castVote(acc, guilty)
    } else if (v.subject === this.#h.me) {
      // Accused of silence: defend by giving the item to every party (they relay and acquit).
      if (this.#heldItem(v.phase, v.job, v.recipient, v.item)) {
        for (let i = 0; i < this.#n; i++)
          if (i !== this.#h.me) this.#respondRecovery(i, v.phase, v.job, v.recipient, v.item)
      }
    } else if (v.item === Item.Receipt) {
      // Withheld receipt: the accuser must have shown everyone the job data. A voter that holds
      // it hands it to the accused recipient itself, then votes guilty only if the recipient
      // still has not receipted; a voter without the data votes not guilty.
      const key = `${v.phase}/${v.job}`
      let forwarded = false
      const forward = () => {
        if (forwarded || !this.#h.heldData.has(key)) return
        forwarded = true
        this.#respondRecovery(v.subject, v.phase, v.job, v.recipient, Item.JobData)
      }
      forward()
      this.#h.clock.setTimeout(() => this.#h.safely(forward), this.#h.voteDelayMs / 2)
      this.#h.clock.setTimeout(() => {
        this.#h.safely(() => {
          if (acc.decided || this.#h.isClosed()) return
          const receipted = this.#heldItem(v.phase, v.job, v.recipient, Item.Receipt)
          if (receipted && sender !== this.#h.me)
            this.#respondRecovery(sender, v.phase, v.job, v.recipient, Item.Receipt)
          // Nobody is guilty of not acting in a phase that is not open in my view.
          this.#castVote(acc, this.#h.machine.isPhaseOpen(v.phase) && this.#h.heldData.has(key) && !receipted)
        })
      }, this.#h.voteDelayMs)
    } else {
      // Silence: after a grace period for the defence, guilty unless I hold the missing item,
      // in which case I relay it to the accuser.
      this.#h.clock.setTimeout(() => {
        this.#h.safely(() => {
          if (acc.decided || this.#h.isClosed()) return
          const held = this.#heldItem(v.phase, v.job, v.recipient, v.item)
          if (held && sender !== this.#h.me) this.#respondRecovery(sender, v.phase, v.job, v.recipient, v.item)
          this.#castVote(acc, this.#h.machine.isPhaseOpen(v.phase) && !held)
        })
      }, this.#h.voteDelayMs)
    }
    for (const early of this.#earlyVotes.get(idHex) ?? []) this.#h.safely(() => this.onVote(early.voter, early.p))
    this.#earlyVotes.delete(idHex)
  }

  #castVote(acc: Accusation, guilty: boolean): void {
    const voteSig = signVote(this.#h.secretKey, this.#h.contract, acc.id, acc.subject, guilty)
    this.#h.multicast('Vote', { accusation: acc.id, subject: acc.subject, guilty: guilty ? 1 : 0, voteSig })
    this.#tally(acc, this.#h.me, guilty, voteSig)
  }

  onVote(sender: number, v: PayloadOf<'Vote'>): void {
    const guilty = v.guilty === 1
    if (!verifyVote(this.#h.contract, sender, v.accusation, v.subject, guilty, v.voteSig))
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
    this.#h.emit({ type: 'vote', id: acc.idHex, voter, guilty })
    if (acc.decided) return
    const need = convictionThreshold(this.#n)
    const yes = [...acc.votes.values()].filter((x) => x.guilty).length
    const no = acc.votes.size - yes
    if (yes >= need) {
      acc.decided = true
      if (!this.#h.faulty.has(acc.subject)) {
        this.#h.faulty.add(acc.subject)
        this.#h.emit({ type: 'faulty', party: acc.subject, accusation: acc.idHex })
        this.#h.convicted(acc.subject)
      }
    } else if (no > this.#n - 1 - need) {
      acc.decided = true
      this.#h.emit({ type: 'acquitted', party: acc.subject, accusation: acc.idHex })
      this.#h.settled()
    }
  }

  #heldItem(phase: number, k: number, recipient: number, item: number): boolean {
    if (item === Item.Receipt) {
      const ch = this.#h.machine.channel(phase, k, recipient)
      return ch !== undefined && this.#h.receipts.has(ch.index)
    }
    return this.#h.heldData.has(`${phase}/${k}`)
  }

  #respondRecovery(to: number, phase: number, k: number, recipient: number, item: number): void {
    if (item === Item.Receipt) {
      const ch = this.#h.machine.channel(phase, k, recipient)
      const r = ch === undefined ? undefined : this.#h.receipts.get(ch.index)
      if (r === undefined) return
      this.#h.sendUnit(to, 'RecoveryResponse', {
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
      const held = this.#h.heldData.get(`${phase}/${k}`)
      if (held === undefined) return
      this.#h.sendUnit(to, 'RecoveryResponse', {
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
    this.#h.emit({ type: 'recovery-response', to, phase, job: k })
  }

  onRecoveryRequest(sender: number, v: PayloadOf<'RecoveryRequest'>): void {
    if (v.subject >= this.#n)
      throw new OutOfContractError('recovery request about a party that does not exist', v.subject)
    if (this.#heldItem(v.phase, v.job, v.recipient, v.item))
      this.#respondRecovery(sender, v.phase, v.job, v.recipient, v.item)
  }

  onRecoveryResponse(_sender: number, v: PayloadOf<'RecoveryResponse'>): void {
    if (v.item === Item.Receipt) {
      this.#h.onReceipt(
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
    if (!verifyJob(this.#h.contract, v.phase, v.job, v.digest, v.jobSig))
      throw new StatementSignatureInvalidError('recovered job statement not signed by its actor', v)
    this.#h.remember(v.phase, v.job, v.digest, v.jobSig)
    if (!this.#h.heldData.has(`${v.phase}/${v.job}`))
      this.#h.heldData.set(`${v.phase}/${v.job}`, { digest: v.digest, jobSig: v.jobSig, data: v.data })
    this.#h.deliverJob(v.phase, v.job, v.digest, v.jobSig, v.data)
  }
}
