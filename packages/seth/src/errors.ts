// Typed errors of Seth, each with the JSON-RPC code (EIP-1474) it maps to.

/** Base class: `code` is the JSON-RPC error code, `value` the offending input. */
export class SethError extends Error {
  readonly code: number
  readonly value: unknown
  readonly data?: string
  constructor(code: number, message: string, value: unknown, options?: { cause?: unknown; data?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.value = value
    if (options?.data !== undefined) this.data = options.data
  }
}

/** -32700: the body is not JSON. */
export class ParseError extends SethError {
  override readonly name = 'ParseError'
  constructor(value: unknown, cause?: unknown) {
    super(-32700, 'parse error: body is not valid JSON', value, { cause })
  }
}

/** -32600: not a JSON-RPC 2.0 request object. */
export class InvalidRequestError extends SethError {
  override readonly name = 'InvalidRequestError'
  constructor(message: string, value: unknown) {
    super(-32600, `invalid request: ${message}`, value)
  }
}

/** -32601: no such method. */
export class MethodNotFoundError extends SethError {
  override readonly name = 'MethodNotFoundError'
  constructor(method: unknown) {
    super(-32601, `the method ${String(method)} does not exist/is not available`, method)
  }
}

/** -32602: wrong parameters. */
export class InvalidParamsError extends SethError {
  override readonly name = 'InvalidParamsError'
  constructor(message: string, value: unknown) {
    super(-32602, `invalid params: ${message}`, value)
  }
}

/** -32000: invalid input, such as an undecodable or wrongly signed transaction. */
export class InvalidTransactionError extends SethError {
  override readonly name = 'InvalidTransactionError'
  constructor(message: string, value: unknown, cause?: unknown) {
    super(-32000, message, value, { cause })
  }
}

/** -32003: the transaction is refused (nonce, permissions, duplicates, pool full). */
export class TransactionRejectedError extends SethError {
  override readonly name = 'TransactionRejectedError'
  constructor(message: string, value: unknown, cause?: unknown) {
    super(-32003, message, value, { cause })
  }
}

/** 3: execution reverted; `data` holds the revert bytes so clients decode the reason. */
export class ExecutionRevertedError extends SethError {
  override readonly name = 'ExecutionRevertedError'
  constructor(reason: string | undefined, data: string) {
    super(3, reason === undefined ? 'execution reverted' : `execution reverted: ${reason}`, data, { data })
  }
}

/** -32001: the block, transaction or filter asked for does not exist. */
export class ResourceNotFoundError extends SethError {
  override readonly name = 'ResourceNotFoundError'
  constructor(what: string, value: unknown) {
    super(-32001, `${what} not found`, value)
  }
}

/** -32005: a request exceeds a limit (block range, batch size). */
export class LimitExceededError extends SethError {
  override readonly name = 'LimitExceededError'
  constructor(message: string, value: unknown) {
    super(-32005, message, value)
  }
}

/** -32004: a method the server knows but does not offer here (subscriptions over HTTP). */
export class MethodNotSupportedError extends SethError {
  override readonly name = 'MethodNotSupportedError'
  constructor(method: string) {
    super(-32004, `method ${method} is not supported on this transport`, method)
  }
}
