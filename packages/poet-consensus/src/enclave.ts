// The trusted-function boundary of PoET 1.0 ("Enclave Functions" of the spec) as an interface a
// real TEE could implement, and a simulated enclave after sawtooth-poet's
// poet_enclave_simulator.py. The simulation is honest about what it is: see docs/poet.md.
import type { Clock } from '@atmosphere/interfaces'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  decodeWaitCertificate,
  encodeCertificateBody,
  encodeWaitTimer,
  type SignupInfo,
  type WaitCertificate,
  type WaitTimer,
} from './codec.js'
import { InvalidSignupDataError, NoActiveTimerError, TimerNotExpiredError, TimerTimedOutError } from './errors.js'
import { DEFAULT_SETTINGS } from './settings.js'

/** Certificate id of "no previous certificate" (Sawtooth's NULL_BLOCK_IDENTIFIER, widened to 32 bytes). */
export const NULL_CERTIFICATE_ID: Uint8Array = new Uint8Array(32)

/** What a TEE must offer PoET. All keys stay inside; callers only see public data. */
export interface PoetEnclave {
  /** `"simulated"` for {@link simulatedEnclave}; a hardware enclave names itself. */
  readonly kind: string
  /**
   * Creates a fresh PoET key pair and the proof that binds it to this platform
   * (spec: createSignupInfo). Replaces any earlier key: this is how K-test key rotation works.
   */
  createSignupInfo(originatorPublicKeyHash: Uint8Array, nonce: Uint8Array): SignupInfo
  /** Spec: createWaitTimer(localMean, WaitCertId_n). Replaces the active timer. */
  createWaitTimer(validatorId: Uint8Array, previousCertificateId: Uint8Array, localMean: number): WaitTimer
  /** Spec: createWaitCertificate(blockDigest). Only once, only after expiry, only before expiry + T_WT. */
  createWaitCertificate(timer: WaitTimer, blockDigest: Uint8Array): WaitCertificate
}

/** Checks the platform proof inside sign-up info (IAS attestation report on SGX; a signature here). */
export interface AttestationVerifier {
  verifySignupInfo(info: SignupInfo): boolean
}

/** Options of {@link simulatedEnclave}. */
export interface SimulatedEnclaveInit {
  /** Source of the enclave's time (SGX trusted time in the spec). */
  readonly clock: Pick<Clock, 'now'>
  /** Randomness for keys and nonces; a seeded source makes a simulation replayable. Defaults to the OS CSPRNG. */
  readonly random?: (bytes: number) => Uint8Array
  /** The platform's anti-Sybil id (EPID pseudonym on SGX). Defaults to 32 random bytes. */
  readonly antiSybilId?: Uint8Array
  /** Enclave MINIMUM_WAIT_TIME in seconds. Default 1. */
  readonly minimumWaitTime?: number
  /** TIMER_TIMEOUT_PERIOD (T_WT) in seconds. Default 30. */
  readonly timerTimeoutPeriod?: number
}

/**
 * The simulator's stand-in for the attestation service key. It is derived from a public
 * constant, so ANYONE can produce "attested" sign-up info: a simulated enclave proves nothing.
 */
const SIMULATED_ATTESTATION_SECRET = sha256(
  new TextEncoder().encode('atmosphere/poet/simulated-attestation-service/v1'),
)
export const SIMULATED_ATTESTATION_PUBLIC_KEY: Uint8Array = secp256k1.getPublicKey(SIMULATED_ATTESTATION_SECRET, true)

function signupProofMessage(info: Omit<SignupInfo, 'proof'>): Uint8Array {
  const m = new Uint8Array(33 + 32 + 32 + 32)
  m.set(info.poetPublicKey, 0)
  m.set(info.antiSybilId, 33)
  m.set(info.nonce, 65)
  m.set(info.originatorPublicKeyHash, 97)
  return sha256(m)
}

/** Verifies sign-up info produced by {@link simulatedEnclave}. */
export const simulatedAttestationVerifier: AttestationVerifier = {
  verifySignupInfo(info) {
    try {
      return secp256k1.verify(info.proof, signupProofMessage(info), SIMULATED_ATTESTATION_PUBLIC_KEY, {
        prehash: false,
      })
    } catch {
      return false
    }
  },
}

/** Signs sha256(message) with a PoET key; ECDSA over secp256k1, RFC 6979 nonces, low-s. */
export function poetSign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return secp256k1.sign(sha256(message), secretKey, { prehash: false })
}

/** True only for a valid signature of sha256(message) by `publicKey`; never throws. */
export function poetVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return secp256k1.verify(signature, sha256(message), publicKey, { prehash: false })
  } catch {
    return false
  }
}

/**
 * Decodes consensus bytes and checks the certificate signature against a PoET public key
 * (spec: "Verify the signature is valid using sender's PPK"). Returns the certificate, or
 * undefined for malformed bytes or a bad signature; never throws.
 */
export function verifyWaitCertificate(consensus: Uint8Array, poetPublicKey: Uint8Array): WaitCertificate | undefined {
  let decoded: ReturnType<typeof decodeWaitCertificate>
  try {
    decoded = decodeWaitCertificate(consensus)
  } catch {
    return undefined
  }
  return poetVerify(decoded.certificate.signature, decoded.body, poetPublicKey) ? decoded.certificate : undefined
}

/** Spec: WaitCertId = SHA-256 of the certificate owner's signature. */
export function certificateId(certificate: Pick<WaitCertificate, 'signature'>): Uint8Array {
  return sha256(certificate.signature)
}

/**
 * Spec createWaitTimer steps 2-4: tag = MAC(sealKey, WaitCertId_n); the lowest 64 bits as a
 * double in (0, 1]; duration = minimumWait - localMean * ln(tagd). HMAC-SHA256 stands in for
 * AES-CMAC (decision 0052). Exported for known-answer tests.
 */
export function timerDuration(
  sealKey: Uint8Array,
  previousCertificateId: Uint8Array,
  localMean: number,
  minimumWaitTime: number,
): number {
  const tag = hmac(sha256, sealKey, previousCertificateId)
  // Sawtooth: struct.unpack('Q', tag[-8:]) (little-endian), divided by 2**64 - 1.
  const low = new DataView(tag.buffer, tag.byteOffset + tag.length - 8, 8).getBigUint64(0, true)
  // Python divides by float(2**64 - 1), which rounds to 2**64, as Number(2n ** 64n - 1n) does here.
  const tagd = Math.max(Number(low), 1) / Number(2n ** 64n - 1n)
  return minimumWaitTime - localMean * Math.log(tagd)
}

function defaultRandom(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A software enclave: same functions and checks as the spec's, keys in process memory. */
export interface SimulatedEnclave extends PoetEnclave {
  readonly kind: 'simulated'
  readonly antiSybilId: Uint8Array
  /** The current PoET public key (undefined before the first sign-up). */
  readonly poetPublicKey: Uint8Array | undefined
  /**
   * The current PoET secret key. Exposed because a simulated enclave cannot hide it; adversaries
   * in the simulator use it to show what the z-test and timing checks still catch.
   */
  readonly poetSecretKey: Uint8Array | undefined
  readonly sealKey: Uint8Array
}

/** Creates a simulated enclave (see {@link SimulatedEnclaveInit}). */
export function simulatedEnclave(init: SimulatedEnclaveInit): SimulatedEnclave {
  const random = init.random ?? defaultRandom
  const minimumWait = init.minimumWaitTime ?? DEFAULT_SETTINGS.minimumWaitTime
  const timeoutMs = (init.timerTimeoutPeriod ?? DEFAULT_SETTINGS.timerTimeoutPeriod) * 1000
  const antiSybilId = init.antiSybilId ?? random(32)
  const sealKey = random(32)
  let secretKey: Uint8Array | undefined
  let publicKey: Uint8Array | undefined
  let active: WaitTimer | undefined

  return {
    kind: 'simulated',
    antiSybilId,
    sealKey,
    get poetPublicKey() {
      return publicKey
    },
    get poetSecretKey() {
      return secretKey
    },
    createSignupInfo(originatorPublicKeyHash, nonce) {
      if (originatorPublicKeyHash.length !== 32)
        throw new InvalidSignupDataError('originator public key hash must be 32 bytes', originatorPublicKeyHash)
      if (nonce.length !== 32) throw new InvalidSignupDataError('nonce must be 32 bytes', nonce)
      secretKey = secp256k1.utils.randomSecretKey(random(48))
      publicKey = secp256k1.getPublicKey(secretKey, true)
      active = undefined
      const unsigned = { poetPublicKey: publicKey, antiSybilId, nonce, originatorPublicKeyHash }
      const proof = secp256k1.sign(signupProofMessage(unsigned), SIMULATED_ATTESTATION_SECRET, { prehash: false })
      return { ...unsigned, proof }
    },
    createWaitTimer(validatorId, previousCertificateId, localMean) {
      if (secretKey === undefined)
        throw new InvalidSignupDataError('no sign-up data: call createSignupInfo first', undefined)
      if (previousCertificateId.length !== 32)
        throw new InvalidSignupDataError('previous certificate id must be 32 bytes', previousCertificateId)
      if (validatorId.length !== 33)
        throw new InvalidSignupDataError('validator id must be a 33-byte public key', validatorId)
      if (!Number.isFinite(localMean) || localMean <= 0)
        throw new InvalidSignupDataError('local mean must be > 0', localMean)
      const body = {
        requestTime: init.clock.now(),
        duration: timerDuration(sealKey, previousCertificateId, localMean, minimumWait),
        localMean,
        previousCertificateId,
        validatorId,
      }
      active = { ...body, signature: poetSign(encodeWaitTimer(body), secretKey) }
      return active
    },
    createWaitCertificate(timer, blockDigest) {
      if (secretKey === undefined) throw new InvalidSignupDataError('no sign-up data', undefined)
      if (active === undefined || !equalBytes(active.signature, timer.signature))
        throw new NoActiveTimerError(timer.signature)
      if (blockDigest.length !== 32) throw new InvalidSignupDataError('block digest must be 32 bytes', blockDigest)
      const now = init.clock.now()
      const expiresAt = active.requestTime + active.duration * 1000
      // Sawtooth's concession: the genesis timer (previous id NULL) need not expire.
      const genesis = equalBytes(active.previousCertificateId, NULL_CERTIFICATE_ID)
      if (!genesis && now < expiresAt) throw new TimerNotExpiredError(now, expiresAt)
      if (!genesis && now > expiresAt + timeoutMs) throw new TimerTimedOutError(now, expiresAt + timeoutMs)
      const { signature: _timerSignature, ...timerBody } = active
      const body = { ...timerBody, nonce: random(32), blockDigest }
      active = undefined // one certificate per timer
      return { ...body, signature: poetSign(encodeCertificateBody(body), secretKey) }
    },
  }
}
