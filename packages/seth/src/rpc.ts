// The Ethereum JSON-RPC method table over a SethNode, transport-free: the HTTP/WebSocket
// adapter hands it parsed JSON and sends back what it returns. Errors follow EIP-1474.
import { Address, createZeroAddress } from '@ethereumjs/util'
import {
  ExecutionRevertedError,
  InvalidParamsError,
  InvalidRequestError,
  LimitExceededError,
  MethodNotFoundError,
  MethodNotSupportedError,
  ResourceNotFoundError,
  SethError,
} from './errors.js'
import type { SethMessage } from './family.js'
import { blockHash, data, formatBlock, formatLog, formatReceipt, formatTransaction, q } from './format.js'
import { hex } from './layout.js'
import { type BlockInfo, filterLogs, type SethNode } from './node.js'
import { revertReason } from './receipt.js'

/** A connection that can receive subscription notifications (WebSocket). */
export interface RpcConnection {
  notify(message: unknown): void
  /** Subscriptions of this connection, removed when it closes. */
  readonly subscriptions: Set<string>
}

/** Options of {@link createRpcHandler}. */
export interface RpcOptions {
  /** Reported by web3_clientVersion. */
  readonly clientVersion?: string
  /** Accounts reported by eth_accounts (the node holds no keys, so none by default). */
  readonly accounts?: readonly string[]
  /** Most requests in one batch; 1000 by default. */
  readonly maxBatch?: number
  /** Widest eth_getLogs block range; 10 000 by default. */
  readonly maxLogRange?: bigint
  /** Idle filters expire after this many milliseconds; 5 minutes by default. */
  readonly filterTimeoutMs?: number
}

type Params = readonly unknown[]
type FilterCriteria = {
  addresses: string[] | undefined
  topics: (string[] | null)[]
  from: bigint | 'latest'
  to: bigint | 'latest'
}
type Filter =
  | { kind: 'blocks'; changes: string[]; touched: number }
  | { kind: 'logs'; criteria: FilterCriteria; changes: Record<string, unknown>[]; touched: number }

/**
 * Whether a block's logs can match a filter's block range. As in geth (eth/filters, filterLogs),
 * a numbered fromBlock/toBlock bounds the changes a filter or logs subscription receives, removed
 * logs included; a tag (latest, pending, safe, finalized) leaves that end open.
 */
function inRange(c: FilterCriteria | undefined, height: bigint): boolean {
  if (c === undefined) return true
  return (c.from === 'latest' || height >= c.from) && (c.to === 'latest' || height <= c.to)
}

const HEX_QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/
const HEX_DATA = /^0x([0-9a-fA-F]{2})*$/

function quantity(v: unknown, name: string): bigint {
  if (typeof v !== 'string' || !HEX_QUANTITY.test(v)) throw new InvalidParamsError(`${name} must be a hex quantity`, v)
  return BigInt(v)
}

function bytes(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || !HEX_DATA.test(v)) throw new InvalidParamsError(`${name} must be hex data`, v)
  const out = new Uint8Array((v.length - 2) / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(v.slice(2 + i * 2, 4 + i * 2), 16)
  return out
}

function address(v: unknown, name: string): string {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v))
    throw new InvalidParamsError(`${name} must be a 20-byte address`, v)
  return v.slice(2).toLowerCase()
}

function hash32(v: unknown, name: string): string {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v))
    throw new InvalidParamsError(`${name} must be a 32-byte hash`, v)
  return v.slice(2).toLowerCase()
}

function toAddress(h: string): Address {
  const out = new Uint8Array(20)
  for (let i = 0; i < 20; i++) out[i] = Number.parseInt(h.slice(i * 2, i * 2 + 2), 16)
  return new Address(out)
}

/** The JSON-RPC handler: `handle` takes one parsed request or a batch and returns the response (or undefined for notifications). */
export class RpcHandler {
  private readonly filters = new Map<string, Filter>()
  private readonly subscriptions = new Map<
    string,
    { kind: 'newHeads' | 'logs'; criteria?: FilterCriteria; connection: RpcConnection }
  >()
  private nextId = 1n
  private readonly unsubscribe: () => void
  private readonly opts: Required<RpcOptions>

  constructor(
    readonly node: SethNode,
    options: RpcOptions = {},
  ) {
    this.opts = {
      clientVersion: options.clientVersion ?? 'atmosphere-seth/0.1.0',
      accounts: options.accounts ?? [],
      maxBatch: options.maxBatch ?? 1000,
      maxLogRange: options.maxLogRange ?? 10_000n,
      filterTimeoutMs: options.filterTimeoutMs ?? 300_000,
    }
    this.unsubscribe = node.onBlock((info, reverted) => this.onBlock(info, reverted))
  }

  private newId(): string {
    return q(this.nextId++)
  }

  /**
   * Feeds filters and subscriptions. After a fork switch (`reverted` non-empty, newest first)
   * log filters and logs subscriptions first get the abandoned blocks' matching logs again with
   * `removed: true`, in reverse order (newest block first, last log first: the undo order, which
   * geth's core/blockchain.go calls right, while its API still sends them oldest first "for
   * legacy reasons"); then the new branch's blocks arrive one call each, in order, as any new
   * block does (decision 0067, amendment).
   */
  private onBlock(info: BlockInfo, reverted: readonly BlockInfo[]): void {
    const now = Date.now()
    const height = info.block.header.height
    const removed = (c: FilterCriteria | undefined): Record<string, unknown>[] => {
      const out: Record<string, unknown>[] = []
      for (const r of reverted) {
        if (!inRange(c, r.block.header.height)) continue
        const logs = filterLogs(r, c?.addresses, c?.topics ?? [])
        for (let i = logs.length - 1; i >= 0; i--) out.push(formatLog(logs[i]!, true))
      }
      return out
    }
    for (const [id, f] of this.filters) {
      if (now - f.touched > this.opts.filterTimeoutMs) {
        this.filters.delete(id)
        continue
      }
      if (f.kind === 'blocks') f.changes.push(blockHash(info.block))
      else {
        if (reverted.length > 0) f.changes.push(...removed(f.criteria))
        if (inRange(f.criteria, height))
          f.changes.push(...filterLogs(info, f.criteria.addresses, f.criteria.topics).map((l) => formatLog(l)))
      }
    }
    let head: Record<string, unknown> | undefined
    for (const [id, s] of this.subscriptions) {
      if (s.kind === 'newHeads') {
        head ??= formatBlock(info, false, this.miner(info), this.node.family.blockGasLimit)
        const { transactions: _t, ...header } = head
        s.connection.notify({
          jsonrpc: '2.0',
          method: 'eth_subscription',
          params: { subscription: id, result: header },
        })
      } else {
        if (reverted.length > 0)
          for (const l of removed(s.criteria))
            s.connection.notify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: id, result: l } })
        if (!inRange(s.criteria, height)) continue
        for (const l of filterLogs(info, s.criteria?.addresses, s.criteria?.topics ?? [])) {
          s.connection.notify({
            jsonrpc: '2.0',
            method: 'eth_subscription',
            params: { subscription: id, result: formatLog(l) },
          })
        }
      }
    }
  }

  private miner(info: BlockInfo): string {
    const pk = info.block.header.signerPublicKey
    return pk.length === 33 ? `0x${this.node.family.addressOf(pk)}` : `0x${'0'.repeat(40)}`
  }

  /** Handles one request object or a batch array. */
  async handle(body: unknown, connection?: RpcConnection): Promise<unknown> {
    if (Array.isArray(body)) {
      if (body.length === 0) return errorResponse(null, new InvalidRequestError('empty batch', body))
      if (body.length > this.opts.maxBatch)
        return errorResponse(
          null,
          new LimitExceededError(`batch of ${body.length} exceeds ${this.opts.maxBatch}`, body.length),
        )
      const out = (await Promise.all(body.map((r) => this.handleOne(r, connection)))).filter((r) => r !== undefined)
      return out.length === 0 ? undefined : out
    }
    return this.handleOne(body, connection)
  }

  private async handleOne(req: unknown, connection?: RpcConnection): Promise<unknown> {
    if (typeof req !== 'object' || req === null || Array.isArray(req))
      return errorResponse(null, new InvalidRequestError('not an object', req))
    const r = req as Record<string, unknown>
    const id =
      r.id === undefined
        ? undefined
        : typeof r.id === 'string' || typeof r.id === 'number' || r.id === null
          ? r.id
          : undefined
    if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || (r.id !== undefined && id === undefined)) {
      return errorResponse(id ?? null, new InvalidRequestError('expected {"jsonrpc":"2.0","method":string,"id"?}', req))
    }
    const params = r.params === undefined ? [] : r.params
    if (!Array.isArray(params))
      return errorResponse(id ?? null, new InvalidParamsError('params must be an array', params))
    try {
      const result = await this.dispatch(r.method, params, connection)
      return id === undefined ? undefined : { jsonrpc: '2.0', id, result: result === undefined ? null : result }
    } catch (e) {
      if (id === undefined) return undefined
      return errorResponse(id, e)
    }
  }

  private async dispatch(method: string, p: Params, connection?: RpcConnection): Promise<unknown> {
    const node = this.node
    switch (method) {
      case 'eth_chainId':
        return q(node.family.chainId)
      case 'net_version':
        return node.family.chainId.toString()
      case 'web3_clientVersion':
        return this.opts.clientVersion
      case 'net_listening':
        return true
      case 'net_peerCount':
        return '0x0'
      case 'eth_blockNumber':
        return q(node.height)
      case 'eth_syncing':
        return false
      case 'eth_mining':
        return false
      case 'eth_accounts':
        return [...this.opts.accounts]
      case 'eth_gasPrice':
      case 'eth_maxPriorityFeePerGas':
      case 'eth_blobBaseFee':
        return '0x0'
      case 'eth_feeHistory':
        return this.feeHistory(p)
      case 'eth_getBalance':
        await this.stateTag(p[1])
        return q((await node.account(address(p[0], 'address'))).balance)
      case 'eth_getTransactionCount': {
        const a = address(p[0], 'address')
        const tag = p[1] ?? 'latest'
        if (tag === 'pending') return q(await node.pendingNonce(a))
        await this.stateTag(tag)
        return q((await node.account(a)).nonce)
      }
      case 'eth_getCode':
        await this.stateTag(p[1])
        return data(await node.code(address(p[0], 'address')))
      case 'eth_getStorageAt': {
        const a = address(p[0], 'address')
        const slot = quantity(p[1], 'slot')
        await this.stateTag(p[2])
        const v = await node.storage(a, slot.toString(16).padStart(64, '0'))
        return `0x${hex(v).padStart(64, '0')}`
      }
      case 'eth_call': {
        await this.stateTag(p[1])
        const r = await node.call(this.callMessage(p[0], node.family.blockGasLimit))
        if (r.status === 0) throw revertError(r.output, r.error)
        return data(r.output)
      }
      case 'eth_estimateGas':
        return q(await this.estimateGas(p))
      case 'eth_sendRawTransaction':
        return node.sendRawTransaction(bytes(p[0], 'transaction'))
      case 'eth_getTransactionByHash': {
        const h = hash32(p[0], 'hash')
        const t = await node.transaction(h)
        if (t !== undefined) return formatTransaction(t.decoded, { block: t.block, index: t.index })
        const pending = node.pendingTransaction(h)
        return pending === undefined ? null : formatTransaction(pending)
      }
      case 'eth_getTransactionReceipt': {
        const t = await node.transaction(hash32(p[0], 'hash'))
        return t === undefined ? null : formatReceipt(t)
      }
      case 'eth_getBlockByNumber': {
        const info = await this.blockAt(p[0])
        return info === undefined
          ? null
          : formatBlock(info, p[1] === true, this.miner(info), this.node.family.blockGasLimit)
      }
      case 'eth_getBlockByHash': {
        const info = await node.blockByHash(hash32(p[0], 'hash'))
        return info === undefined
          ? null
          : formatBlock(info, p[1] === true, this.miner(info), this.node.family.blockGasLimit)
      }
      case 'eth_getBlockTransactionCountByNumber': {
        const info = await this.blockAt(p[0])
        return info === undefined ? null : q(info.transactions.length)
      }
      case 'eth_getLogs':
        return this.getLogs(p[0])
      case 'eth_newFilter': {
        const id = this.newId()
        this.filters.set(id, { kind: 'logs', criteria: this.criteria(p[0]), changes: [], touched: Date.now() })
        return id
      }
      case 'eth_newBlockFilter': {
        const id = this.newId()
        this.filters.set(id, { kind: 'blocks', changes: [], touched: Date.now() })
        return id
      }
      case 'eth_getFilterChanges': {
        const f = this.filters.get(this.filterId(p[0]))
        if (f === undefined) throw new ResourceNotFoundError('filter', p[0])
        f.touched = Date.now()
        const out = f.changes
        f.changes = []
        return out
      }
      case 'eth_getFilterLogs': {
        const f = this.filters.get(this.filterId(p[0]))
        if (f === undefined || f.kind !== 'logs') throw new ResourceNotFoundError('filter', p[0])
        f.touched = Date.now()
        return this.logsFor(f.criteria)
      }
      case 'eth_uninstallFilter':
        return this.filters.delete(this.filterId(p[0]))
      case 'eth_subscribe': {
        if (connection === undefined) throw new MethodNotSupportedError('eth_subscribe over HTTP')
        const kind = p[0]
        if (kind !== 'newHeads' && kind !== 'logs')
          throw new InvalidParamsError('subscription must be newHeads or logs', kind)
        const id = `0x${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')}`
        this.subscriptions.set(id, {
          kind,
          ...(kind === 'logs' ? { criteria: this.criteria(p[1] ?? {}) } : {}),
          connection,
        })
        connection.subscriptions.add(id)
        return id
      }
      case 'eth_unsubscribe': {
        if (typeof p[0] !== 'string') throw new InvalidParamsError('subscription id must be a string', p[0])
        const s = this.subscriptions.get(p[0])
        if (s === undefined || s.connection !== connection) return false
        this.subscriptions.delete(p[0])
        connection?.subscriptions.delete(p[0])
        return true
      }
      case 'evm_mine': {
        const b = await node.mine(true)
        return b === undefined ? null : '0x0'
      }
      default:
        throw new MethodNotFoundError(method)
    }
  }

  /** Drops a closed connection's subscriptions. */
  dropConnection(connection: RpcConnection): void {
    for (const id of connection.subscriptions) this.subscriptions.delete(id)
    connection.subscriptions.clear()
  }

  private filterId(v: unknown): string {
    if (typeof v !== 'string' || !HEX_QUANTITY.test(v))
      throw new InvalidParamsError('filter id must be a hex quantity', v)
    return q(BigInt(v))
  }

  /** Only the head state is kept: state queries accept latest/pending/safe/finalized or the head's number or hash. */
  private async stateTag(tag: unknown): Promise<void> {
    if (tag === undefined || tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized') return
    const head = this.node.ledger.head
    if (typeof tag === 'string' && HEX_QUANTITY.test(tag)) {
      const n = BigInt(tag)
      if (n === head.header.height) return
      if (n > head.header.height) throw new ResourceNotFoundError(`block ${tag}`, tag)
      throw new SethError(
        -32000,
        `historical state for block ${tag} is not available (only the head state is kept)`,
        tag,
      )
    }
    if (typeof tag === 'object' && tag !== null) {
      const o = tag as Record<string, unknown>
      if (o.blockHash !== undefined && hash32(o.blockHash, 'blockHash') === head.id) return
      if (o.blockNumber !== undefined) return this.stateTag(o.blockNumber)
      throw new SethError(-32000, 'historical state is not available (only the head state is kept)', tag)
    }
    throw new InvalidParamsError('block tag must be latest, pending, earliest or a hex number', tag)
  }

  private blockNumber(tag: unknown): bigint {
    if (tag === undefined || tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized')
      return this.node.height
    if (tag === 'earliest') return 0n
    return quantity(tag, 'block')
  }

  private async blockAt(tag: unknown): Promise<BlockInfo | undefined> {
    return this.node.blockByHeight(this.blockNumber(tag))
  }

  private callMessage(v: unknown, defaultGas: bigint): SethMessage {
    if (typeof v !== 'object' || v === null) throw new InvalidParamsError('call object expected', v)
    const o = v as Record<string, unknown>
    const input = o.input ?? o.data
    const gas = o.gas === undefined ? defaultGas : quantity(o.gas, 'gas')
    return {
      caller: o.from === undefined || o.from === null ? createZeroAddress() : toAddress(address(o.from, 'from')),
      ...(o.to === undefined || o.to === null ? {} : { to: toAddress(address(o.to, 'to')) }),
      value: o.value === undefined ? 0n : quantity(o.value, 'value'),
      data: input === undefined || input === null ? new Uint8Array(0) : bytes(input, 'input'),
      gasLimit: gas > defaultGas ? defaultGas : gas,
      accessList: Array.isArray(o.accessList)
        ? (o.accessList as { address: unknown; storageKeys: unknown[] }[]).map((e) => [
            bytes(e.address, 'accessList.address'),
            (e.storageKeys ?? []).map((k) => bytes(k, 'accessList.storageKey')),
          ])
        : [],
    }
  }

  private async estimateGas(p: Params): Promise<bigint> {
    const cap = this.node.family.blockGasLimit
    const base = this.callMessage(p[0], cap)
    const top = base.gasLimit
    const first = await this.node.call({ ...base, gasLimit: top })
    if (first.status === 0) {
      if (first.output.length > 0 || first.error === 'revert') throw revertError(first.output, first.error)
      throw new SethError(-32000, `gas required exceeds allowance (${top}): ${first.error ?? 'failed'}`, p[0])
    }
    // The gas used is a lower bound; calls that forward 63/64 of their gas need more.
    let lo = first.gasUsed - 1n
    let hi = top
    const ok = async (g: bigint) => (await this.node.call({ ...base, gasLimit: g })).status === 1
    if (await ok(first.gasUsed)) return first.gasUsed
    const guess = (first.gasUsed * 64n) / 63n + 3000n
    if (guess < hi && (await ok(guess))) hi = guess
    else lo = guess < hi ? guess : lo
    while (hi - lo > 1n + hi / 1000n) {
      const mid = (lo + hi) / 2n
      if (await ok(mid)) hi = mid
      else lo = mid
    }
    return hi
  }

  private feeHistory(p: Params): Record<string, unknown> {
    const count = typeof p[0] === 'number' ? BigInt(p[0]) : quantity(p[0], 'blockCount')
    const newest = this.blockNumber(p[1])
    const n = count > 1024n ? 1024n : count
    const oldest = newest + 1n - n > 0n ? newest + 1n - n : 0n
    const len = Number(newest - oldest + 1n)
    const percentiles = Array.isArray(p[2]) ? p[2] : []
    return {
      oldestBlock: q(oldest),
      baseFeePerGas: Array.from({ length: len + 1 }, () => '0x0'),
      gasUsedRatio: Array.from({ length: len }, () => 0),
      ...(percentiles.length > 0 ? { reward: Array.from({ length: len }, () => percentiles.map(() => '0x0')) } : {}),
    }
  }

  private criteria(v: unknown): FilterCriteria {
    if (typeof v !== 'object' || v === null) throw new InvalidParamsError('filter object expected', v)
    const o = v as Record<string, unknown>
    const addresses =
      o.address === undefined || o.address === null
        ? undefined
        : (Array.isArray(o.address) ? o.address : [o.address]).map((a) => address(a, 'address'))
    const topicsIn = o.topics === undefined || o.topics === null ? [] : o.topics
    if (!Array.isArray(topicsIn)) throw new InvalidParamsError('topics must be an array', topicsIn)
    const topics = topicsIn.map((t) =>
      t === null ? null : (Array.isArray(t) ? t : [t]).map((x) => hash32(x, 'topic')),
    )
    const tag = (x: unknown): bigint | 'latest' =>
      x === undefined || x === 'latest' || x === 'pending' || x === 'safe' || x === 'finalized'
        ? 'latest'
        : this.blockNumber(x)
    return { addresses, topics, from: tag(o.fromBlock), to: tag(o.toBlock) }
  }

  private async logsFor(c: FilterCriteria): Promise<unknown[]> {
    const head = this.node.height
    const from = c.from === 'latest' ? head : c.from
    const to = c.to === 'latest' ? head : c.to > head ? head : c.to
    if (to >= from && to - from > this.opts.maxLogRange)
      throw new LimitExceededError(`block range ${to - from} exceeds ${this.opts.maxLogRange}`, { from, to })
    return (await this.node.logs(from, to, c.addresses, c.topics)).map((l) => formatLog(l))
  }

  private async getLogs(v: unknown): Promise<unknown[]> {
    if (typeof v === 'object' && v !== null && (v as Record<string, unknown>).blockHash !== undefined) {
      const info = await this.node.blockByHash(hash32((v as Record<string, unknown>).blockHash, 'blockHash'))
      if (info === undefined) throw new ResourceNotFoundError('block', (v as Record<string, unknown>).blockHash)
      const c = this.criteria({ ...(v as object), blockHash: undefined })
      return filterLogs(info, c.addresses, c.topics).map((l) => formatLog(l))
    }
    return this.logsFor(this.criteria(v))
  }

  close(): void {
    this.unsubscribe()
    this.filters.clear()
    this.subscriptions.clear()
  }
}

/** The revert error clients decode: code 3, message with the reason, data the revert bytes. */
export function revertError(output: Uint8Array, error?: string): SethError {
  if (error !== undefined && error !== 'revert') return new SethError(-32000, `execution failed: ${error}`, error)
  return new ExecutionRevertedError(revertReason(output), data(output))
}

/** A JSON-RPC error response for any thrown value (internal faults become -32603 without detail). */
export function errorResponse(id: unknown, e: unknown): Record<string, unknown> {
  if (e instanceof SethError) {
    return {
      jsonrpc: '2.0',
      id,
      error: { code: e.code, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) },
    }
  }
  return {
    jsonrpc: '2.0',
    id,
    error: { code: -32603, message: `internal error: ${(e as Error)?.message ?? String(e)}` },
  }
}

/** Creates the JSON-RPC handler for a node. */
export function createRpcHandler(node: SethNode, options?: RpcOptions): RpcHandler {
  return new RpcHandler(node, options)
}
