// A running Atmosphere node: ledger on LevelDB, Seth family and JSON-RPC, the scheduled
// consensus (PoET / dev), a mesh-gossip host gossiping batches and blocks, catch-up from
// peers, a block producer, and the metrics/status endpoint. Wiring only.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Batch, Block, ConsensusEngine } from '@atmosphere/interfaces'
import {
  bytesToHex,
  catchUpHandler,
  createLedger,
  decodeBatch,
  decodeBlock,
  devConsensus,
  encodeBatch,
  encodeBlock,
  encodeBlockHeader,
  type Ledger,
  NonceGapError,
  requestCatchUpPort,
  systemClock,
  UnknownParentError,
} from '@atmosphere/ledger'
import type { MeshNode } from '@atmosphere/mesh-gossip/libp2p'
import { poet } from '@atmosphere/poet-consensus'
import { createRpcHandler, createSethNode, fastSigner, fastVerifier, type SethNode, sethFamily } from '@atmosphere/seth'
import { sha256 } from '@noble/hashes/sha2.js'
import { hexToBytes } from '@noble/hashes/utils.js'
import { type RpcServer, type StatusServer, startRpcServer, startStatusServer } from './adapters/http.js'
import { catchUpTransport, peerBlocker, startMesh } from './adapters/p2p.js'
import { levelStore } from './adapters/store.js'
import { catchUpAnyBranch } from './catch-up.js'
import { type GenesisFile, type NodeConfig, parseGenesis } from './config.js'
import { scheduledConsensus, turnTaking } from './consensus-schedule.js'
import { ConfigFileError, InvalidConfigError, NotAValidatorError } from './errors.js'
import { consensusPlan, genesisEnclave, genesisId, genesisRegistry, ledgerGenesis, poetSettingsOf } from './genesis.js'
import { jsonLogger, type Logger } from './log.js'
import { NodeMetrics, type NodeStatus } from './metrics.js'
import { BlockProducer } from './producer.js'

/** What `run.json` in the data directory says about a running node (read by `atmo status`). */
export interface RunFile {
  readonly pid: number
  readonly name: string
  readonly rpcUrl: string
  readonly statusUrl: string
  readonly peerEndpoint: string
  readonly peerId: string
}

/** A started node. */
export interface AtmoNode {
  readonly name: string
  readonly ledger: Ledger
  readonly seth: SethNode
  readonly mesh: MeshNode
  readonly rpcUrl: string
  readonly statusUrl: string
  readonly peerEndpoint: string
  status(): NodeStatus
  stop(): Promise<void>
}

async function readJson(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new ConfigFileError(path, 'cannot read', { cause })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ConfigFileError(path, 'not valid JSON', { cause })
  }
}

/** Reads a secret key file (64 hex digits, optional 0x, surrounding whitespace ignored). */
export async function readKeyFile(path: string): Promise<Uint8Array> {
  let text: string
  try {
    text = (await readFile(path, 'utf8')).trim().replace(/^0x/, '')
  } catch (cause) {
    throw new ConfigFileError(path, 'cannot read', { cause })
  }
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new ConfigFileError(path, 'expected 32 bytes of hex')
  return hexToBytes(text.toLowerCase())
}

/** Reads and checks a genesis file. */
export async function readGenesis(path: string): Promise<GenesisFile> {
  return parseGenesis(await readJson(path))
}

/** The block-header digest the ledger binds consensus to (header without its consensus bytes). */
function ledgerDigest(header: Block['header']): Uint8Array {
  return sha256(encodeBlockHeader({ ...header, consensus: new Uint8Array(0) }))
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : 'Error'
}

/** Starts a node from a checked config; relative paths resolve against `baseDir`. */
export async function startNode(config: NodeConfig, baseDir: string, logger?: Logger): Promise<AtmoNode> {
  const log = logger ?? jsonLogger(config.logLevel, { node: config.name })
  const dataDir = resolve(baseDir, config.dataDir)
  const genesis = await readGenesis(resolve(baseDir, config.genesisFile))
  const secretKey = await readKeyFile(resolve(baseDir, config.keyFile))
  const clock = systemClock()
  const signer = fastSigner(secretKey)
  const self = bytesToHex(signer.publicKey)
  const gid = genesisId(genesis)
  const registry = genesisRegistry(genesis, gid)
  const declared = genesis.validators.find((v) => v.publicKey === self)
  const plan = consensusPlan(genesis.settings)
  const poetSettings = poetSettingsOf(genesis.settings)

  let poetEngine: ConsensusEngine | undefined
  if (plan.phases.some((p) => p.engine === 'poet')) {
    if (declared === undefined) throw new NotAValidatorError(self, 'not in the genesis validator registry')
    const { enclave, signupInfo } = genesisEnclave(secretKey, gid, clock, poetSettings.minimumWaitTime)
    if (bytesToHex(signupInfo) !== declared.signupInfo)
      throw new NotAValidatorError(self, 'this enclave did not produce the sign-up info in the genesis file')
    poetEngine = poet({ settings: poetSettings })({ enclave, registry, headerDigest: ledgerDigest })
  }
  const dev = turnTaking(devConsensus(), {
    validators: genesis.validators.map((v) => v.publicKey),
    self,
    graceMs: 2000,
    now: () => clock.now(),
  })
  const consensus = scheduledConsensus(
    plan.phases.map((p) => ({
      fromHeight: p.fromHeight,
      engine: p.engine === 'poet' ? (poetEngine as ConsensusEngine) : dev,
    })),
  )

  await mkdir(dataDir, { recursive: true })
  const store = await levelStore(join(dataDir, 'chain'))
  let ledgerRef: Ledger | undefined
  const family = await sethFamily({
    chainId: BigInt(genesis.chainId),
    blockHash: async (h) => {
      const b = await ledgerRef?.getBlockByHeight(h)
      return b === undefined ? undefined : hexToBytes(b.id)
    },
  })
  let ledger: Ledger
  try {
    ledger = await createLedger({
      store,
      families: [family],
      consensus,
      signer,
      clock,
      verifier: fastVerifier,
      genesis: ledgerGenesis(genesis),
    })
  } catch (e) {
    await store.close()
    throw e
  }
  ledgerRef = ledger
  const metrics = new NodeMetrics(() => clock.now())
  const seth = createSethNode({ ledger, family, batcher: signer, clock })
  const rpc = createRpcHandler(seth, { clientVersion: 'atmo/0.1.0' })
  const closers: (() => Promise<void>)[] = []
  let rpcServer: RpcServer | undefined
  let mesh: MeshNode | undefined
  try {
    rpcServer = await startRpcServer(rpc, { host: config.rpc.host, port: config.rpc.port })
    mesh = await startMesh(config.p2p)
  } catch (e) {
    await rpcServer?.close()
    rpc.close()
    await seth.close()
    await ledger.close()
    if (e instanceof Error && 'code' in e && e.code === 'EADDRINUSE')
      throw new InvalidConfigError('rpc.port', config.rpc.port, 'a free port')
    throw e
  }
  const m: MeshNode = mesh
  const topicBatches = `atmo/${gid.slice(0, 16)}/batches`
  const topicBlocks = `atmo/${gid.slice(0, 16)}/blocks`
  let stopped = false
  const blocker = peerBlocker(m)

  const gossip = (topic: string, bytes: Uint8Array, what: string) => {
    m.publish(topic, bytes).catch((e) => {
      if (!stopped) log.debug(`gossip of ${what} not sent`, { error: errorName(e) })
    })
  }

  const producer = new BlockProducer({
    ledger,
    consensus,
    clock,
    log,
    published: (block) => {
      metrics.blocksPublished++
      log.info('block published', { height: block.header.height, id: block.id, batches: block.batches.length })
      gossip(topicBlocks, encodeBlock(block), 'block')
    },
  })

  // Batches accepted here from JSON-RPC go to every node; batches from gossip are not re-sent
  // (gossipsub forwards them). The ledger offers no submit hook, so its method is wrapped.
  const submitLocal = ledger.submit.bind(ledger)
  ledger.submit = async (batch: Batch, options?: { readonly signedHere?: boolean }) => {
    await submitLocal(batch, options)
    if (options?.signedHere === true) gossip(topicBatches, encodeBatch(batch), 'batch')
    producer.newWork()
  }

  // A batch that arrives before the one holding its sender's previous nonce is retried a few times.
  const admitFromGossip = async (batch: Batch, attempt: number): Promise<void> => {
    try {
      await submitLocal(batch)
      metrics.batchesGossipedIn++
      producer.newWork()
    } catch (e) {
      if (e instanceof NonceGapError && attempt < 6 && !stopped) {
        setTimeout(() => void admitFromGossip(batch, attempt + 1), 250 * 2 ** attempt)
        return
      }
      log.debug('gossiped batch refused', { batch: batch.id, error: errorName(e), reason: (e as Error).message })
    }
  }
  const offBatches = m.subscribe(topicBatches, (payload, meta) => {
    if (blocker.has(meta.via)) return
    let batch: Batch
    try {
      batch = decodeBatch(payload)
    } catch (e) {
      log.warn('undecodable batch from gossip', { from: meta.from, error: errorName(e) })
      return
    }
    void admitFromGossip(batch, 0)
  })

  // Catch-up: served to peers, and asked of a random peer periodically and when a block's parent is unknown.
  const requests = await catchUpTransport(m, catchUpHandler(ledger), config.p2p.maxMessageBytes)
  let syncing = false
  const sync = async (peerId?: string): Promise<void> => {
    if (syncing || stopped) return
    const peers = m
      .peers()
      .map((p) => p.peerId)
      .filter((id) => !blocker.has(id))
    const target = peerId ?? peers[Math.floor(Math.random() * peers.length)]
    if (target === undefined) return
    syncing = true
    try {
      const applied = await catchUpAnyBranch(ledger, requestCatchUpPort(requests, target), 16)
      if (applied > 0) log.info('caught up', { from: target, blocks: applied, height: ledger.head.header.height })
    } catch (e) {
      if (!stopped) log.debug('catch-up failed', { from: target, error: errorName(e), reason: (e as Error).message })
    } finally {
      syncing = false
    }
  }
  const syncTimer = setInterval(() => void sync(), config.p2p.syncIntervalMs)

  const offBlocks = m.subscribe(topicBlocks, (payload, meta) => {
    if (blocker.has(meta.via)) return
    let block: Block
    try {
      block = decodeBlock(payload)
    } catch (e) {
      log.warn('undecodable block from gossip', { from: meta.from, error: errorName(e) })
      return
    }
    ledger.receiveBlock(block).then(
      (outcome) => log.debug('block received', { height: block.header.height, id: block.id, outcome }),
      (e) => {
        if (stopped) return
        if (e instanceof UnknownParentError) {
          void sync(meta.from ?? meta.via)
          return
        }
        metrics.blocksRejected++
        log.warn('block refused', {
          height: block.header.height,
          id: block.id,
          error: errorName(e),
          reason: (e as Error).message,
        })
      },
    )
  })

  const offCommit = ledger.onCommit((e) => {
    const txs = e.block.batches.reduce((n, b) => n + b.transactions.length, 0)
    metrics.committed(txs, e.reverted.length > 0)
    log.info('block committed', {
      height: e.block.header.height,
      id: e.block.id,
      transactions: txs,
      publisher: bytesToHex(e.block.header.signerPublicKey).slice(0, 16),
      ...(e.reverted.length > 0 ? { reverted: e.reverted.length } : {}),
    })
    if (ledger.pool.size > 0) producer.poke(0)
  })

  const status = (): NodeStatus => {
    const head = ledger.head
    const peers = m.peers()
    return {
      name: config.name,
      chainId: genesis.chainId,
      height: head.header.height.toString(),
      head: head.id,
      stateRoot: bytesToHex(head.header.stateRoot),
      peers: peers.length,
      peerIds: peers.map((p) => p.peerId),
      pool: ledger.pool.size,
      consensus: consensus.engineAt(head.header.height + 1n).name,
      rpcUrl: (rpcServer as RpcServer).url,
      peerEndpoint: m.endpoint,
    }
  }
  const statusServer: StatusServer = await startStatusServer(config.metrics.host, config.metrics.port, {
    metrics: () => metrics.render(status()),
    status,
    ...(config.admin
      ? {
          partition: async (ids: string[]) => {
            await blocker.set(ids)
            log.info('partition set', { blocked: ids })
          },
        }
      : {}),
    block: async (height) => {
      const b = await ledger.getBlockByHeight(height)
      if (b === undefined) return undefined
      return {
        height: b.header.height.toString(),
        id: b.id,
        parentId: b.header.parentId,
        stateRoot: bytesToHex(b.header.stateRoot),
        publisher: bytesToHex(b.header.signerPublicKey),
        timestamp: b.header.timestamp,
        engine: height === 0n ? 'genesis' : consensus.engineAt(height).name,
        consensusBytes: b.header.consensus.length,
        transactions: b.batches.reduce((n, x) => n + x.transactions.length, 0),
      }
    },
  })
  const runFile: RunFile = {
    pid: process.pid,
    name: config.name,
    rpcUrl: rpcServer.url,
    statusUrl: statusServer.url,
    peerEndpoint: m.endpoint,
    peerId: m.peerId,
  }
  await writeFile(join(dataDir, 'run.json'), `${JSON.stringify(runFile, null, 2)}\n`)
  closers.push(async () => rm(join(dataDir, 'run.json'), { force: true }))
  log.info('node started', {
    ...runFile,
    height: ledger.head.header.height,
    genesis: gid,
    consensus: consensus.name,
    validator: self,
  })
  // Anything pooled before a restart (nothing is persisted) or already waiting gets a build attempt.
  producer.poke(0)

  return {
    name: config.name,
    ledger,
    seth,
    mesh: m,
    rpcUrl: rpcServer.url,
    statusUrl: statusServer.url,
    peerEndpoint: m.endpoint,
    status,
    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(syncTimer)
      producer.stop()
      offBlocks()
      offBatches()
      offCommit()
      await producer.idle()
      await statusServer.close()
      await (rpcServer as RpcServer).close()
      rpc.close()
      await seth.close()
      await requests.close().catch(() => {})
      await m.stop()
      await ledger.close()
      for (const c of closers) await c()
      log.info('node stopped')
    },
  }
}
