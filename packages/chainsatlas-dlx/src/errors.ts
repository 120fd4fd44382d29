// Typed errors of @atmosphere/chainsatlas-dlx: one class per failure, a fixed `name`, the offending value.

/** Base class: `shortMessage` is the one-line reason, `details` the offending values. */
export class DlxError extends Error {
  override name = 'DlxError'
  readonly shortMessage: string
  constructor(shortMessage: string, options: { cause?: unknown } = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause })
    this.shortMessage = shortMessage
  }
}

// ---- assembler ----

/** A source line could not be assembled; `line` is 1-based, `text` the offending line. */
export class AssemblerError extends DlxError {
  override name = 'AssemblerError'
  constructor(
    readonly line: number,
    readonly text: string,
    reason: string,
  ) {
    super(`line ${line}: ${reason}: ${JSON.stringify(text.trim())}`)
  }
}
export class UnknownMnemonicError extends AssemblerError {
  override name = 'UnknownMnemonicError'
  constructor(
    line: number,
    text: string,
    readonly mnemonic: string,
  ) {
    super(line, text, `unknown mnemonic or directive ${JSON.stringify(mnemonic)}`)
  }
}
export class OperandError extends AssemblerError {
  override name = 'OperandError'
  constructor(
    line: number,
    text: string,
    readonly operand: string,
    expected: string,
  ) {
    super(line, text, `bad operand ${JSON.stringify(operand)}, expected ${expected}`)
  }
}
export class ImmediateRangeError extends AssemblerError {
  override name = 'ImmediateRangeError'
  constructor(
    line: number,
    text: string,
    readonly value: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(line, text, `value ${value} outside [${min}, ${max}]`)
  }
}
export class UndefinedLabelError extends AssemblerError {
  override name = 'UndefinedLabelError'
  constructor(
    line: number,
    text: string,
    readonly label: string,
  ) {
    super(line, text, `undefined label ${JSON.stringify(label)}`)
  }
}
export class DuplicateLabelError extends AssemblerError {
  override name = 'DuplicateLabelError'
  constructor(
    line: number,
    text: string,
    readonly label: string,
  ) {
    super(line, text, `label ${JSON.stringify(label)} defined twice`)
  }
}
export class SectionOverlapError extends DlxError {
  override name = 'SectionOverlapError'
  constructor(
    readonly textRange: readonly [number, number],
    readonly dataRange: readonly [number, number],
  ) {
    super(`.text [${textRange[0]}, ${textRange[1]}) overlaps .data [${dataRange[0]}, ${dataRange[1]})`)
  }
}

// ---- simulator ----

/** The fault happened at `pc` executing `instruction` (both unsigned 32-bit). */
export class MachineFault extends DlxError {
  override name = 'MachineFault'
  constructor(
    readonly pc: number,
    readonly instruction: number,
    reason: string,
  ) {
    super(
      `${reason} at pc 0x${(pc >>> 0).toString(16)} (instruction 0x${(instruction >>> 0).toString(16).padStart(8, '0')})`,
    )
  }
}
export class IllegalInstructionError extends MachineFault {
  override name = 'IllegalInstructionError'
  constructor(pc: number, instruction: number) {
    super(pc, instruction, 'illegal or unsupported instruction')
  }
}
export class MisalignedAccessError extends MachineFault {
  override name = 'MisalignedAccessError'
  constructor(
    pc: number,
    instruction: number,
    readonly address: number,
    readonly size: number,
  ) {
    super(pc, instruction, `misaligned ${size}-byte access to 0x${(address >>> 0).toString(16)}`)
  }
}
export class MisalignedJumpError extends MachineFault {
  override name = 'MisalignedJumpError'
  constructor(
    pc: number,
    instruction: number,
    readonly target: number,
  ) {
    super(pc, instruction, `jump or branch to misaligned address 0x${(target >>> 0).toString(16)}`)
  }
}
export class OutOfRangeAccessError extends MachineFault {
  override name = 'OutOfRangeAccessError'
  constructor(
    pc: number,
    instruction: number,
    readonly address: number,
    readonly memorySize: number,
  ) {
    super(pc, instruction, `address 0x${(address >>> 0).toString(16)} outside memory of ${memorySize} bytes`)
  }
}
export class PcOutOfRangeError extends MachineFault {
  override name = 'PcOutOfRangeError'
  constructor(pc: number, memorySize: number) {
    super(pc, 0, `pc outside memory of ${memorySize} bytes or misaligned`)
  }
}
export class ArithmeticOverflowError extends MachineFault {
  override name = 'ArithmeticOverflowError'
  constructor(pc: number, instruction: number) {
    super(pc, instruction, 'signed overflow in ADD/ADDI/SUB/SUBI')
  }
}
export class DivisionByZeroError extends MachineFault {
  override name = 'DivisionByZeroError'
  constructor(pc: number, instruction: number) {
    super(pc, instruction, 'division by zero')
  }
}
export class UnknownTrapError extends MachineFault {
  override name = 'UnknownTrapError'
  constructor(
    pc: number,
    instruction: number,
    readonly trap: number,
  ) {
    super(pc, instruction, `unknown TRAP ${trap}`)
  }
}
export class MachineConfigError extends DlxError {
  override name = 'MachineConfigError'
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`machine option ${field} = ${String(value)}: expected ${expected}`)
  }
}

// ---- state transfer ----

export class StateDecodeError extends DlxError {
  override name = 'StateDecodeError'
  constructor(
    readonly field: string,
    readonly offset: number,
    expected: string,
    readonly actual: unknown,
  ) {
    super(`state dump: field ${field} at offset ${offset}: expected ${expected}, got ${String(actual)}`)
  }
}

// ---- segmentation and chained submission ----

export class SegmentationError extends DlxError {
  override name = 'SegmentationError'
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`segmentation ${field} = ${String(value)}: expected ${expected}`)
  }
}
export class ChunkDecodeError extends DlxError {
  override name = 'ChunkDecodeError'
  constructor(
    readonly index: number,
    readonly field: string,
    readonly offset: number,
    expected: string,
    readonly actual: unknown,
  ) {
    super(`chunk ${index}: field ${field} at offset ${offset}: expected ${expected}, got ${String(actual)}`)
  }
}
export class ChunkMissingError extends DlxError {
  override name = 'ChunkMissingError'
  constructor(
    readonly expectedCount: number,
    readonly actualCount: number,
  ) {
    super(`chained submission has ${actualCount} chunks, metadata announces ${expectedCount}`)
  }
}
export class ChunkOrderError extends DlxError {
  override name = 'ChunkOrderError'
  constructor(
    readonly position: number,
    readonly index: number,
  ) {
    super(`chunk at position ${position} carries index ${index}`)
  }
}
export class ChunkHashMismatchError extends DlxError {
  override name = 'ChunkHashMismatchError'
  constructor(
    readonly index: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`chunk ${index}: SHA-256 ${actual} does not match ${expected} announced by its predecessor or metadata`)
  }
}
export class ChunkSizeError extends DlxError {
  override name = 'ChunkSizeError'
  constructor(
    readonly index: number,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`chunk ${index} is ${size} bytes; every chunk but the last must be exactly ${limit} and none larger`)
  }
}

// ---- units and strategist ----

export class UnitStateError extends DlxError {
  override name = 'UnitStateError'
  constructor(
    readonly unit: string,
    readonly state: string,
    action: string,
  ) {
    super(`unit ${unit} is ${state}: cannot ${action}`)
  }
}
export class StrategyRejectedError extends DlxError {
  override name = 'StrategyRejectedError'
  constructor(
    readonly offerId: string,
    readonly reason: string,
  ) {
    super(`strategy for offer ${offerId} rejected: ${reason}`)
  }
}
export class UnknownOfferError extends DlxError {
  override name = 'UnknownOfferError'
  constructor(readonly offerId: string) {
    super(`unknown offer ${offerId}`)
  }
}
export class ProfileError extends DlxError {
  override name = 'ProfileError'
  constructor(
    readonly chain: string,
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`chain profile ${chain}: ${field} = ${String(value)}: expected ${expected}`)
  }
}
export class NoFeasiblePlanError extends DlxError {
  override name = 'NoFeasiblePlanError'
  constructor(readonly reason: string) {
    super(`no execution plan satisfies the constraints: ${reason}`)
  }
}
