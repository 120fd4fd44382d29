// Typed errors of @atmosphere/wasm-dispute: one class per failure, each with a fixed `name`
// and the offending value, so callers can branch on `err.name` or `instanceof`.

/** Base class: `shortMessage` is the one-line reason, `details` the offending value. */
export class WasmDisputeError extends Error {
  override name = 'WasmDisputeError'
  readonly shortMessage: string
  readonly details: unknown
  constructor(shortMessage: string, details?: unknown, options?: { cause?: unknown }) {
    super(shortMessage, options)
    this.shortMessage = shortMessage
    this.details = details
  }
}

/** The bytes are not a well-formed WebAssembly binary (wrong magic, bad LEB128, section overrun...). */
export class MalformedModuleError extends WasmDisputeError {
  override name = 'MalformedModuleError' as const
  readonly offset: number
  constructor(reason: string, offset: number) {
    super(`malformed module at byte ${offset}: ${reason}`, { offset })
    this.offset = offset
  }
}

/** The module is well-formed but fails MVP validation (type mismatch, bad index, ...). */
export class InvalidModuleError extends WasmDisputeError {
  override name = 'InvalidModuleError' as const
  readonly where: string
  constructor(reason: string, where: string) {
    super(`invalid module (${where}): ${reason}`, { where })
    this.where = where
  }
}

/** The module uses a feature outside the supported deterministic MVP subset. */
export class UnsupportedFeatureError extends WasmDisputeError {
  override name = 'UnsupportedFeatureError' as const
  readonly feature: string
  constructor(feature: string, reason: string) {
    super(`unsupported feature ${feature}: ${reason}`, { feature })
    this.feature = feature
  }
}

/** Instantiation failed: a missing or mistyped import. */
export class LinkError extends WasmDisputeError {
  override name = 'LinkError' as const
  readonly importName: string
  constructor(importName: string, reason: string) {
    super(`cannot link import ${importName}: ${reason}`, { importName })
    this.importName = importName
  }
}

/** Instantiation trapped (data/elem segment out of bounds, start function trapped). */
export class InstantiationTrapError extends WasmDisputeError {
  override name = 'InstantiationTrapError' as const
  readonly reason: string
  constructor(reason: string) {
    super(`instantiation trapped: ${reason}`, { reason })
    this.reason = reason
  }
}

/** No export of that name, or it is not a function. */
export class UnknownExportError extends WasmDisputeError {
  override name = 'UnknownExportError' as const
  readonly exportName: string
  constructor(exportName: string) {
    super(`no exported function named ${JSON.stringify(exportName)}`, { exportName })
    this.exportName = exportName
  }
}

/** Invocation arguments do not match the function type. */
export class ArgumentError extends WasmDisputeError {
  override name = 'ArgumentError' as const
  readonly value: unknown
  constructor(reason: string, value: unknown) {
    super(`bad argument: ${reason}`, value)
    this.value = value
  }
}

/** A one-step proof could not be decoded (truncated, trailing bytes, bad tag). */
export class ProofDecodeError extends WasmDisputeError {
  override name = 'ProofDecodeError' as const
  readonly offset: number
  constructor(reason: string, offset: number) {
    super(`bad one-step proof at byte ${offset}: ${reason}`, { offset })
    this.offset = offset
  }
}

/** A one-step proof does not open the committed pre-state (forged or incomplete witness). */
export class ProofMismatchError extends WasmDisputeError {
  override name = 'ProofMismatchError' as const
  readonly part: string
  constructor(part: string) {
    super(`one-step proof does not match the committed state: ${part}`, { part })
    this.part = part
  }
}

/** A state query beyond what the executor can answer, or a game driven with inconsistent input. */
export class GameError extends WasmDisputeError {
  override name = 'GameError' as const
  constructor(reason: string, details?: unknown) {
    super(reason, details)
  }
}

/** A fault specification (`KIND@STEP`) that cannot be parsed. */
export class FaultSpecError extends WasmDisputeError {
  override name = 'FaultSpecError' as const
  readonly spec: string
  constructor(spec: string) {
    super(`bad fault spec ${JSON.stringify(spec)}: expected value|memory|gas|halt|extra @ step`, { spec })
    this.spec = spec
  }
}

/** The platform engine overflowed its native stack before the deterministic limit was reached. */
export class HostStackOverflowError extends WasmDisputeError {
  override name = 'HostStackOverflowError' as const
  constructor(cause: unknown) {
    super('platform engine stack overflow before the deterministic stack limit', undefined, { cause })
  }
}

/** The host could not provide a resource the module asked for within the deterministic limits. */
export class HostResourceError extends WasmDisputeError {
  override name = 'HostResourceError' as const
  readonly resource: string
  readonly amount: number
  constructor(resource: string, amount: number, cause?: unknown) {
    super(`cannot allocate ${resource} of ${amount}`, { resource, amount }, { cause })
    this.resource = resource
    this.amount = amount
  }
}
