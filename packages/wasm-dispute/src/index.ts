/**
 * Metered WebAssembly (MVP) for verifiable computation: two execution modes that agree exactly
 * (normal mode — the module instrumented for per-segment gas and instruction counting on the
 * platform engine; dispute mode — a deterministic stepping interpreter), a Merkle commitment to
 * the whole machine state with incremental memory hashing, one-step proofs and a pure judge,
 * the bisection (n-way dissection) verification game, and batch validation.
 *
 * @example
 * ```ts
 * import { compileModule, instantiate, invoke, runToEnd, StateHasher, NormalInstance, NormalModule, value } from '@atmosphere/wasm-dispute'
 * const compiled = compileModule(bytes)
 * const m = invoke(instantiate(compiled), 'work', [value('i32', 100)], { gasLimit: 1_000_000n })
 * const hasher = new StateHasher(m)
 * runToEnd(m)
 * const normal = new NormalInstance(new NormalModule(compiled)).invoke('work', [value('i32', 100)], 1_000_000n)
 * // normal.icount === m.icount, normal.gasUsed === m.gasUsed, normal.stateHash equals hasher.hash()
 * ```
 *
 * @packageDocumentation
 */
export {
  BatchNode as BatchParty,
  clusterReceipts,
  type Receipt,
  restoreSnapshot,
  type Snapshot,
  snapshotHash,
  type Tx,
  takeSnapshot,
  type ValidationReport,
  validateBatch,
  validatorPayout,
} from './batch.js'
export { blake3 } from './blake3.js'
export { buildModule, type FuncSpec, type ModuleSpec, op, sleb, uleb } from './builder.js'
export {
  type CommitContext,
  commitContext,
  decodeHeader,
  encodeHeader,
  type FrameRecord,
  HEADER,
  HEADER_BYTES,
  HEADER_VERSION,
  type Header,
  hashHeader,
  StateHasher,
} from './commit.js'
export { type CompiledFunc, type CompiledModule, compileModule, FRAME_OVERHEAD } from './compile.js'
export { decodeModule, type WasmModule } from './decode.js'
export * from './errors.js'
export {
  checkResults,
  type Executor,
  type Fault,
  type FaultKind,
  type MachineFactory,
  openResults,
  parseFault,
  ReplayExecutor,
} from './executor.js'
export { expectedRounds, type GameOptions, playGame, type Transcript, type Verdict } from './game.js'
export {
  DEFAULT_MAX_PAGES,
  type ExternVal,
  type ImportResolver,
  Instance,
  type InstantiateOptions,
  instantiate,
  MemoryInst,
} from './instance.js'
export { type Instrumented, instrument } from './instrument.js'
export {
  DEFAULT_GAS_LIMIT,
  DEFAULT_STACK_LIMIT,
  defaultGasSchedule,
  type GasSchedule,
  invoke,
  Machine,
  type MachineOptions,
  runToEnd,
  step,
} from './machine.js'
export { MemoryTree, memoryDepth, rootFromPath, vectorRoot } from './merkle.js'
export { NormalInstance, NormalModule, type NormalOptions, type NormalResult } from './normal.js'
export { STATUS_TEXT, Status, type StatusCode } from './numeric.js'
export { oneStep, type StepContext, type Witness } from './onestep.js'
export { judgeStep, proveStep, stepContext } from './proof.js'
export { segmentsOf } from './segments.js'
export { cloneInstance, cloneMachine } from './snapshot.js'
export { display, parseValue, type ValueTypeName, value, type WasmValue } from './values.js'
