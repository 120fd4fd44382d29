// Byte layouts of the PoET structures (wait timer, wait certificate, sign-up info), declared
// once with binary-layout. Field set follows the PoET 1.0 spec ("createWaitTimer",
// "createWaitCertificate"); the byte order and widths are ours (decision 0051).
import {
  type CustomConversion,
  calcStaticSize,
  type DeriveType,
  deserialize,
  type Layout,
  serialize,
} from 'binary-layout'
import { DecodeError } from './errors.js'

const f64: CustomConversion<Uint8Array, number> = {
  to: (encoded: Uint8Array) => new DataView(encoded.buffer, encoded.byteOffset, 8).getFloat64(0, false),
  from: (value: number) => {
    const out = new Uint8Array(8)
    new DataView(out.buffer).setFloat64(0, value, false)
    return out
  },
}
const float64 = { binary: 'bytes', size: 8, custom: f64 } as const
const VERSION = 1

/** Wait timer as the enclave signs it (spec: WaitTimer(requestTime, duration, WaitCertId_n, localMean)). */
export const waitTimerLayout = [
  { name: 'version', binary: 'uint', size: 1, custom: VERSION, omit: true },
  { name: 'requestTime', ...float64 },
  { name: 'duration', ...float64 },
  { name: 'localMean', ...float64 },
  { name: 'previousCertificateId', binary: 'bytes', size: 32 },
  { name: 'validatorId', binary: 'bytes', size: 33 },
] as const satisfies Layout

/** Certificate body (spec: WaitCertificate(waitTimer, nonce, blockDigest)); the signature covers sha256 of these bytes. */
export const waitCertificateBodyLayout = [
  { name: 'version', binary: 'uint', size: 1, custom: VERSION, omit: true },
  { name: 'requestTime', ...float64 },
  { name: 'duration', ...float64 },
  { name: 'localMean', ...float64 },
  { name: 'previousCertificateId', binary: 'bytes', size: 32 },
  { name: 'validatorId', binary: 'bytes', size: 33 },
  { name: 'nonce', binary: 'bytes', size: 32 },
  { name: 'blockDigest', binary: 'bytes', size: 32 },
] as const satisfies Layout

/** The consensus bytes of a PoET block: certificate body followed by the PoET-key signature. */
export const signedWaitCertificateLayout = [
  { name: 'body', binary: 'bytes', layout: waitCertificateBodyLayout },
  { name: 'signature', binary: 'bytes', size: 64 },
] as const satisfies Layout

/** Sign-up info published in the validator registry (spec: "Sign-up Phase"). */
export const signupInfoLayout = [
  { name: 'version', binary: 'uint', size: 1, custom: VERSION, omit: true },
  { name: 'poetPublicKey', binary: 'bytes', size: 33 },
  { name: 'antiSybilId', binary: 'bytes', size: 32 },
  { name: 'nonce', binary: 'bytes', size: 32 },
  { name: 'originatorPublicKeyHash', binary: 'bytes', size: 32 },
  { name: 'proof', binary: 'bytes', size: 64 },
] as const satisfies Layout

export type WaitTimerBody = DeriveType<typeof waitTimerLayout>
export type WaitCertificateBody = DeriveType<typeof waitCertificateBodyLayout>
export type SignupInfo = DeriveType<typeof signupInfoLayout>

/** A wait timer with the enclave's signature over sha256(encodeWaitTimer(body)). */
export interface WaitTimer extends WaitTimerBody {
  readonly signature: Uint8Array
}
/** A wait certificate with the enclave's signature over sha256(encodeCertificateBody(body)). */
export interface WaitCertificate extends WaitCertificateBody {
  readonly signature: Uint8Array
}

export const WAIT_TIMER_SIZE = calcStaticSize(waitTimerLayout) as number
export const CERTIFICATE_BODY_SIZE = calcStaticSize(waitCertificateBodyLayout) as number
export const SIGNED_CERTIFICATE_SIZE = CERTIFICATE_BODY_SIZE + 64
export const SIGNUP_INFO_SIZE = calcStaticSize(signupInfoLayout) as number

const FLOAT_FIELDS: ReadonlyArray<readonly [name: 'requestTime' | 'duration' | 'localMean', offset: number]> = [
  ['requestTime', 1],
  ['duration', 9],
  ['localMean', 17],
]

function checkFrame(structure: string, bytes: Uint8Array, size: number): void {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(structure, '(input)', 0, 'Uint8Array', new Uint8Array())
  if (bytes.length !== size) throw new DecodeError(structure, '(length)', 0, `exactly ${size} bytes`, bytes)
  if (bytes[0] !== VERSION) throw new DecodeError(structure, 'version', 0, `version byte ${VERSION}`, bytes)
}

function checkFloats(
  structure: string,
  value: { requestTime: number; duration: number; localMean: number },
  bytes: Uint8Array,
) {
  for (const [field, offset] of FLOAT_FIELDS) {
    const v = value[field]
    if (!Number.isFinite(v) || v < 0)
      throw new DecodeError(structure, field, offset, 'finite non-negative float64', bytes)
  }
}

export function encodeWaitTimer(body: WaitTimerBody): Uint8Array {
  return serialize(waitTimerLayout, body)
}
export function decodeWaitTimer(bytes: Uint8Array): WaitTimerBody {
  checkFrame('WaitTimer', bytes, WAIT_TIMER_SIZE)
  const value = deserialize(waitTimerLayout, bytes)
  checkFloats('WaitTimer', value, bytes)
  return value
}

export function encodeCertificateBody(body: WaitCertificateBody): Uint8Array {
  return serialize(waitCertificateBodyLayout, body)
}

/** The consensus bytes carried in a block header. */
export function encodeWaitCertificate(certificate: WaitCertificate): Uint8Array {
  const { signature, ...body } = certificate
  return serialize(signedWaitCertificateLayout, { body, signature })
}

/** Decodes consensus bytes; throws {@link DecodeError} naming the field. Also returns the signed body bytes. */
export function decodeWaitCertificate(bytes: Uint8Array): { certificate: WaitCertificate; body: Uint8Array } {
  checkFrame('WaitCertificate', bytes, SIGNED_CERTIFICATE_SIZE)
  const { body, signature } = deserialize(signedWaitCertificateLayout, bytes)
  checkFloats('WaitCertificate', body, bytes)
  return { certificate: { ...body, signature }, body: bytes.subarray(0, CERTIFICATE_BODY_SIZE) }
}

export function encodeSignupInfo(info: SignupInfo): Uint8Array {
  return serialize(signupInfoLayout, info)
}
export function decodeSignupInfo(bytes: Uint8Array): SignupInfo {
  checkFrame('SignupInfo', bytes, SIGNUP_INFO_SIZE)
  return deserialize(signupInfoLayout, bytes)
}
