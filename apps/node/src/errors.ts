// Typed errors of the reference node: one class per failure, a fixed `name`, the offending value.

/** Base class of every node error; `value` is the offending input. */
export class NodeError extends Error {
  readonly value: unknown
  constructor(message: string, value: unknown, options?: { cause?: unknown }) {
    super(message, options)
    this.value = value
  }
}

/** A configuration or genesis field with a bad value. */
export class InvalidConfigError extends NodeError {
  override readonly name = 'InvalidConfigError'
  readonly field: string
  constructor(field: string, value: unknown, expected: string) {
    super(`invalid config field ${field}: expected ${expected}, got ${JSON.stringify(value)}`, value)
    this.field = field
  }
}

/** A config, genesis or key file that cannot be read or parsed. */
export class ConfigFileError extends NodeError {
  override readonly name = 'ConfigFileError'
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot use ${path}: ${reason}`, path, options)
  }
}

/** This node's validator key is not in the genesis validator registry, or its enclave disagrees. */
export class NotAValidatorError extends NodeError {
  override readonly name = 'NotAValidatorError'
  constructor(publicKey: string, reason: string) {
    super(`validator ${publicKey}: ${reason}`, publicKey)
  }
}

/** A command-line argument that is unknown or malformed. */
export class UsageError extends NodeError {
  override readonly name = 'UsageError'
}

/** A running node could not be reached (atmo status) or answered nonsense. */
export class NodeUnreachableError extends NodeError {
  override readonly name = 'NodeUnreachableError'
  constructor(url: string, options?: { cause?: unknown }) {
    super(`no node answers at ${url}`, url, options)
  }
}

/** A devnet child process that failed to start or died. */
export class DevnetError extends NodeError {
  override readonly name = 'DevnetError'
}
