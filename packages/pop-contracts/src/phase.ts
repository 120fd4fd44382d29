// The phase state machine (paper §2.1, §3, §6): channels opened by the phase plan and closed
// when a job's message arrives; per phase and party the state "waiting" or "executed".
// Pure and synchronous: the node feeds it events, property tests drive it directly.
import type { Channel, Contract } from './contract.js'
import { ChannelClosedError, NoSuchChannelError, PhaseNotOpenError } from './errors.js'

/** `unopened` before its phase opens, `open` while awaited, `closed` once the job's message arrived, `void` if a faulty party made it impossible. */
export type ChannelState = 'unopened' | 'open' | 'closed' | 'void'
/** A party's state in one phase (paper §2.1: only "waiting" or "executed"). */
export type PartyPhaseState = 'waiting' | 'executed'

/** Tracks which channels are closed and which phase is open. */
export class PhaseMachine {
  readonly contract: Contract
  #open = false
  readonly #state: ('open' | 'closed' | 'void' | undefined)[]
  readonly #byKey = new Map<string, Channel>()
  readonly #contradicted = new Set<string>()
  #current = 0

  constructor(contract: Contract) {
    this.contract = contract
    this.#state = contract.channels.map(() => undefined)
    for (const c of contract.channels) this.#byKey.set(`${c.phase}/${c.job}/${c.recipient}`, c)
  }

  /** True once every party signed and the contract opened. */
  get isOpen(): boolean {
    return this.#open
  }
  /** Opens the contract and with it the first phase; returns the phases opened (normally [0]). */
  open(): number[] {
    if (this.#open) return []
    this.#open = true
    return this.#advance(true)
  }
  /** Index of the open phase, or `phases.length` when every phase is complete. */
  get currentPhase(): number {
    return this.#current
  }
  /** True when every job of every phase is complete (closed or void channels). */
  get done(): boolean {
    return this.#open && this.#current >= this.contract.phases.length
  }
  /** A phase is open when the contract is open and every earlier phase is complete. */
  isPhaseOpen(phase: number): boolean {
    return this.#open && phase <= this.#current && phase < this.contract.phases.length
  }
  /** The channel for (phase, job, recipient), or undefined. */
  channel(phase: number, job: number, recipient: number): Channel | undefined {
    return this.#byKey.get(`${phase}/${job}/${recipient}`)
  }
  channelState(index: number): ChannelState {
    const c = this.contract.channels[index]
    if (c === undefined) throw new NoSuchChannelError('no channel with this index', index)
    return this.#state[index] ?? (this.isPhaseOpen(c.phase) ? 'open' : 'unopened')
  }

  /**
   * Closes the input channel of `recipient` for (phase, job). Throws {@link PhaseNotOpenError}
   * before the phase opens and {@link ChannelClosedError} on a second close. Returns the phases
   * that opened as a consequence.
   */
  close(phase: number, job: number, recipient: number): number[] {
    const c = this.channel(phase, job, recipient)
    if (c === undefined) throw new NoSuchChannelError('the contract has no such channel', { phase, job, recipient })
    if (!this.isPhaseOpen(phase))
      throw new PhaseNotOpenError('the channel belongs to a phase that is not open', { phase, job, recipient })
    const s = this.#state[c.index]
    if (s !== undefined) throw new ChannelClosedError(`the channel is already ${s}`, { phase, job, recipient })
    this.#state[c.index] = 'closed'
    return this.#advance(false)
  }

  /**
   * Voids every channel that is not closed and in which `party` acts or receives: the contract
   * continues without a party convicted faulty. Returns the phases that opened.
   */
  voidParty(party: number): number[] {
    for (const c of this.contract.channels) {
      if ((c.actor === party || c.recipient === party) && this.#state[c.index] === undefined)
        this.#state[c.index] = 'void'
    }
    return this.#open ? this.#advance(false) : []
  }

  /**
   * Voids one channel that is neither closed nor void (its actor or recipient was convicted
   * and it is overdue). Returns the phases that opened.
   */
  voidChannel(index: number): number[] {
    const c = this.contract.channels[index]
    if (c === undefined) throw new NoSuchChannelError('no channel with this index', index)
    if (this.#state[index] !== undefined)
      throw new ChannelClosedError(`the channel is already ${this.#state[index]}`, index)
    this.#state[index] = 'void'
    return this.#open ? this.#advance(false) : []
  }

  /** Turns a void channel into a closed one (its receipt arrived late); phases are unaffected. */
  revive(index: number): void {
    if (this.#state[index] !== 'void') throw new ChannelClosedError('only a void channel can be revived', index)
    this.#state[index] = 'closed'
  }

  /** Marks a job as contradicted (its actor signed two different messages): it earns nothing. */
  contradict(phase: number, job: number): void {
    this.#contradicted.add(`${phase}/${job}`)
  }
  isContradicted(phase: number, job: number): boolean {
    return this.#contradicted.has(`${phase}/${job}`)
  }

  /** Channels of one job. */
  jobChannels(phase: number, job: number): Channel[] {
    return this.contract.channels.filter((c) => c.phase === phase && c.job === job)
  }
  /** A job is complete when none of its channels is still awaited. */
  jobComplete(phase: number, job: number): boolean {
    return this.jobChannels(phase, job).every((c) => this.#state[c.index] !== undefined)
  }
  /** A job is executed (earns its hours) when every channel closed and it was not contradicted. */
  jobExecuted(phase: number, job: number): boolean {
    return (
      !this.isContradicted(phase, job) && this.jobChannels(phase, job).every((c) => this.#state[c.index] === 'closed')
    )
  }
  /** "executed" when the party acts in the phase and all its jobs there are executed; else "waiting". */
  partyState(phase: number, party: number): PartyPhaseState {
    const ph = this.contract.phases[phase]
    if (ph === undefined) throw new NoSuchChannelError('no such phase', phase)
    const mine = ph.jobs.map((j, k) => ({ j, k })).filter(({ j }) => j.actor === party)
    return mine.length > 0 && mine.every(({ k }) => this.jobExecuted(phase, k)) ? 'executed' : 'waiting'
  }
  /** Hours earned so far by each party: the hours of its executed jobs. */
  hours(): number[] {
    const out = this.contract.parties.map(() => 0)
    this.contract.phases.forEach((ph, p) => {
      ph.jobs.forEach((j, k) => {
        if (this.jobExecuted(p, k)) out[j.actor] = (out[j.actor] ?? 0) + j.hours
      })
    })
    return out
  }

  #advance(justOpened: boolean): number[] {
    const len = this.contract.phases.length
    const before = this.#current
    let p = before
    while (p < len && (this.contract.phases[p]?.jobs ?? []).every((_j, k) => this.jobComplete(p, k))) p++
    this.#current = p
    const opened: number[] = []
    for (let q = justOpened ? before : before + 1; q <= Math.min(p, len - 1); q++) opened.push(q)
    return opened
  }
}
