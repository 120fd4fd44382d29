// Signed statements carried inside units. A unit signature binds one datagram pair to one
// receiver; these inner statements are receiver-independent so they can be relayed as
// evidence (recovery, violation requests, hours credit). docs/pop.md §5.
import { sha256 } from '@noble/hashes/sha2.js'
import type { Contract } from './contract.js'
import { InvalidEvidenceError } from './errors.js'
import { concat, equalBytes, signStatement, verifyStatement } from './identity.js'

export const JOB_DOMAIN = 'atmosphere/pop/job/v1'
export const RECEIPT_DOMAIN = 'atmosphere/pop/receipt/v1'
export const VOTE_DOMAIN = 'atmosphere/pop/vote/v1'

function jobMessage(contract: Contract, phase: number, job: number, digest: Uint8Array): Uint8Array {
  return concat(contract.hash, Uint8Array.of(phase, job), digest)
}

/** Actor's statement "for (phase, job) I delivered the data with this SHA-256 digest". */
export function signJob(
  secretKey: Uint8Array,
  contract: Contract,
  phase: number,
  job: number,
  digest: Uint8Array,
): Uint8Array {
  return signStatement(secretKey, JOB_DOMAIN, jobMessage(contract, phase, job, digest))
}
export function verifyJob(
  contract: Contract,
  phase: number,
  job: number,
  digest: Uint8Array,
  sig: Uint8Array,
): boolean {
  const actor = contract.phases[phase]?.jobs[job]?.actor
  const key = actor === undefined ? undefined : contract.parties[actor]
  return key !== undefined && verifyStatement(key, JOB_DOMAIN, jobMessage(contract, phase, job, digest), sig)
}

function receiptMessage(
  contract: Contract,
  phase: number,
  job: number,
  recipient: number,
  digest: Uint8Array,
): Uint8Array {
  return concat(contract.hash, Uint8Array.of(phase, job, recipient), digest)
}
/** Recipient's statement "my input channel for (phase, job) closed on data with this digest". */
export function signReceipt(
  secretKey: Uint8Array,
  contract: Contract,
  phase: number,
  job: number,
  recipient: number,
  digest: Uint8Array,
): Uint8Array {
  return signStatement(secretKey, RECEIPT_DOMAIN, receiptMessage(contract, phase, job, recipient, digest))
}
export function verifyReceipt(
  contract: Contract,
  phase: number,
  job: number,
  recipient: number,
  digest: Uint8Array,
  sig: Uint8Array,
): boolean {
  const key = contract.parties[recipient]
  return (
    key !== undefined &&
    verifyStatement(key, RECEIPT_DOMAIN, receiptMessage(contract, phase, job, recipient, digest), sig)
  )
}

function voteMessage(contract: Contract, accusation: Uint8Array, subject: number, guilty: boolean): Uint8Array {
  return concat(contract.hash, accusation, Uint8Array.of(subject, guilty ? 1 : 0))
}
export function signVote(
  secretKey: Uint8Array,
  contract: Contract,
  accusation: Uint8Array,
  subject: number,
  guilty: boolean,
): Uint8Array {
  return signStatement(secretKey, VOTE_DOMAIN, voteMessage(contract, accusation, subject, guilty))
}
export function verifyVote(
  contract: Contract,
  voter: number,
  accusation: Uint8Array,
  subject: number,
  guilty: boolean,
  sig: Uint8Array,
): boolean {
  const key = contract.parties[voter]
  return key !== undefined && verifyStatement(key, VOTE_DOMAIN, voteMessage(contract, accusation, subject, guilty), sig)
}

/** A recipient's receipt as evidence of a job's execution. */
export interface Receipt {
  readonly phase: number
  readonly job: number
  readonly recipient: number
  readonly digest: Uint8Array
  readonly jobSig: Uint8Array
  readonly receiptSig: Uint8Array
}

/** Two contradictory actor statements for one job: the paper's "two or more different messages". */
export interface ViolationEvidence {
  readonly subject: number
  readonly phase: number
  readonly job: number
  readonly digestA: Uint8Array
  readonly sigA: Uint8Array
  readonly digestB: Uint8Array
  readonly sigB: Uint8Array
}

/** Orders the two statements by digest so every accuser builds the same evidence. */
export function normalizeViolation(e: ViolationEvidence): ViolationEvidence {
  return compareBytes(e.digestA, e.digestB) <= 0
    ? e
    : { ...e, digestA: e.digestB, sigA: e.sigB, digestB: e.digestA, sigB: e.sigA }
}

/** Throws {@link InvalidEvidenceError} unless the evidence proves the subject signed two different digests for one job. */
export function checkViolation(contract: Contract, e: ViolationEvidence): void {
  const job = contract.phases[e.phase]?.jobs[e.job]
  if (job === undefined)
    throw new InvalidEvidenceError('evidence names a job the contract does not have', { phase: e.phase, job: e.job })
  if (job.actor !== e.subject)
    throw new InvalidEvidenceError('the accused party is not the actor of the job', e.subject)
  if (equalBytes(e.digestA, e.digestB))
    throw new InvalidEvidenceError('the two statements are identical, not contradictory', e.digestA)
  if (!verifyJob(contract, e.phase, e.job, e.digestA, e.sigA))
    throw new InvalidEvidenceError('first statement is not signed by the actor', e.sigA)
  if (!verifyJob(contract, e.phase, e.job, e.digestB, e.sigB))
    throw new InvalidEvidenceError('second statement is not signed by the actor', e.sigB)
}

/** Lexicographic byte comparison. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return a.length - b.length
}

/** Guilty votes needed among the m parties other than the subject: more than two thirds (paper §2.2, [3]). */
export function convictionThreshold(parties: number): number {
  const m = parties - 1
  return Math.floor((2 * m) / 3) + 1
}

/** SHA-256 of the per-party hours table (u32 big-endian each), carried by Close units. */
export function hoursDigest(hours: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(hours.length * 4)
  const view = new DataView(bytes.buffer)
  hours.forEach((h, i) => {
    view.setUint32(i * 4, h)
  })
  return sha256(bytes)
}
