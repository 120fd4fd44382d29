// Validator registry entries (Sawtooth's validator_registry transaction family, kept in
// memory here): sign-up info checked against the attestation verifier, one entry per
// anti-Sybil id — a new sign-up with the same id replaces the old entry (handler.py).

import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { SignupInfo } from './codec.js'
import { type AttestationVerifier, simulatedAttestationVerifier } from './enclave.js'
import { RegistrationError } from './errors.js'
import type { RegistryEntry } from './rules.js'

/** A registered validator. */
export interface ValidatorInfo extends RegistryEntry {
  /** Block signer public key, hex (Sawtooth's validator id). */
  readonly validatorId: string
  readonly name: string
  readonly antiSybilId: string
  readonly signupInfo: SignupInfo
}

/** Read side of the registry, as the engine consumes it. */
export interface ValidatorRegistry {
  /**
   * The entry in force for a block at `height` — the latest registration committed below it,
   * as Sawtooth reads the registry from the parent's state — or the newest entry when
   * `height` is omitted.
   */
  get(validatorId: string, height?: number): ValidatorInfo | undefined
  /** Validators registered now. */
  readonly size: number
}

/** What a node submits to register (Sawtooth ValidatorRegistryPayload). */
export interface Registration {
  readonly validatorId: string
  readonly name?: string
  readonly signupInfo: SignupInfo
  /** Id of the block whose hash is the sign-up nonce (the chain head when the node signed up). */
  readonly signupBlockId: string
  readonly signupHeight: number
  /** Height of the block that commits this registration. */
  readonly commitHeight: number
}

/** Sign-up nonce for a block id: SHA-256 of its UTF-8 bytes (Sawtooth uses the id's last 16 hex digits). */
export function signupNonce(blockId: string): Uint8Array {
  return sha256(new TextEncoder().encode(blockId))
}

/** SHA-256 of the validator id's UTF-8 bytes, bound into the sign-up proof. */
export function originatorPublicKeyHash(validatorId: string): Uint8Array {
  return sha256(new TextEncoder().encode(validatorId))
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** An in-memory registry with Sawtooth's acceptance rules. */
export interface MemoryRegistry extends ValidatorRegistry {
  /** Checks and records a registration; throws {@link RegistrationError}. Returns the entry. */
  register(registration: Registration): ValidatorInfo
  entries(): IterableIterator<ValidatorInfo>
}

/** Creates an empty {@link MemoryRegistry}. */
export function memoryRegistry(attestation: AttestationVerifier = simulatedAttestationVerifier): MemoryRegistry {
  // Per validator, its registrations in commit order; `undefined` info marks a removal
  // (another validator took over its anti-Sybil id).
  const history = new Map<string, { commitHeight: number; info: ValidatorInfo | undefined }[]>()
  const bySybil = new Map<string, string>()
  const current = new Map<string, ValidatorInfo>()
  const append = (id: string, commitHeight: number, info: ValidatorInfo | undefined) => {
    const list = history.get(id) ?? []
    list.push({ commitHeight, info })
    history.set(id, list)
    if (info === undefined) current.delete(id)
    else current.set(id, info)
  }
  return {
    get(id, height) {
      if (height === undefined) return current.get(id)
      const list = history.get(id)
      if (list === undefined) return undefined
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i] as { commitHeight: number; info: ValidatorInfo | undefined }
        if (e.commitHeight < height) return e.info
      }
      return undefined
    },
    get size() {
      return current.size
    },
    entries: () => current.values(),
    register(r) {
      const info = r.signupInfo
      if (!attestation.verifySignupInfo(info))
        throw new RegistrationError(r.validatorId, 'sign-up proof does not verify')
      if (!equal(info.originatorPublicKeyHash, originatorPublicKeyHash(r.validatorId)))
        throw new RegistrationError(r.validatorId, 'sign-up info was made for another validator')
      if (!equal(info.nonce, signupNonce(r.signupBlockId)))
        throw new RegistrationError(r.validatorId, 'sign-up nonce does not match the named block')
      if (!(r.commitHeight >= r.signupHeight))
        throw new RegistrationError(r.validatorId, 'commit height must not precede the sign-up block')
      const last = history.get(r.validatorId)?.at(-1)
      if (last !== undefined && last.commitHeight > r.commitHeight)
        throw new RegistrationError(r.validatorId, 'registrations must be committed in height order')
      const antiSybilId = bytesToHex(info.antiSybilId)
      const previous = bySybil.get(antiSybilId)
      if (previous !== undefined && previous !== r.validatorId) append(previous, r.commitHeight, undefined)
      const entry: ValidatorInfo = {
        validatorId: r.validatorId,
        name: r.name ?? r.validatorId.slice(0, 8),
        antiSybilId,
        signupInfo: info,
        poetPublicKey: bytesToHex(info.poetPublicKey),
        signupHeight: r.signupHeight,
        commitHeight: r.commitHeight,
      }
      append(r.validatorId, r.commitHeight, entry)
      bySybil.set(antiSybilId, r.validatorId)
      return entry
    },
  }
}
