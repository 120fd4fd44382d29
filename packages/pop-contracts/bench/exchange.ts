// The exchange both benchmark transports carry: a signed Job unit answered by a signed
// Receipt unit, processed by the same PoP receive path (pairing, CRC-32, ed25519, chain).
import { sha256 } from '@noble/hashes/sha2.js'
import { type Contract, makeContract } from '../src/contract.js'
import { type Identity, identityFromSecret } from '../src/identity.js'
import { signJob, signReceipt, verifyJob, verifyReceipt } from '../src/statements.js'
import { Reassembly, ReceiveStream } from '../src/stream.js'
import {
  decodeHalf,
  decodePayload,
  type EncodedUnit,
  encodePayload,
  encodeUnit,
  UnitType,
  unitCrc,
  verifyUnitSignature,
} from '../src/wire.js'

/** Receives halves, pairs and verifies them; returns the verified unit when complete. */
export function receiver(contract: Contract, senderKey: Uint8Array) {
  const reasm = new Reassembly(4096, 10_000)
  const stream = new ReceiveStream()
  return (bytes: Uint8Array): { type: number; seq: number; payload: Uint8Array } | undefined => {
    const half = decodeHalf(bytes)
    const prefix = half.part === 'header' ? half.header : half.datagram
    const pair = reasm.add(
      `${prefix.flags}/${prefix.seq}`,
      0,
      half.part === 'header' ? { header: half.header, raw: half.raw } : { payload: half.datagram },
    )
    if (pair === undefined) return undefined
    const payload = pair.payload.payload
    if (!verifyUnitSignature(pair.raw, payload, senderKey)) throw new Error('bad signature')
    if (pair.header.contract.length !== 32 || pair.header.contract[0] !== contract.hash[0])
      throw new Error('wrong contract')
    stream.accept(pair.header.seq, unitCrc(pair.raw, payload), pair.header.prevCrc)
    return { type: pair.header.type, seq: pair.header.seq, payload }
  }
}

/** Builds the job unit number `seq` from `from` to `to`. */
export function jobUnit(
  contract: Contract,
  from: Identity,
  to: Identity,
  seq: number,
  prevCrc: number,
  phase = 0,
): EncodedUnit {
  const data = new TextEncoder().encode(`job ${seq}`)
  const digest = sha256(data)
  const jobSig = signJob(from.secretKey, contract, phase, 0, digest)
  return encodeUnit(
    { contract: contract.hash, sender: from.partyHash, receiver: to.partyHash, seq, type: UnitType.Job, prevCrc },
    encodePayload('Job', { phase, job: 0, digest, jobSig, data }),
    from.secretKey,
  )
}

/** Answers a verified job unit with a receipt unit. */
export function receiptFor(
  contract: Contract,
  me: Identity,
  to: Identity,
  jobPayload: Uint8Array,
  seq: number,
  prevCrc: number,
): EncodedUnit {
  const job = decodePayload('Job', jobPayload)
  if (!sha256(job.data).every((b, i) => b === job.digest[i])) throw new Error('digest mismatch')
  if (!verifyJob(contract, job.phase, job.job, job.digest, job.jobSig)) throw new Error('bad job statement')
  const receiptSig = signReceipt(me.secretKey, contract, job.phase, job.job, 1, job.digest)
  return encodeUnit(
    { contract: contract.hash, sender: me.partyHash, receiver: to.partyHash, seq, type: UnitType.Receipt, prevCrc },
    encodePayload('Receipt', { phase: job.phase, job: job.job, digest: job.digest, jobSig: job.jobSig, receiptSig }),
    me.secretKey,
  )
}

/** Header and payload datagrams in one buffer (the TCP baseline carries a unit as one message). */
export function joinUnit(u: { header: Uint8Array; payloadDatagram: Uint8Array }): Uint8Array {
  const out = new Uint8Array(u.header.length + u.payloadDatagram.length)
  out.set(u.header)
  out.set(u.payloadDatagram, u.header.length)
  return out
}
/** Splits {@link joinUnit}'s buffer (the header is always 180 bytes). */
export function splitUnit(b: Uint8Array): [Uint8Array, Uint8Array] {
  return [b.subarray(0, 180), b.subarray(180)]
}

/** Fixed benchmark identities (not secret: benchmark only). */
export function benchIdentities(): [Identity, Identity] {
  return [identityFromSecret(new Uint8Array(32).fill(101)), identityFromSecret(new Uint8Array(32).fill(102))]
}

/** A two-party contract: `phases` phases, each one job from party 0 to party 1. */
export function benchContract(ids: readonly Identity[], phases: number, nonce: number): Contract {
  return makeContract({
    nonce: Uint8Array.from({ length: 16 }, (_v, i) => (i === 0 ? nonce & 0xff : i === 1 ? (nonce >> 8) & 0xff : 0)),
    parties: ids.map((i) => i.publicKey),
    phases: Array.from({ length: phases }, (_v, p) => ({
      jobs: [{ actor: 0, for: [1], action: `step ${p}`, hours: 1, deadlineMs: 10_000 }],
    })),
  })
}

/** Checks the inner statements of a receipt unit's payload, as the engine does. */
export function checkReceipt(contract: Contract, payload: Uint8Array): void {
  const r = decodePayload('Receipt', payload)
  if (!verifyJob(contract, r.phase, r.job, r.digest, r.jobSig)) throw new Error('bad job statement in receipt')
  if (!verifyReceipt(contract, r.phase, r.job, 1, r.digest, r.receiptSig)) throw new Error('bad receipt statement')
}
