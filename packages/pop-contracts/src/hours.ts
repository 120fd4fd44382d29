// Hours (paper §4.3, §9): each party earns the hours of its executed jobs; earned hours can be
// sent to any other participant. The ledger credits a closed contract only from its evidence
// (Level 1 signatures, recipients' receipts) and rejects double spending.
import { sha256 } from '@noble/hashes/sha2.js'
import { deserialize, type Layout, serialize } from 'binary-layout'
import type { Contract } from './contract.js'
import {
  AlreadyCreditedError,
  DoubleSpendError,
  DuplicateTransferError,
  InsufficientHoursError,
  NonceGapError,
  TransferInvalidError,
  TransferSignatureInvalidError,
} from './errors.js'
import { checkLevel1 } from './evidence.js'
import { bytesToHex, equalBytes, type Identity, partyHashOf, signStatement, verifyStatement } from './identity.js'
import { checkViolation, type Receipt, type ViolationEvidence, verifyJob, verifyReceipt } from './statements.js'

export const TRANSFER_DOMAIN = 'atmosphere/pop/transfer/v1'

/** Transfer encoding signed by the sender: 32-byte sender key, 32-byte recipient party hash, u64 amount, u64 nonce. */
export const transferLayout = [
  { name: 'from', binary: 'bytes', size: 32 },
  { name: 'to', binary: 'bytes', size: 32 },
  { name: 'amount', binary: 'uint', size: 8 },
  { name: 'nonce', binary: 'uint', size: 8 },
] as const satisfies Layout

/** A transfer of earned hours. `from` is the sender's public key; `to` any participant's party hash. */
export interface Transfer {
  readonly from: Uint8Array
  readonly to: Uint8Array
  readonly amount: bigint
  /** The sender's transfer counter: 0, 1, 2, ... */
  readonly nonce: bigint
}
export interface SignedTransfer extends Transfer {
  readonly signature: Uint8Array
}

/** Signs a transfer from `identity`. */
export function signTransfer(identity: Identity, to: Uint8Array, amount: bigint, nonce: bigint): SignedTransfer {
  const t: Transfer = { from: identity.publicKey, to, amount, nonce }
  return { ...t, signature: signStatement(identity.secretKey, TRANSFER_DOMAIN, encodeTransfer(t)) }
}

/** Canonical bytes of a transfer. */
export function encodeTransfer(t: Transfer): Uint8Array {
  return serialize(transferLayout, { from: t.from, to: t.to, amount: t.amount, nonce: t.nonce })
}
export function decodeTransfer(bytes: Uint8Array): Transfer {
  try {
    return deserialize(transferLayout, bytes)
  } catch (cause) {
    throw new TransferInvalidError('transfer encoding does not match the layout', bytes, { cause })
  }
}

/** Evidence the ledger needs to credit a contract (a node's {@link ContractOutcome} fits). */
export interface ContractEvidence {
  readonly contract: Contract
  readonly signatures: readonly (Uint8Array | undefined)[]
  readonly receipts: readonly Receipt[]
  readonly violations?: readonly ViolationEvidence[]
}

/**
 * Hours each party earned, computed from evidence alone: a job earns its hours when every
 * recipient's valid receipt names the same actor-signed digest and no valid violation
 * evidence contradicts it. Invalid receipts are ignored.
 */
export function earnedHours(evidence: ContractEvidence): number[] {
  const { contract } = evidence
  checkLevel1(contract, evidence.signatures)
  const byChannel = new Map<string, Receipt>()
  for (const r of evidence.receipts) {
    if (!verifyJob(contract, r.phase, r.job, r.digest, r.jobSig)) continue
    if (!verifyReceipt(contract, r.phase, r.job, r.recipient, r.digest, r.receiptSig)) continue
    byChannel.set(`${r.phase}/${r.job}/${r.recipient}`, r)
  }
  const contradicted = new Set<string>()
  for (const v of evidence.violations ?? []) {
    try {
      checkViolation(contract, v)
      contradicted.add(`${v.phase}/${v.job}`)
    } catch {
      // evidence that proves nothing contradicts nothing
    }
  }
  const hours = contract.parties.map(() => 0)
  contract.phases.forEach((ph, p) => {
    ph.jobs.forEach((job, k) => {
      if (contradicted.has(`${p}/${k}`)) return
      const rs = job.for.map((r) => byChannel.get(`${p}/${k}/${r}`))
      const first = rs[0]
      if (first === undefined || rs.some((r) => r === undefined || !equalBytes(r.digest, first.digest))) return
      hours[job.actor] = (hours[job.actor] ?? 0) + job.hours
    })
  })
  return hours
}

/** Balances of hours by party hash (hex), with replay- and double-spend-safe transfers. */
export class HoursLedger {
  readonly #balances = new Map<string, bigint>()
  readonly #nonces = new Map<string, bigint>()
  readonly #spent = new Map<string, string>()
  readonly #credited = new Set<string>()

  /** Balance of a party hash (bytes or hex). */
  balance(party: Uint8Array | string): bigint {
    return this.#balances.get(typeof party === 'string' ? party : bytesToHex(party)) ?? 0n
  }

  /** Credits every party the hours its evidence proves; a contract is credited once. Returns the hours. */
  credit(evidence: ContractEvidence): number[] {
    if (this.#credited.has(evidence.contract.hashHex))
      throw new AlreadyCreditedError('contract already credited', evidence.contract.hashHex)
    const hours = earnedHours(evidence)
    this.#credited.add(evidence.contract.hashHex)
    hours.forEach((h, i) => {
      const who = evidence.contract.partyHexes[i] as string
      this.#balances.set(who, this.balance(who) + BigInt(h))
    })
    return hours
  }

  /** Applies a signed transfer; throws a typed error and changes nothing if it is not valid. */
  transfer(t: SignedTransfer): void {
    if (t.from.length !== 32 || t.to.length !== 32)
      throw new TransferInvalidError('from must be a 32-byte key and to a 32-byte party hash', t)
    if (t.amount <= 0n || t.amount >= 2n ** 64n) throw new TransferInvalidError('amount must be 1..2^64-1', t.amount)
    if (t.nonce < 0n || t.nonce >= 2n ** 64n) throw new TransferInvalidError('nonce must be a u64', t.nonce)
    const from = bytesToHex(partyHashOf(t.from))
    const to = bytesToHex(t.to)
    if (from === to) throw new TransferInvalidError('a transfer to oneself moves nothing', to)
    const bytes = encodeTransfer(t)
    if (!verifyStatement(t.from, TRANSFER_DOMAIN, bytes, t.signature))
      throw new TransferSignatureInvalidError('transfer not signed by its sender', t.signature)
    const id = bytesToHex(sha256(bytes))
    const spentKey = `${from}/${t.nonce}`
    const previous = this.#spent.get(spentKey)
    if (previous === id) throw new DuplicateTransferError('this transfer was already applied', id)
    if (previous !== undefined)
      throw new DoubleSpendError('another transfer already spent this nonce', {
        nonce: t.nonce,
        previous,
        attempted: id,
      })
    const expected = this.#nonces.get(from) ?? 0n
    if (t.nonce !== expected) throw new NonceGapError(`next nonce of this sender is ${expected}`, t.nonce)
    const balance = this.balance(from)
    if (balance < t.amount) throw new InsufficientHoursError(`balance is ${balance} hours`, t.amount)
    this.#balances.set(from, balance - t.amount)
    this.#balances.set(to, this.balance(to) + t.amount)
    this.#nonces.set(from, expected + 1n)
    this.#spent.set(spentKey, id)
  }
}

/** Participant state (paper §2.4, §4.3): "active" while in at least one open contract, else "passive". */
export class Participants {
  readonly #open = new Map<string, Set<string>>()
  /** Records that a contract opened (all signatures present). */
  opened(contract: Contract): void {
    for (const p of contract.partyHexes) {
      const set = this.#open.get(p) ?? new Set<string>()
      set.add(contract.hashHex)
      this.#open.set(p, set)
    }
  }
  /** Records that a contract closed. */
  closed(contract: Contract): void {
    for (const p of contract.partyHexes) this.#open.get(p)?.delete(contract.hashHex)
  }
  state(party: Uint8Array | string): 'active' | 'passive' {
    const hex = typeof party === 'string' ? party : bytesToHex(party)
    return (this.#open.get(hex)?.size ?? 0) > 0 ? 'active' : 'passive'
  }
  /** Numbers of active and passive participants among those ever seen. */
  counts(): { active: number; passive: number } {
    let active = 0
    for (const s of this.#open.values()) if (s.size > 0) active++
    return { active, passive: this.#open.size - active }
  }
}
