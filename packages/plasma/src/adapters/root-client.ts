// The RootChain port over any Ethereum JSON-RPC endpoint (the Atmosphere node, Hardhat,
// anvil, an in-process EIP-1193 provider), with viem. Every write is simulated first, so a
// revert surfaces as RootChainRevertError carrying the contract's custom error and arguments.
import { bytesToHex } from '@noble/hashes/utils.js'
import {
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  type EIP1193Provider,
  http,
  type PublicClient,
  parseEventLogs,
  type Transport,
  type WalletClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { plasmaRootAbi, plasmaRootBytecode, testTokenAbi, testTokenBytecode } from '../contracts/artifacts.generated.js'
import { RootChainRevertError } from '../errors.js'
import type { FraudProof } from '../fraud.js'
import type { Hex, RootChain, RootChainEvents, Sent } from '../root-chain.js'
import type { Address } from '../transaction.js'

/** Where the root chain is: a JSON-RPC URL or an EIP-1193 provider object. */
export type Endpoint = string | { request(args: { method: string; params?: unknown }): Promise<unknown> }

export interface Connection {
  readonly publicClient: PublicClient
  readonly walletClient: WalletClient
  readonly chain: Chain
  readonly account: ReturnType<typeof privateKeyToAccount>
}

/** Connects a signing account (a 32-byte secret key, hex) to an endpoint. */
export async function connect(endpoint: Endpoint, secretKey: Hex): Promise<Connection> {
  const transport: Transport =
    typeof endpoint === 'string' ? http(endpoint, { batch: false }) : custom(endpoint as EIP1193Provider)
  const probe = createPublicClient({ transport })
  const id = await probe.getChainId()
  const chain = defineChain({
    id,
    name: `chain-${id}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [typeof endpoint === 'string' ? endpoint : 'http://in-process'] } },
  })
  const account = privateKeyToAccount(secretKey)
  return {
    publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient,
    walletClient: createWalletClient({ chain, transport, account, pollingInterval: 50 }),
    chain,
    account,
  }
}

function revertReason(operation: string, err: unknown): never {
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError)
    if (revert instanceof ContractFunctionRevertedError) {
      const reason = revert.data?.errorName ?? revert.reason ?? 'unknown revert'
      const args = (revert.data?.args ?? (revert.reason ? [] : [])) as readonly unknown[]
      throw new RootChainRevertError(
        operation,
        reason === 'Error' && revert.reason ? revert.reason : reason,
        reason === 'Error' ? [] : args,
        err,
      )
    }
  }
  throw err
}

async function sendAndWait(
  c: Connection,
  operation: string,
  request: () => Promise<Hex>,
): Promise<Sent & { logs: readonly unknown[] }> {
  let hash: Hex
  try {
    hash = await request()
  } catch (err) {
    revertReason(operation, err)
  }
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 120_000 })
  if (receipt.status !== 'success') throw new RootChainRevertError(operation, 'reverted after simulation', [])
  return { hash, gasUsed: receipt.gasUsed, fee: receipt.gasUsed * receipt.effectiveGasPrice, logs: receipt.logs }
}

/** Deploys PlasmaRoot; returns its address. */
export async function deployPlasmaRoot(
  c: Connection,
  params: { operatorBond: bigint; exitBond: bigint; challengePeriod: bigint; feeBasisPoints: bigint },
): Promise<{ address: Address; gasUsed: bigint }> {
  const hash = await c.walletClient.deployContract({
    abi: plasmaRootAbi,
    bytecode: plasmaRootBytecode,
    args: [params.operatorBond, params.exitBond, params.challengePeriod, params.feeBasisPoints],
    account: c.account,
    chain: c.chain,
  })
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 })
  if (!receipt.contractAddress) throw new RootChainRevertError('deploy', 'no contract address in receipt', [])
  return { address: receipt.contractAddress.toLowerCase() as Address, gasUsed: receipt.gasUsed }
}

/** Deploys the test ERC-20 (all supply to the deployer). */
export async function deployTestToken(c: Connection, name: string, symbol: string, supply: bigint): Promise<Address> {
  const hash = await c.walletClient.deployContract({
    abi: testTokenAbi,
    bytecode: testTokenBytecode,
    args: [name, symbol, supply],
    account: c.account,
    chain: c.chain,
  })
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 })
  if (!receipt.contractAddress) throw new RootChainRevertError('deploy token', 'no contract address in receipt', [])
  return receipt.contractAddress.toLowerCase() as Address
}

export async function tokenBalance(c: Connection, token: Address, owner: Address): Promise<bigint> {
  return c.publicClient.readContract({ address: token, abi: testTokenAbi, functionName: 'balanceOf', args: [owner] })
}

export async function tokenTransfer(c: Connection, token: Address, to: Address, amount: bigint): Promise<Sent> {
  return sendAndWait(c, 'transfer', async () => {
    const { request } = await c.publicClient.simulateContract({
      address: token,
      abi: testTokenAbi,
      functionName: 'transfer',
      args: [to, amount],
      account: c.account,
    })
    return c.walletClient.writeContract(request)
  })
}

const lower = (a: string): Address => a.toLowerCase() as Address

/** The RootChain port over viem. */
export class PlasmaRootClient implements RootChain {
  readonly address: Address
  readonly account: Address

  constructor(
    readonly connection: Connection,
    address: Address,
  ) {
    this.address = lower(address)
    this.account = lower(connection.account.address)
  }

  static async connect(endpoint: Endpoint, secretKey: Hex, address: Address): Promise<PlasmaRootClient> {
    return new PlasmaRootClient(await connect(endpoint, secretKey), address)
  }

  private read<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.connection.publicClient.readContract({
      address: this.address,
      abi: plasmaRootAbi,
      functionName,
      args,
    } as never) as Promise<T>
  }

  private write(functionName: string, args: readonly unknown[], value?: bigint) {
    const c = this.connection
    return sendAndWait(c, functionName, async () => {
      const { request } = await c.publicClient.simulateContract({
        address: this.address,
        abi: plasmaRootAbi,
        functionName,
        args,
        account: c.account,
        ...(value === undefined ? {} : { value }),
      } as never)
      return c.walletClient.writeContract(request as never)
    })
  }

  async chainId() {
    return this.connection.chain.id
  }
  currentChildBlock() {
    return this.read<bigint>('currentChildBlock')
  }
  async blockRoot(blknum: bigint) {
    const [root, timestamp, operator] = await this.read<[Hex, bigint, Address]>('blocks', [blknum])
    return { root, timestamp: BigInt(timestamp), operator: lower(operator) }
  }

  async events(fromBlock: bigint): Promise<RootChainEvents> {
    const toBlock = await this.connection.publicClient.getBlockNumber({ cacheTime: 0 })
    if (toBlock < fromBlock) return { toBlock: fromBlock - 1n, deposits: [], blocks: [], exits: [] }
    const logs = await this.connection.publicClient.getLogs({ address: this.address, fromBlock, toBlock })
    const parsed = parseEventLogs({ abi: plasmaRootAbi, logs })
    const deposits = []
    const blocks = []
    const exits = []
    for (const ev of parsed) {
      if (ev.eventName === 'Deposit')
        deposits.push({
          owner: lower(ev.args.owner),
          token: lower(ev.args.token),
          amount: ev.args.amount,
          blknum: ev.args.blknum,
        })
      else if (ev.eventName === 'BlockSubmitted')
        blocks.push({ blknum: ev.args.blknum, root: ev.args.root, operator: lower(ev.args.operator) })
      else if (ev.eventName === 'ExitStarted')
        exits.push({
          utxoPos: ev.args.utxoPos,
          owner: lower(ev.args.owner),
          token: lower(ev.args.token),
          amount: ev.args.amount,
        })
    }
    return { toBlock, deposits, blocks, exits }
  }

  bond(amount: bigint) {
    return this.write('bond', [], amount)
  }
  requestUnbond() {
    return this.write('requestUnbond', [])
  }
  withdrawBond() {
    return this.write('withdrawBond', [])
  }
  async submitBlock(root: Uint8Array) {
    const sent = await this.write('submitBlock', [`0x${bytesToHex(root)}`])
    const ev = parseEventLogs({ abi: plasmaRootAbi, logs: sent.logs as never, eventName: 'BlockSubmitted' })[0]
    if (!ev) throw new RootChainRevertError('submitBlock', 'no BlockSubmitted event', [])
    return { hash: sent.hash, gasUsed: sent.gasUsed, fee: sent.fee, blknum: ev.args.blknum }
  }
  private async depositEvent(sent: Sent & { logs: readonly unknown[] }) {
    const ev = parseEventLogs({ abi: plasmaRootAbi, logs: sent.logs as never, eventName: 'Deposit' })[0]
    if (!ev) throw new RootChainRevertError('deposit', 'no Deposit event', [])
    return { hash: sent.hash, gasUsed: sent.gasUsed, fee: sent.fee, blknum: ev.args.blknum }
  }
  async deposit(amount: bigint) {
    return this.depositEvent(await this.write('deposit', [], amount))
  }
  async depositToken(token: Address, amount: bigint) {
    const c = this.connection
    await sendAndWait(c, 'approve', async () => {
      const { request } = await c.publicClient.simulateContract({
        address: token,
        abi: testTokenAbi,
        functionName: 'approve',
        args: [this.address, amount],
        account: c.account,
      })
      return c.walletClient.writeContract(request)
    })
    return this.depositEvent(await this.write('depositToken', [token, amount]))
  }
  async startDepositExit(utxoPos: bigint, token: Address, amount: bigint) {
    return this.write('startDepositExit', [utxoPos, token, amount], (await this.params()).exitBond)
  }
  async startExit(utxoPos: bigint, txBytes: Hex, sigs: Hex, proof: Hex) {
    return this.write('startExit', [utxoPos, txBytes, sigs, proof], (await this.params()).exitBond)
  }
  challengeExit(utxoPos: bigint, spendTx: Hex, inputIndex: bigint, spendSig: Hex) {
    return this.write('challengeExit', [utxoPos, spendTx, inputIndex, spendSig])
  }
  challengeInvalidExit(utxoPos: bigint) {
    return this.write('challengeInvalidExit', [utxoPos])
  }
  async finalizeExits(token: Address, max = 100n) {
    const sent = await this.write('finalizeExits', [token, max])
    const finalized = parseEventLogs({ abi: plasmaRootAbi, logs: sent.logs as never, eventName: 'ExitFinalized' }).map(
      (e) => e.args.utxoPos,
    )
    return { ...sent, finalized }
  }
  withdraw(token: Address) {
    return this.write('withdraw', [token])
  }
  withdrawFees(token: Address) {
    return this.write('withdrawFees', [token])
  }
  proveFraud(proof: FraudProof) {
    return this.write(proof.method, proof.args)
  }
  relayRoot(sourceChainId: bigint, sourceContract: Address, blknum: bigint, root: Hex) {
    return this.write('relayRoot', [sourceChainId, sourceContract, blknum, root])
  }

  withdrawable(owner: Address, token: Address) {
    return this.read<bigint>('withdrawable', [owner, token])
  }
  operatorFees(operator: Address, token: Address) {
    return this.read<bigint>('operatorFees', [operator, token])
  }
  async operator(address: Address) {
    const [bond, , active, frozen, frozenAtBlock] = await this.read<[bigint, bigint, boolean, boolean, bigint]>(
      'operators',
      [address],
    )
    return { bond, active, frozen, frozenAtBlock }
  }
  async exit(utxoPos: bigint) {
    const [owner, token, amount, bond] = await this.read<[Address, Address, bigint, bigint, Address]>('exits', [
      utxoPos,
    ])
    return { owner: lower(owner), token: lower(token), amount, bond }
  }
  invalidTx(txPos: bigint) {
    return this.read<boolean>('invalidTx', [txPos])
  }
  async relayedRoot(sourceChainId: bigint, sourceContract: Address, blknum: bigint) {
    const [root, relayer] = await this.read<[Hex, Address, bigint]>('relayedRoot', [
      sourceChainId,
      sourceContract,
      blknum,
    ])
    return { root, relayer: lower(relayer) }
  }
  private cachedParams?: { operatorBond: bigint; exitBond: bigint; challengePeriod: bigint; feeBasisPoints: bigint }
  async params() {
    if (!this.cachedParams) {
      const [operatorBond, exitBond, challengePeriod, feeBasisPoints] = await Promise.all([
        this.read<bigint>('operatorBond'),
        this.read<bigint>('exitBond'),
        this.read<bigint>('challengePeriod'),
        this.read<bigint>('feeBasisPoints'),
      ])
      this.cachedParams = { operatorBond, exitBond, challengePeriod, feeBasisPoints }
    }
    return this.cachedParams
  }
}
