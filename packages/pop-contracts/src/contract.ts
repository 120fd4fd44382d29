// The contract model (paper §2.1, §4.3): parties known by their party hash, phases, and per
// phase the jobs (who acts for whom, what, for how many hours, by when). The contract hash is
// SHA-256 of the canonical binary encoding declared below; every party signs that hash.
import { sha256 } from '@noble/hashes/sha2.js'
import { type CustomConversion, type DeriveType, deserialize, type Layout, serialize } from 'binary-layout'
import { ContractDecodeError, ContractInvalidError, ContractSignatureInvalidError } from './errors.js'
import { bytesToHex, equalBytes, type Identity, partyHashOf, signStatement, verifyStatement } from './identity.js'

/** Domain of a party's signature over the contract hash. */
export const CONTRACT_SIGNATURE_DOMAIN = 'atmosphere/pop/contract/v1'
/** Limits that keep every unit inside one UDP datagram and indices inside one byte. */
export const LIMITS = { maxParties: 64, maxPhases: 255, maxJobsPerPhase: 255, maxActionBytes: 512 } as const

const utf8: CustomConversion<Uint8Array, string> = {
  to: (encoded: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(encoded),
  from: (decoded: string) => new TextEncoder().encode(decoded),
}

const jobLayout = [
  { name: 'actor', binary: 'uint', size: 1 },
  { name: 'for', binary: 'array', lengthSize: 1, layout: { binary: 'uint', size: 1 } },
  { name: 'hours', binary: 'uint', size: 4 },
  { name: 'deadlineMs', binary: 'uint', size: 4 },
  { name: 'action', binary: 'bytes', lengthSize: 2, custom: utf8 },
] as const satisfies Layout

/** Canonical contract encoding (docs/pop.md §2.2). */
export const contractLayout = [
  { name: 'magic', binary: 'bytes', custom: new Uint8Array([0x50, 0x6f, 0x50, 0x43]), omit: true },
  { name: 'version', binary: 'uint', size: 1, custom: 1, omit: true },
  { name: 'nonce', binary: 'bytes', size: 16 },
  { name: 'parties', binary: 'array', lengthSize: 1, layout: { binary: 'bytes', size: 32 } },
  {
    name: 'phases',
    binary: 'array',
    lengthSize: 1,
    layout: [{ name: 'jobs', binary: 'array', lengthSize: 1, layout: jobLayout }],
  },
] as const satisfies Layout

/** One job: `actor` acts for every party in `for`, worth `hours`, within `deadlineMs` of the phase opening. */
export interface Job {
  readonly actor: number
  readonly for: readonly number[]
  readonly action: string
  readonly hours: number
  readonly deadlineMs: number
}
/** One executive phase. */
export interface Phase {
  readonly jobs: readonly Job[]
}
/** What the parties agree on before signing. */
export interface ContractSpec {
  /** 16 bytes making otherwise equal contracts distinct. */
  readonly nonce: Uint8Array
  /** ed25519 public keys, 32 bytes each; a party's index is its position here. */
  readonly parties: readonly Uint8Array[]
  readonly phases: readonly Phase[]
}
/** A channel: the input channel of `recipient` and the output channel of `actor` for one job. */
export interface Channel {
  readonly index: number
  readonly phase: number
  readonly job: number
  readonly actor: number
  readonly recipient: number
}
/** A validated contract with its canonical encoding, hash and derived tables. */
export interface Contract extends ContractSpec {
  readonly encoding: Uint8Array
  readonly hash: Uint8Array
  readonly hashHex: string
  readonly partyHashes: readonly Uint8Array[]
  readonly partyHexes: readonly string[]
  /** All channels in (phase, job, recipient order in `for`) order. */
  readonly channels: readonly Channel[]
}

type Encoded = DeriveType<typeof contractLayout>

/** Validates a spec and derives encoding, hash and channels; throws {@link ContractInvalidError}. */
export function makeContract(spec: ContractSpec): Contract {
  validate(spec)
  const encoded: Encoded = {
    nonce: spec.nonce,
    parties: spec.parties.map((p) => p),
    phases: spec.phases.map((ph) => ({
      jobs: ph.jobs.map((j) => ({
        actor: j.actor,
        for: [...j.for],
        hours: j.hours,
        deadlineMs: j.deadlineMs,
        action: j.action,
      })),
    })),
  }
  const encoding = serialize(contractLayout, encoded)
  return derive(spec, encoding)
}

function derive(spec: ContractSpec, encoding: Uint8Array): Contract {
  const hash = sha256(encoding)
  const partyHashes = spec.parties.map(partyHashOf)
  const channels: Channel[] = []
  spec.phases.forEach((ph, phase) => {
    ph.jobs.forEach((j, job) => {
      for (const recipient of j.for) channels.push({ index: channels.length, phase, job, actor: j.actor, recipient })
    })
  })
  return {
    nonce: spec.nonce,
    parties: spec.parties,
    phases: spec.phases,
    encoding,
    hash,
    hashHex: bytesToHex(hash),
    partyHashes,
    partyHexes: partyHashes.map(bytesToHex),
    channels,
  }
}

/** Decodes a canonical encoding; rejects trailing bytes and non-canonical input. */
export function decodeContract(bytes: Uint8Array): Contract {
  let decoded: Encoded
  try {
    decoded = deserialize(contractLayout, bytes)
  } catch (cause) {
    throw new ContractDecodeError('contract encoding does not match the layout', bytes, { cause })
  }
  const spec: ContractSpec = {
    nonce: decoded.nonce,
    parties: decoded.parties,
    phases: decoded.phases.map((ph) => ({ jobs: ph.jobs.map((j) => ({ ...j, for: [...j.for] })) })),
  }
  const contract = makeContract(spec)
  if (!equalBytes(contract.encoding, bytes)) throw new ContractDecodeError('contract encoding is not canonical', bytes)
  return contract
}

function validate(spec: ContractSpec): void {
  const bad = (msg: string, value: unknown): never => {
    throw new ContractInvalidError(msg, value)
  }
  if (!(spec.nonce instanceof Uint8Array) || spec.nonce.length !== 16) bad('nonce must be 16 bytes', spec.nonce)
  const n = spec.parties.length
  if (n < 2 || n > LIMITS.maxParties) bad(`a contract needs 2..${LIMITS.maxParties} parties`, n)
  const seen = new Set<string>()
  spec.parties.forEach((p, i) => {
    if (!(p instanceof Uint8Array) || p.length !== 32) bad(`party ${i}: public key must be 32 bytes`, p)
    const hex = bytesToHex(p)
    if (seen.has(hex)) bad(`party ${i}: public key listed twice`, hex)
    seen.add(hex)
  })
  if (spec.phases.length < 1 || spec.phases.length > LIMITS.maxPhases)
    bad('a contract needs 1..255 phases', spec.phases.length)
  spec.phases.forEach((ph, p) => {
    if (ph.jobs.length < 1 || ph.jobs.length > LIMITS.maxJobsPerPhase)
      bad(`phase ${p}: needs 1..255 jobs`, ph.jobs.length)
    ph.jobs.forEach((j, k) => {
      const where = `phase ${p} job ${k}`
      if (!Number.isInteger(j.actor) || j.actor < 0 || j.actor >= n)
        bad(`${where}: actor is not a party index`, j.actor)
      if (j.for.length < 1) bad(`${where}: a job acts for at least one party`, j.for)
      const rs = new Set<number>()
      for (const r of j.for) {
        if (!Number.isInteger(r) || r < 0 || r >= n) bad(`${where}: recipient is not a party index`, r)
        if (r === j.actor) bad(`${where}: a party cannot act for itself`, r)
        if (rs.has(r)) bad(`${where}: recipient listed twice`, r)
        rs.add(r)
      }
      if (!Number.isInteger(j.hours) || j.hours < 0 || j.hours > 0xffffffff)
        bad(`${where}: hours must be a u32`, j.hours)
      if (!Number.isInteger(j.deadlineMs) || j.deadlineMs < 1 || j.deadlineMs > 0xffffffff) {
        bad(`${where}: deadlineMs must be 1..2^32-1`, j.deadlineMs)
      }
      if (typeof j.action !== 'string') bad(`${where}: action must be a string`, j.action)
      if (new TextEncoder().encode(j.action).length > LIMITS.maxActionBytes)
        bad(`${where}: action too long`, j.action.length)
    })
  })
}

/** Index of the party with this hash, or -1. */
export function partyIndex(contract: Contract, partyHash: Uint8Array | string): number {
  const hex = typeof partyHash === 'string' ? partyHash : bytesToHex(partyHash)
  return contract.partyHexes.indexOf(hex)
}

/** A party's signature over the contract hash. */
export function signContract(identity: Identity, contract: Contract): Uint8Array {
  return signStatement(identity.secretKey, CONTRACT_SIGNATURE_DOMAIN, contract.hash)
}

/** True when `signature` is party `index`'s signature over the contract hash. */
export function verifyContractSignature(contract: Contract, index: number, signature: Uint8Array): boolean {
  const key = contract.parties[index]
  return key !== undefined && verifyStatement(key, CONTRACT_SIGNATURE_DOMAIN, contract.hash, signature)
}

/** Throws {@link ContractSignatureInvalidError} unless `signature` is valid for party `index`. */
export function assertContractSignature(contract: Contract, index: number, signature: Uint8Array): void {
  if (!verifyContractSignature(contract, index, signature)) {
    throw new ContractSignatureInvalidError(
      `party ${index}: signature over the contract hash does not verify`,
      signature,
    )
  }
}

/** JSON form of a contract spec, as used by contract files. */
export interface ContractJson {
  readonly nonce: string
  readonly parties: readonly string[]
  readonly phases: readonly { readonly jobs: readonly Job[] }[]
}

/** Spec to JSON (hex keys). */
export function contractToJson(contract: ContractSpec): ContractJson {
  return {
    nonce: bytesToHex(contract.nonce),
    parties: contract.parties.map(bytesToHex),
    phases: contract.phases.map((ph) => ({ jobs: ph.jobs.map((j) => ({ ...j, for: [...j.for] })) })),
  }
}

/** JSON to a validated contract; throws {@link ContractInvalidError} on any malformed field. */
export function contractFromJson(json: unknown): Contract {
  const j = json as ContractJson
  if (
    typeof j !== 'object' ||
    j === null ||
    typeof j.nonce !== 'string' ||
    !Array.isArray(j.parties) ||
    !Array.isArray(j.phases)
  ) {
    throw new ContractInvalidError('contract JSON needs nonce, parties and phases', json)
  }
  const hex = (s: unknown, field: string): Uint8Array => {
    if (typeof s !== 'string' || !/^([0-9a-f]{2})*$/i.test(s)) throw new ContractInvalidError(`${field} must be hex`, s)
    return Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
  }
  return makeContract({
    nonce: hex(j.nonce, 'nonce'),
    parties: j.parties.map((p, i) => hex(p, `parties[${i}]`)),
    phases: j.phases.map((ph, p) => {
      if (typeof ph !== 'object' || ph === null || !Array.isArray(ph.jobs))
        throw new ContractInvalidError(`phases[${p}].jobs missing`, ph)
      return {
        jobs: ph.jobs.map((job: Job) => ({
          actor: job.actor,
          for: Array.isArray(job.for) ? [...job.for] : [],
          action: job.action,
          hours: job.hours,
          deadlineMs: job.deadlineMs,
        })),
      }
    }),
  })
}
