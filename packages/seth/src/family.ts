// The Seth transaction family: standard signed Ethereum transactions executed on
// @ethereumjs/evm with free gas (no fee is charged or needed; the gas limit still bounds
// execution) and Sawtooth Seth's account permissions.
import type { BlockContext, StateView, Transaction } from '@atmosphere/interfaces'
import type { LedgerFamily, StateReader } from '@atmosphere/ledger'
import { type Common, createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common'
import { createEVM, type EVM } from '@ethereumjs/evm'
import { Capability, createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx'
import { Account, Address, bigIntToUnpaddedBytes, bytesToBigInt, SECP256K1_ORDER_DIV_2 } from '@ethereumjs/util'
import { secp256k1 as secpPoint } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { SecpOperations } from './crypto-port.js'
import { type SethStateAccess, SethStateManager } from './evm-state.js'
import { accountKey, decodeAccount, encodeAccount, equalBytes, hex, permissionsKey, SETH_NAMESPACE } from './layout.js'
import { chainIdBytes, type LeanTransaction, leanDecode1559 } from './lean-tx.js'
import { type EvmLog, encodeSethReceipt, type SethReceipt } from './receipt.js'
import { compressPublicKey, ecrecoverWith, recoveryId, type SecpBackend, secpBackend } from './secp256k1.js'

/** Seth's permission bits (Sawtooth Seth's EvmPermissions). */
export const Permission = { root: 1, send: 2, call: 4, contract: 8, account: 16 } as const
/** Every permission bit. */
export const ALL_PERMISSIONS = 31
/** Transactions to this address set permissions: data = 20-byte account ‖ 8-byte bits; sender needs root. */
export const PERMISSIONS_ADDRESS = '0x5e7400000000000000000000000000000000005e'
/** The address whose permissions are the global default (Seth's rule). */
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'

/** Options of {@link sethFamily}. */
export interface SethFamilyInit {
  readonly chainId: bigint
  /** Gas limit of one transaction and the block gas limit reported to clients; 30 000 000 by default. */
  readonly blockGasLimit?: bigint
  /** Returns the Ethereum hash of the canonical block at a height (for BLOCKHASH). */
  readonly blockHash?: (height: bigint) => Promise<Uint8Array | undefined>
  /** The libsecp256k1 build for sender recovery; native when it loads, else WebAssembly. */
  readonly secpBackend?: SecpBackend
}

/** A decoded, authenticated Ethereum transaction. */
export interface DecodedTransaction {
  /** The ethereumjs transaction (built on first use for transactions read by the lean decoder). */
  readonly tx: TypedTransaction
  readonly nonce: bigint
  /** The fields the lean decoder read (type 2, empty access list); absent otherwise. */
  readonly lean?: LeanTransaction
  readonly hash: Uint8Array
  readonly hashHex: string
  readonly sender: Address
  /** Compressed SEC1 public key of the sender. */
  readonly publicKey: Uint8Array
  /** r ‖ s ‖ recovery id: the ledger transaction's header signature. */
  readonly signature: Uint8Array
}

/** A message to execute: from a transaction or from eth_call / eth_estimateGas. */
export interface SethMessage {
  readonly caller: Address
  readonly to?: Address
  readonly value: bigint
  readonly data: Uint8Array
  readonly gasLimit: bigint
  /** Checked against the account when present (transactions); absent for calls. */
  readonly nonce?: bigint
  readonly accessList?: ReadonlyArray<readonly [Uint8Array, readonly Uint8Array[]]>
}

/** A transaction that cannot be included at all (as opposed to one that reverts). */
export class InvalidEvmTransaction extends Error {
  override readonly name = 'InvalidEvmTransaction'
}

function pad32(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  out.set(b, 32 - b.length)
  return out
}

/** Intrinsic gas after Cancun (EIP-2028 data, EIP-2930 access lists, EIP-3860 initcode). */
export function intrinsicGas(data: Uint8Array, isCreate: boolean, accessList: SethMessage['accessList'] = []): bigint {
  let g = 21000n
  for (const b of data) g += b === 0 ? 4n : 16n
  if (isCreate) g += 32000n + 2n * BigInt(Math.ceil(data.length / 32))
  for (const [, keys] of accessList) g += 2400n + 1900n * BigInt(keys.length)
  return g
}

/** Reads an account's permission bits, falling back to the zero address's, then to all. */
export async function permissionsOf(state: StateReader, address: string): Promise<number> {
  const own = await state.get(permissionsKey(address))
  if (own !== undefined) return Number(bytesToBigInt(own))
  const global = await state.get(permissionsKey('0'.repeat(40)))
  return global === undefined ? ALL_PERMISSIONS : Number(bytesToBigInt(global))
}

/** The Seth family plus what the JSON-RPC layer needs from it. */
export class SethFamily implements LedgerFamily {
  readonly name = 'seth'
  readonly versions = ['1.0']
  readonly namespaces = [SETH_NAMESPACE]
  readonly blockGasLimit: bigint
  readonly chainId: bigint
  readonly secp: SecpBackend
  /** Use the lean decoder for plain type-2 transactions (true by default; tests compare both paths). */
  leanDecoding = true
  /** Run plain value transfers to accounts without code outside the EVM (true by default; tests compare both paths). */
  plainTransferShortcut = true
  private readonly chainIdRaw: Uint8Array
  private readonly cache = new Map<string, DecodedTransaction>()
  /** The same, keyed by the payload array itself: skips hashing when the bytes object comes back. */
  private readonly byPayload = new WeakMap<Uint8Array, DecodedTransaction>()
  private readonly addresses = new Map<string, string>()
  private readonly sm = new SethStateManager({
    get: async () => undefined,
    set: async () => {},
    delete: async () => {},
  })
  private busy: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly common: Common,
    private readonly evm: EVM,
    init: SethFamilyInit,
  ) {
    this.blockGasLimit = init.blockGasLimit ?? 30_000_000n
    this.chainId = init.chainId
    this.secp = init.secpBackend ?? secpBackend
    this.chainIdRaw = chainIdBytes(init.chainId)
  }

  static async create(init: SethFamilyInit): Promise<SethFamily> {
    const common = createCustomCommon({ chainId: Number(init.chainId) }, Mainnet, {
      hardfork: Hardfork.Cancun,
      customCrypto: { ecrecover: ecrecoverWith(init.secpBackend ?? secpBackend) },
    })
    // Every decoded transaction copies its Common (re-deriving all parameters: a third of the
    // decode time). The hardfork never changes here, so transactions share this one.
    common.copy = () => common
    // Each transaction also re-merges the same parameter table into the Common; once is enough.
    const updateParams = common.updateParams.bind(common)
    const merged = new WeakSet<object>()
    common.updateParams = (params) => {
      if (!merged.has(params)) {
        merged.add(params)
        updateParams(params)
      }
      return common
    }
    const family = new SethFamily(common, undefined as unknown as EVM, init)
    const evm = await createEVM({
      common,
      stateManager: family.sm,
      blockchain: {
        getBlock: async (n: number) => {
          const h = (await init.blockHash?.(BigInt(n))) ?? new Uint8Array(32)
          return { hash: () => h }
        },
        putBlock: async () => {},
        shallowCopy() {
          return this
        },
      },
    })
    ;(family as unknown as { evm: EVM }).evm = evm
    return family
  }

  /** Decodes and authenticates raw Ethereum transaction bytes (cached by hash). */
  decode(raw: Uint8Array): DecodedTransaction {
    const known = this.byPayload.get(raw)
    if (known !== undefined) return known
    const hash = keccak_256(raw)
    const hashHex = hex(hash)
    const cached = this.cache.get(hashHex)
    if (cached !== undefined) return cached
    const lean = this.leanDecoding ? leanDecode1559(raw, this.chainIdRaw) : undefined
    if (lean !== undefined) {
      const pub = this.secp.recover(lean.signingHash, lean.rs, lean.recoveryId)
      // No key recovers: ethereumjs below reports it in its own words.
      if (pub !== null) return this.rememberLean(lean, raw, hash, hashHex, pub.subarray(1))
    }
    const tx = this.parse(raw)
    return this.remember(tx, raw, hash, hashHex, tx.getSenderPublicKey())
  }

  /**
   * Like {@link decode}, with the public-key recovery done by `ops` (worker threads, say):
   * the transaction is parsed here and only the elliptic-curve work leaves the thread.
   */
  async decodeWith(raw: Uint8Array, ops: SecpOperations): Promise<DecodedTransaction> {
    const known = this.byPayload.get(raw)
    if (known !== undefined) return known
    const hash = keccak_256(raw)
    const hashHex = hex(hash)
    const cached = this.cache.get(hashHex)
    if (cached !== undefined) return cached
    const lean = this.leanDecoding ? leanDecode1559(raw, this.chainIdRaw) : undefined
    if (lean !== undefined) {
      const pub = await ops.recover(lean.signingHash, lean.rs, lean.recoveryId)
      if (pub !== null) return this.rememberLean(lean, raw, hash, hashHex, pub.subarray(1))
    }
    const tx = this.parse(raw)
    const r = pad32(bigIntToUnpaddedBytes(tx.r!))
    const s = pad32(bigIntToUnpaddedBytes(tx.s!))
    // EIP-2: only low-s signatures are valid (ethereumjs checks this in getSenderPublicKey).
    if (tx.s! > SECP256K1_ORDER_DIV_2) throw new InvalidEvmTransaction('invalid signature: s is above n/2 (EIP-2)')
    const sig = new Uint8Array(64)
    sig.set(r, 0)
    sig.set(s, 32)
    const recid = recoveryId(tx.v!, tx.supports(Capability.EIP155ReplayProtection) ? this.chainId : undefined)
    const pub = await ops.recover(tx.getMessageToVerifySignature(), sig, recid)
    if (pub === null) throw new InvalidEvmTransaction('invalid signature: no public key recovers')
    const pub64 = pub.subarray(1)
    // Share the result with ethereumjs, which caches the sender this way itself.
    ;(tx as unknown as { cache: { senderPubKey?: Uint8Array } }).cache.senderPubKey = pub64
    return this.remember(tx, raw, hash, hashHex, pub64)
  }

  private parse(raw: Uint8Array): TypedTransaction {
    const tx = createTxFromRLP(raw, { common: this.common })
    // Blob (EIP-4844) and set-code (EIP-7702) transactions need machinery this chain lacks.
    if (tx.type > 2)
      throw new InvalidEvmTransaction(`transaction type ${tx.type} is not supported (legacy, 2930 and 1559 are)`)
    if (!tx.isSigned()) throw new InvalidEvmTransaction('transaction is not signed')
    return tx
  }

  private remember(
    tx: TypedTransaction,
    raw: Uint8Array,
    hash: Uint8Array,
    hashHex: string,
    pub: Uint8Array,
  ): DecodedTransaction {
    const sender = new Address(keccak_256(pub).subarray(12))
    const sig = new Uint8Array(65)
    sig.set(pad32(bigIntToUnpaddedBytes(tx.r!)), 0)
    sig.set(pad32(bigIntToUnpaddedBytes(tx.s!)), 32)
    sig[64] = recoveryId(tx.v!, tx.supports(Capability.EIP155ReplayProtection) ? this.chainId : undefined)
    const d: DecodedTransaction = {
      tx,
      nonce: tx.nonce,
      hash,
      hashHex,
      sender,
      publicKey: compressPublicKey(pub, this.secp),
      signature: sig,
    }
    return this.keep(raw, hashHex, d)
  }

  private rememberLean(
    lean: LeanTransaction,
    raw: Uint8Array,
    hash: Uint8Array,
    hashHex: string,
    pub: Uint8Array,
  ): DecodedTransaction {
    const sig = new Uint8Array(65)
    sig.set(lean.rs, 0)
    sig[64] = lean.recoveryId
    const common = this.common
    let tx: TypedTransaction | undefined
    const d: DecodedTransaction = {
      get tx() {
        if (tx === undefined) {
          tx = createTxFromRLP(raw, { common })
          ;(tx as unknown as { cache: { senderPubKey?: Uint8Array } }).cache.senderPubKey = pub
        }
        return tx
      },
      nonce: lean.nonce,
      lean,
      hash,
      hashHex,
      sender: new Address(keccak_256(pub).subarray(12)),
      publicKey: compressPublicKey(pub, this.secp),
      signature: sig,
    }
    return this.keep(raw, hashHex, d)
  }

  private keep(raw: Uint8Array, hashHex: string, d: DecodedTransaction): DecodedTransaction {
    if (this.cache.size >= 200_000) {
      const first = this.cache.keys().next().value
      if (first !== undefined) this.cache.delete(first)
    }
    this.cache.set(hashHex, d)
    this.byPayload.set(raw, d)
    return d
  }

  /** Drops decoded transactions from the cache once they are committed. */
  forget(hashHex: string): void {
    this.cache.delete(hashHex)
  }

  /** The Ethereum address (40 hex) of a compressed public key. */
  addressOf(publicKey: Uint8Array): string {
    const k = hex(publicKey)
    let a = this.addresses.get(k)
    if (a === undefined) {
      const { Point } = secpPoint
      const full = Point.fromBytes(publicKey).toBytes(false)
      a = hex(keccak_256(full.subarray(1)).subarray(12))
      if (this.addresses.size > 100_000) this.addresses.clear()
      this.addresses.set(k, a)
    }
    return a
  }

  // --- LedgerFamily hooks --------------------------------------------------------------

  authenticate(t: Transaction): boolean {
    let d: DecodedTransaction
    try {
      d = this.decode(t.payload)
    } catch {
      return false
    }
    const h = t.header
    return (
      t.id === d.hashHex &&
      equalBytes(h.payloadHash, d.hash) &&
      equalBytes(h.signerPublicKey, d.publicKey) &&
      equalBytes(t.headerSignature, d.signature) &&
      h.nonce === d.nonce &&
      h.inputs.length === 1 &&
      h.inputs[0] === SETH_NAMESPACE &&
      h.outputs.length === 1 &&
      h.outputs[0] === SETH_NAMESPACE &&
      h.dependencies.length === 0
    )
  }

  async nextNonce(signerPublicKey: Uint8Array, state: StateReader): Promise<bigint> {
    const raw = await state.get(accountKey(this.addressOf(signerPublicKey)))
    return raw === undefined ? 0n : decodeAccount(raw).nonce
  }

  async check(t: Transaction, state: StateReader): Promise<string | undefined> {
    const d = this.decode(t.payload)
    return this.precheck(this.message(d), state)
  }

  async apply(
    t: Transaction,
    view: StateView,
    block: BlockContext,
  ): Promise<{ valid: true; receipt: Uint8Array } | { valid: false; reason: string }> {
    let d: DecodedTransaction
    try {
      d = this.decode(t.payload)
    } catch (e) {
      return { valid: false, reason: `undecodable transaction: ${(e as Error).message}` }
    }
    const msg = this.message(d)
    const reason = await this.precheck(msg, view)
    if (reason !== undefined) return { valid: false, reason }
    try {
      const r = await this.run(view, msg, block, true)
      return { valid: true, receipt: encodeSethReceipt(r) }
    } catch (e) {
      if (e instanceof InvalidEvmTransaction) return { valid: false, reason: e.message }
      throw e
    }
  }

  // --- execution -----------------------------------------------------------------------

  message(d: DecodedTransaction): SethMessage {
    const lean = d.lean
    if (lean !== undefined) {
      return {
        caller: d.sender,
        to: new Address(lean.to),
        value: lean.value,
        data: lean.data,
        gasLimit: lean.gasLimit,
        nonce: lean.nonce,
        accessList: [],
      }
    }
    const tx = d.tx
    const accessList = 'accessList' in tx ? (tx.accessList as unknown as [Uint8Array, Uint8Array[]][]) : []
    return {
      caller: d.sender,
      ...(tx.to === undefined ? {} : { to: tx.to }),
      value: tx.value,
      data: tx.data,
      gasLimit: tx.gasLimit,
      nonce: tx.nonce,
      accessList,
    }
  }

  /** Checks that do not need execution: gas bounds and permissions. Returns a reason to refuse. */
  async precheck(msg: SethMessage, state: StateReader): Promise<string | undefined> {
    const intrinsic = intrinsicGas(msg.data, msg.to === undefined, msg.accessList)
    if (msg.gasLimit < intrinsic) return `intrinsic gas too low: have ${msg.gasLimit}, want ${intrinsic}`
    if (msg.gasLimit > this.blockGasLimit) return `exceeds block gas limit: ${msg.gasLimit} > ${this.blockGasLimit}`
    const caller = hex(msg.caller.bytes)
    const perms = await permissionsOf(state, caller)
    if (msg.to === undefined) {
      if ((perms & (Permission.contract | Permission.root)) === 0)
        return `permission denied: ${'0x' + caller} may not deploy contracts`
      return undefined
    }
    const to = hex(msg.to.bytes)
    if (`0x${to}` === PERMISSIONS_ADDRESS) {
      if ((perms & Permission.root) === 0) return `permission denied: ${'0x' + caller} may not change permissions`
      return undefined
    }
    const target = await state.get(accountKey(to))
    const isContract = target !== undefined && decodeAccount(target).isContract()
    if (isContract && (perms & (Permission.call | Permission.root)) === 0)
      return `permission denied: ${'0x' + caller} may not call contracts`
    if (!isContract && (perms & (Permission.send | Permission.root)) === 0)
      return `permission denied: ${'0x' + caller} may not send`
    if (target === undefined && msg.value > 0n && (perms & (Permission.account | Permission.root)) === 0) {
      return `permission denied: ${'0x' + caller} may not create accounts`
    }
    if (msg.nonce !== undefined) {
      const from = await state.get(accountKey(caller))
      const balance = from === undefined ? 0n : decodeAccount(from).balance
      if (balance < msg.value) return `insufficient funds for value: balance ${balance}, value ${msg.value}`
    }
    return undefined
  }

  private evmBlock(ctx: BlockContext) {
    const coinbase =
      ctx.publisherPublicKey.length === 33
        ? new Address(this.hexToBytes20(this.addressOf(ctx.publisherPublicKey)))
        : new Address(new Uint8Array(20))
    return {
      header: {
        number: ctx.height,
        coinbase,
        timestamp: BigInt(Math.floor(ctx.timestamp / 1000)),
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: this.blockGasLimit,
        baseFeePerGas: 0n,
        getBlobGasPrice: () => 1n,
      },
    }
  }

  private hexToBytes20(h: string): Uint8Array {
    const out = new Uint8Array(20)
    for (let i = 0; i < 20; i++) out[i] = Number.parseInt(h.slice(i * 2, i * 2 + 2), 16)
    return out
  }

  /**
   * Executes a message on `state`. With `commit`, staged writes are flushed to `state` (a
   * ledger view); otherwise they are dropped (eth_call). One execution at a time.
   */
  run(state: SethStateAccess, msg: SethMessage, ctx: BlockContext, commit: boolean): Promise<SethReceipt> {
    const job = this.busy.then(() => this.runNow(state, msg, ctx, commit))
    this.busy = job.catch(() => undefined)
    return job
  }

  private async runNow(
    state: SethStateAccess,
    msg: SethMessage,
    ctx: BlockContext,
    commit: boolean,
  ): Promise<SethReceipt> {
    const sm = this.sm
    sm.reset(state)
    const evm = this.evm
    await evm.journal.cleanup()
    const isCreate = msg.to === undefined
    const intrinsic = intrinsicGas(msg.data, isCreate, msg.accessList)
    if (msg.gasLimit < intrinsic)
      throw new InvalidEvmTransaction(`intrinsic gas too low: have ${msg.gasLimit}, want ${intrinsic}`)
    const sender = (await sm.getAccount(msg.caller)) ?? new Account()
    if (msg.nonce !== undefined && sender.nonce !== msg.nonce) {
      throw new InvalidEvmTransaction(`nonce mismatch: account has ${sender.nonce}, transaction has ${msg.nonce}`)
    }
    if (sender.balance < msg.value)
      throw new InvalidEvmTransaction(`insufficient funds for value: balance ${sender.balance}, value ${msg.value}`)
    let receipt: SethReceipt
    const to = msg.to
    if (to !== undefined && `0x${hex(to.bytes)}` === PERMISSIONS_ADDRESS) {
      receipt = await this.setPermissions(msg, sender, intrinsic)
    } else if (
      this.plainTransferShortcut &&
      to !== undefined &&
      msg.data.length === 0 &&
      !evm.precompiles.has(hex(to.bytes)) &&
      (await sm.getCodeSize(to)) === 0
    ) {
      // A plain value transfer to an account without code runs no EVM code (as on Ethereum).
      sender.nonce += 1n
      sender.balance -= msg.value
      await sm.putAccount(msg.caller, sender)
      const recipient = (await sm.getAccount(to)) ?? new Account()
      recipient.balance += msg.value
      await sm.putAccount(to, recipient)
      receipt = { status: 1, gasUsed: intrinsic, logs: [], output: new Uint8Array(0) }
    } else {
      receipt = await this.runEvm(msg, ctx, intrinsic)
    }
    if (commit) await sm.flush()
    sm.reset({ get: async () => undefined, set: async () => {}, delete: async () => {} })
    return receipt
  }

  private async setPermissions(msg: SethMessage, sender: Account, intrinsic: bigint): Promise<SethReceipt> {
    const sm = this.sm
    sender.nonce += 1n
    await sm.putAccount(msg.caller, sender)
    if (msg.data.length < 20 || msg.data.length > 28) {
      return {
        status: 0,
        gasUsed: intrinsic,
        logs: [],
        output: new Uint8Array(0),
        error: 'permissions data must be 20-byte address and up to 8 bytes of bits',
      }
    }
    const target = hex(msg.data.subarray(0, 20))
    const bits = bytesToBigInt(msg.data.subarray(20))
    // Permissions live beside the account, outside the EVM's view, and are written directly.
    await sm.view.set(permissionsKey(target), bigIntToUnpaddedBytes(bits))
    return { status: 1, gasUsed: intrinsic, logs: [], output: new Uint8Array(0) }
  }

  private async runEvm(msg: SethMessage, ctx: BlockContext, intrinsic: bigint): Promise<SethReceipt> {
    const evm = this.evm
    for (const a of evm.precompiles.keys()) evm.journal.addAlwaysWarmAddress(a)
    evm.journal.addAlwaysWarmAddress(hex(msg.caller.bytes))
    if (msg.to !== undefined) evm.journal.addAlwaysWarmAddress(hex(msg.to.bytes))
    const block = this.evmBlock(ctx)
    evm.journal.addAlwaysWarmAddress(hex(block.header.coinbase.bytes))
    for (const [a, keys] of msg.accessList ?? []) {
      evm.journal.addAlwaysWarmAddress(hex(a), true)
      for (const k of keys) evm.journal.addAlwaysWarmSlot(hex(a), hex(k), true)
    }
    try {
      const result = await evm.runCall({
        block,
        gasPrice: 0n,
        caller: msg.caller,
        origin: msg.caller,
        gasLimit: msg.gasLimit - intrinsic,
        ...(msg.to === undefined ? {} : { to: msg.to }),
        value: msg.value,
        data: msg.data,
      })
      const ex = result.execResult
      let gasUsed = intrinsic + ex.executionGasUsed
      const refund = ex.gasRefund ?? 0n
      if (refund > 0n) gasUsed -= refund < gasUsed / 5n ? refund : gasUsed / 5n
      if (ex.selfdestruct !== undefined) {
        for (const a of ex.selfdestruct.keys()) {
          if (!(ex.createdAddresses?.has(a) ?? false)) continue
          const address = new Address(this.hexToBytes20(a.replace(/^0x/, '')))
          await this.sm.deleteAccount(address)
          await this.sm.clearStorage(address)
        }
      }
      const failed = ex.exceptionError !== undefined
      return {
        status: failed ? 0 : 1,
        gasUsed,
        ...(result.createdAddress !== undefined && !failed ? { contractAddress: result.createdAddress.bytes } : {}),
        logs: failed ? [] : ((ex.logs ?? []) as EvmLog[]),
        output: ex.returnValue,
        ...(failed ? { error: ex.exceptionError!.error } : {}),
      }
    } finally {
      evm.journal.cleanJournal()
    }
  }
}

/** Creates the Seth family (async: the EVM loads its precompiles). */
export function sethFamily(init: SethFamilyInit): Promise<SethFamily> {
  return SethFamily.create(init)
}

/** Genesis allocations and permissions, as ledger genesis state. */
export interface SethGenesis {
  /** Balances by address (0x-hex). */
  readonly alloc?: Readonly<Record<string, bigint>>
  /** Permission bits by address; the zero address holds the global default. */
  readonly permissions?: Readonly<Record<string, number>>
}

/** The ledger genesis state entries for {@link SethGenesis}. */
export function sethGenesisState(g: SethGenesis): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = []
  for (const [a, balance] of Object.entries(g.alloc ?? {})) {
    out.push([accountKey(a.toLowerCase().replace(/^0x/, '')), encodeAccount(new Account(0n, balance))])
  }
  for (const [a, bits] of Object.entries(g.permissions ?? {})) {
    out.push([permissionsKey(a.toLowerCase().replace(/^0x/, '')), bigIntToUnpaddedBytes(BigInt(bits))])
  }
  return out.sort((x, y) => (x[0] < y[0] ? -1 : 1))
}
