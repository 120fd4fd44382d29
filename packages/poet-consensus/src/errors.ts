// Typed failures of the PoET package: one class per failure, each with a fixed `name`
// and the offending value, after viem's BaseError (shortMessage + cause).

/** Base class of every error thrown by this package. */
export class PoetError extends Error {
  override readonly name: string = 'PoetError'
  readonly shortMessage: string
  constructor(shortMessage: string, options: { cause?: unknown } = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause })
    this.shortMessage = shortMessage
  }
}

/** Bytes that are not a well-formed PoET structure (wait timer, certificate, sign-up info). */
export class DecodeError extends PoetError {
  override readonly name = 'DecodeError'
  constructor(
    readonly structure: string,
    readonly field: string,
    readonly offset: number,
    readonly expected: string,
    readonly bytes: Uint8Array,
    options: { cause?: unknown } = {},
  ) {
    super(`${structure}: field ${field} at offset ${offset}: expected ${expected} (got ${bytes.length} bytes)`, options)
  }
}

/** A setting value (on-chain `sawtooth.poet.*` or init option) outside its allowed range. */
export class InvalidSettingError extends PoetError {
  override readonly name = 'InvalidSettingError'
  constructor(
    readonly setting: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`setting ${setting} = ${String(value)} is invalid: ${rule}`)
  }
}

/** The enclave was asked for a certificate before the timer's duration elapsed (spec: createWaitCertificate step 3). */
export class TimerNotExpiredError extends PoetError {
  override readonly name = 'TimerNotExpiredError'
  constructor(
    readonly now: number,
    readonly expiresAt: number,
  ) {
    super(`wait timer has not expired: now ${now} ms < expiry ${expiresAt} ms`)
  }
}

/** The enclave was asked for a certificate after expiry + T_WT (spec: createWaitCertificate step 4). */
export class TimerTimedOutError extends PoetError {
  override readonly name = 'TimerTimedOutError'
  constructor(
    readonly now: number,
    readonly timeoutAt: number,
  ) {
    super(`wait timer timed out: now ${now} ms > ${timeoutAt} ms`)
  }
}

/** No active wait timer (none created, already consumed, or replaced by a newer one). */
export class NoActiveTimerError extends PoetError {
  override readonly name = 'NoActiveTimerError'
  constructor(readonly timerSignature: Uint8Array | undefined) {
    super('the enclave has no active wait timer matching this request')
  }
}

/** Sign-up data handed to the enclave is unusable (unknown key, wrong length). */
export class InvalidSignupDataError extends PoetError {
  override readonly name = 'InvalidSignupDataError'
  constructor(
    readonly detail: string,
    readonly value: unknown,
  ) {
    super(`invalid sign-up data: ${detail}`)
  }
}

/** A validator registry entry was rejected (bad proof, anti-Sybil id mismatch). */
export class RegistrationError extends PoetError {
  override readonly name = 'RegistrationError'
  constructor(
    readonly validatorId: string,
    readonly detail: string,
  ) {
    super(`registration of ${validatorId} rejected: ${detail}`)
  }
}

/** A block the engine was asked about is missing from the chain reader. */
export class UnknownBlockError extends PoetError {
  override readonly name = 'UnknownBlockError'
  constructor(readonly blockId: string) {
    super(`block ${blockId} is not known to the chain reader`)
  }
}

/** The engine was used before `initialize` was called. */
export class NotInitializedError extends PoetError {
  override readonly name = 'NotInitializedError'
  constructor(readonly hook: string) {
    super(`${hook} called before initialize`)
  }
}

/** Bad command-line or simulator option. */
export class SimulatorOptionError extends PoetError {
  override readonly name = 'SimulatorOptionError'
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`option ${option} = ${String(value)}: ${rule}`)
  }
}
