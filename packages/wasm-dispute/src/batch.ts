// Batch validation (seed: Batch validation → Process): a validator restores the previous
// snapshot, replays the transaction log, compares the state after each transaction with the
// cluster's receipts and, at the first divergence, plays the verification game for that
// transaction. Payout to the n-th validator of a checkpoint: (gas × price) / 2^(n+1).

import { blake3 } from './blake3.js'
import { commitContext, globalLeaves, memoryCommitment, StateHasher } from './commit.js'
import type { CompiledModule } from './compile.js'
import { GameError } from './errors.js'
import { type Executor, type Fault, ReplayExecutor } from './executor.js'
import { playGame, type Transcript } from './game.js'
import { type Instance, instantiate } from './instance.js'
import { invoke, type Machine, type MachineOptions } from './machine.js'
import { hex, vectorRoot } from './merkle.js'
import { NormalInstance, NormalModule } from './normal.js'
import { stepContext } from './proof.js'
import type { WasmValue } from './values.js'

/** A transaction: an exported function call with its gas limit. */
export interface Tx {
  readonly func: string
  readonly args: readonly WasmValue[]
  readonly gasLimit: bigint
}

/** The persistent state between transactions: memory and globals. */
export interface Snapshot {
  readonly memory: Uint8Array
  readonly globals: readonly bigint[]
}

export interface Receipt {
  readonly tx: number
  /** Hash of the transaction's terminal machine state. */
  readonly stateHash: string
  /** Hash of the snapshot after the transaction. */
  readonly snapshotHash: string
  readonly gasUsed: number
  readonly status: number
}

export function takeSnapshot(inst: Instance): Snapshot {
  return {
    memory: inst.memory ? inst.memory.bytes.slice() : new Uint8Array(0),
    globals: inst.globalCells.map((c) => c.slots.u64[c.index] as bigint),
  }
}

/** A fresh instance holding the snapshot's memory and globals. */
export function restoreSnapshot(compiled: CompiledModule, s: Snapshot, maxMemoryPages?: number): Instance {
  const inst = instantiate(compiled, maxMemoryPages === undefined ? {} : { maxMemoryPages })
  const mem = inst.memory
  if (mem) {
    const pages = s.memory.length / 65536
    if (pages > mem.pages) mem.grow(pages - mem.pages)
    // Only leaves that differ from the freshly initialized memory need rehashing.
    for (let leaf = 0; leaf < s.memory.length / 32; leaf++) {
      const o = leaf * 32
      let same = true
      for (let i = 0; i < 32; i++)
        if (mem.bytes[o + i] !== s.memory[o + i]) {
          same = false
          break
        }
      if (!same) {
        mem.bytes.set(s.memory.subarray(o, o + 32), o)
        mem.touch(o, 32)
      }
    }
  }
  s.globals.forEach((g, i) => {
    const c = inst.globalCells[i]
    if (c) c.slots.u64[c.index] = g
  })
  return inst
}

/** Commitment to a snapshot: H(pages || memory root || globals root || table root || module hash). */
export function snapshotHash(inst: Instance): Uint8Array {
  const ctx = commitContext(inst)
  const memRoot = memoryCommitment(inst.memory, ctx.memDepth).root()
  const buf = new Uint8Array(4 + 32 * 4)
  new DataView(buf.buffer).setUint32(0, inst.memory?.pages ?? 0, true)
  buf.set(memRoot, 4)
  buf.set(vectorRoot(globalLeaves(inst)), 36)
  buf.set(ctx.tableRoot, 68)
  buf.set(ctx.moduleHash, 100)
  return blake3(buf)
}

/** The validator's payout for being the n-th (0-based count of earlier validations) validator. */
export function validatorPayout(gas: bigint, price: bigint, n: number): bigint {
  if (n < 0 || !Number.isInteger(n)) throw new GameError(`validation count must be a non-negative integer, got ${n}`)
  return (gas * price) / 2n ** BigInt(n + 1)
}

/** A party that executed a log from a snapshot (honestly, or with a fault in one transaction). */
export class BatchNode {
  readonly snapshots: Snapshot[] = []
  readonly receipts: Receipt[] = []
  constructor(
    readonly compiled: CompiledModule,
    readonly start: Snapshot,
    readonly log: readonly Tx[],
    readonly options: MachineOptions & { fault?: { tx: number; fault: Fault } } = {},
  ) {
    let snap = start
    log.forEach((_tx, i) => {
      this.snapshots.push(snap)
      const exec = this.executorFor(i)
      const steps = exec.claimedSteps()
      // Replay to the claimed end to obtain the post-transaction memory and globals.
      const m = this.replay(i, steps)
      const inst = m.root
      this.receipts.push({
        tx: i,
        stateHash: hex(exec.hashAt(steps)),
        snapshotHash: hex(snapshotHash(inst)),
        gasUsed: m.gasUsed,
        status: m.status,
      })
      snap = takeSnapshot(inst)
    })
  }

  private factory(i: number): () => Machine {
    const tx = this.log[i] as Tx
    const snap = this.snapshots[i] as Snapshot
    return () =>
      invoke(restoreSnapshot(this.compiled, snap), tx.func, tx.args, { ...this.options, gasLimit: tx.gasLimit })
  }

  private replay(i: number, steps: number): Machine {
    const m = this.factory(i)()
    const f = this.options.fault
    if (f && f.tx === i) {
      // The faulty party's own machine after its claimed run (faults applied inside the executor).
      const e = new ReplayExecutor('node', this.factory(i), stepContext(m.root, this.options), f.fault)
      return e.machineAt(steps)
    }
    while (m.status === 0) m.run(1 << 20)
    return m
  }

  executorFor(i: number): Executor {
    const f = this.options.fault
    const factory = this.factory(i)
    const ctx = stepContext(factory().root, this.options)
    return new ReplayExecutor(`node-tx${i}`, factory, ctx, f && f.tx === i ? f.fault : undefined)
  }

  initialHash(i: number): Uint8Array {
    return new StateHasher(this.factory(i)()).hash()
  }
}

export interface ValidationReport {
  readonly ok: boolean
  readonly checked: number
  readonly divergedAt: number | undefined
  readonly transcript: Transcript | undefined
  readonly gasUsed: number
  readonly payout: bigint
}

/**
 * Replays the cluster's log as an honest validator. On the first receipt that differs from the
 * validator's own, plays the verification game for that transaction (cluster = defender).
 */
export function validateBatch(
  compiled: CompiledModule,
  start: Snapshot,
  log: readonly Tx[],
  cluster: { receipts: readonly Receipt[]; executorFor(i: number): Executor },
  opts: { gasPrice: bigint; previousValidations: number; ways?: number } & MachineOptions,
): ValidationReport {
  const mine = new BatchNode(compiled, start, log, opts)
  let gas = 0
  for (let i = 0; i < log.length; i++) {
    const a = mine.receipts[i] as Receipt
    const b = cluster.receipts[i]
    gas += a.gasUsed
    if (!b || a.stateHash !== b.stateHash || a.snapshotHash !== b.snapshotHash || a.gasUsed !== b.gasUsed) {
      const ctx = stepContext(restoreSnapshot(compiled, mine.snapshots[i] as Snapshot), opts)
      const transcript = playGame(ctx, cluster.executorFor(i), mine.executorFor(i), {
        initialHash: mine.initialHash(i),
        ...(opts.ways ? { ways: opts.ways } : {}),
      })
      return { ok: false, checked: i + 1, divergedAt: i, transcript, gasUsed: gas, payout: 0n }
    }
  }
  return {
    ok: true,
    checked: log.length,
    divergedAt: undefined,
    transcript: undefined,
    gasUsed: gas,
    payout: validatorPayout(BigInt(gas), opts.gasPrice, opts.previousValidations),
  }
}

/** A cluster executing the log in normal mode (the fast path); receipts must match dispute mode. */
export function clusterReceipts(compiled: CompiledModule, log: readonly Tx[], options: MachineOptions = {}): Receipt[] {
  const nm = new NormalModule(compiled, options)
  const ni = new NormalInstance(nm)
  const out: Receipt[] = []
  log.forEach((tx, i) => {
    const r = ni.invoke(tx.func, tx.args, tx.gasLimit)
    // Mirror the persistent state into an interpreter instance to hash the snapshot.
    const mem = ni.exports[nm.instrumented.names.memory] as { buffer: ArrayBuffer } | undefined
    const globals = nm.instrumented.globalGetters.map((g, gi) => {
      const v = (ni.exports[g] as () => number | bigint)()
      const t = compiled.globalTypes[gi]?.type
      return t === 0x7e || t === 0x7c ? BigInt.asUintN(64, v as bigint) : BigInt((v as number) >>> 0)
    })
    const snap: Snapshot = { memory: mem ? new Uint8Array(mem.buffer).slice() : new Uint8Array(0), globals }
    const inst = restoreSnapshot(compiled, snap)
    out.push({
      tx: i,
      stateHash: hex(r.stateHash ?? new Uint8Array(32)),
      snapshotHash: hex(snapshotHash(inst)),
      gasUsed: r.gasUsed,
      status: r.status,
    })
  })
  return out
}
