// The EVM's state manager over a ledger StateView: reads fall through to the view, writes
// are journaled per checkpoint (the EVM's call frames) and flushed to the view at the end.
import type { StateManagerInterface } from '@ethereumjs/common'
import { Account, type Address, KECCAK256_NULL, setLengthLeft, unpadBytes } from '@ethereumjs/util'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { accountKey, codeKey, decodeAccount, encodeAccount, hex, storageKey } from './layout.js'

/** What the state manager reads from and finally writes to. */
export interface SethStateAccess {
  get(address: string): Promise<Uint8Array | undefined>
  set(address: string, value: Uint8Array): Promise<void>
  delete(address: string): Promise<void>
}

const EMPTY = new Uint8Array(0)

function addr(a: Address): string {
  return hex(a.bytes)
}

/** Journaled state for one transaction (or one eth_call). */
export class SethStateManager implements StateManagerInterface {
  /** Current staged values by state address; null is a deletion. */
  private readonly current = new Map<string, Uint8Array | null>()
  /** One map per open checkpoint: the value each key had when first written at that level. */
  private readonly journal: Map<string, Uint8Array | null | undefined>[] = []
  /** Addresses whose storage was cleared in this transaction: their committed slots read as zero. */
  private readonly cleared = new Set<string>()
  readonly originalStorageCache: { get(address: Address, key: Uint8Array): Promise<Uint8Array>; clear(): void }

  constructor(private base: SethStateAccess) {
    this.originalStorageCache = {
      get: async (address, key) => {
        const a = addr(address)
        if (this.cleared.has(a)) return EMPTY
        return (await this.base.get(storageKey(a, hex(setLengthLeft(key, 32))))) ?? EMPTY
      },
      clear: () => {},
    }
  }

  /** Starts over on another view (one manager serves many transactions, one at a time). */
  reset(base: SethStateAccess): void {
    this.base = base
    this.current.clear()
    this.journal.length = 0
    this.cleared.clear()
  }

  /** The view being executed on. */
  get view(): SethStateAccess {
    return this.base
  }

  private async read(key: string): Promise<Uint8Array | undefined> {
    const v = this.current.get(key)
    if (v !== undefined) return v === null ? undefined : v
    return this.base.get(key)
  }

  private write(key: string, value: Uint8Array | null): void {
    const top = this.journal[this.journal.length - 1]
    if (top !== undefined && !top.has(key)) top.set(key, this.current.get(key))
    this.current.set(key, value)
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    const raw = await this.read(accountKey(addr(address)))
    return raw === undefined ? undefined : decodeAccount(raw)
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    if (account === undefined) return this.deleteAccount(address)
    this.write(accountKey(addr(address)), encodeAccount(account))
  }

  async deleteAccount(address: Address): Promise<void> {
    const a = addr(address)
    this.write(accountKey(a), null)
    this.write(codeKey(a), null)
  }

  async modifyAccountFields(
    address: Address,
    fields: Partial<Pick<Account, 'nonce' | 'balance' | 'codeHash' | 'storageRoot'>>,
  ): Promise<void> {
    const account = (await this.getAccount(address)) ?? new Account()
    if (fields.nonce !== undefined) account.nonce = fields.nonce
    if (fields.balance !== undefined) account.balance = fields.balance
    if (fields.codeHash !== undefined) account.codeHash = fields.codeHash
    await this.putAccount(address, account)
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    const a = addr(address)
    this.write(codeKey(a), value.length === 0 ? null : value)
    await this.modifyAccountFields(address, { codeHash: value.length === 0 ? KECCAK256_NULL : keccak_256(value) })
  }

  async getCode(address: Address): Promise<Uint8Array> {
    return (await this.read(codeKey(addr(address)))) ?? EMPTY
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    const a = addr(address)
    const k = storageKey(a, hex(setLengthLeft(key, 32)))
    const v = this.current.get(k)
    if (v !== undefined) return v === null ? EMPTY : v
    if (this.cleared.has(a)) return EMPTY
    return (await this.base.get(k)) ?? EMPTY
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const v = unpadBytes(value)
    this.write(storageKey(addr(address), hex(setLengthLeft(key, 32))), v.length === 0 ? null : v)
  }

  async clearStorage(address: Address): Promise<void> {
    const a = addr(address)
    const prefix = storageKey(a, '')
    for (const k of [...this.current.keys()]) if (k.startsWith(prefix)) this.write(k, null)
    this.cleared.add(a)
  }

  async checkpoint(): Promise<void> {
    this.journal.push(new Map())
  }

  async commit(): Promise<void> {
    const top = this.journal.pop()
    const parent = this.journal[this.journal.length - 1]
    if (top === undefined || parent === undefined) return
    for (const [k, v] of top) if (!parent.has(k)) parent.set(k, v)
  }

  async revert(): Promise<void> {
    const top = this.journal.pop()
    if (top === undefined) return
    for (const [k, v] of top) {
      if (v === undefined) this.current.delete(k)
      else this.current.set(k, v)
    }
  }

  /** Writes every staged change to the underlying view. */
  async flush(): Promise<void> {
    for (const [k, v] of this.current) {
      if (v === null) await this.base.delete(k)
      else await this.base.set(k, v)
    }
  }

  async getStateRoot(): Promise<Uint8Array> {
    return KECCAK256_NULL
  }
  async setStateRoot(): Promise<void> {}
  async hasStateRoot(): Promise<boolean> {
    return true
  }
  clearCaches(): void {}
  shallowCopy(): StateManagerInterface {
    return new SethStateManager(this.base)
  }
}
