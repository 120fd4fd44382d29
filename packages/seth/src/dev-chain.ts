// Single-node mode: a ledger, the Seth family, a node with its own block production and
// a JSON-RPC handler, wired in one call. No consensus peers are needed.
import type { Clock, KeyValueStore, Signer } from '@atmosphere/interfaces'
import { createLedger, devConsensus, type Ledger, systemClock } from '@atmosphere/ledger'
import { type SecpOperations, secpSigner } from './crypto-port.js'
import { type SethFamily, type SethGenesis, sethFamily, sethGenesisState } from './family.js'
import { createSethNode, type MiningMode, type SethNode } from './node.js'
import { createRpcHandler, type RpcHandler, type RpcOptions } from './rpc.js'
import { fastSigner, type SecpBackend, secpBackend, verifierOn } from './secp256k1.js'

/** Options of {@link createDevChain}. */
export interface DevChainInit extends SethGenesis {
  readonly store: KeyValueStore
  /** The node's validator key (signs blocks and batches). */
  readonly secretKey: Uint8Array
  readonly chainId?: bigint
  /** 'auto' (a block as soon as transactions wait, coalescing arrivals) by default. */
  readonly mining?: MiningMode
  readonly clock?: Clock
  readonly rpc?: RpcOptions
  /** Where signature work runs (see adapters/worker-crypto.ts); inline by default. */
  readonly secp?: SecpOperations
  /** The libsecp256k1 build for signing, verifying and recovery; native when it loads, else WebAssembly. */
  readonly secpBackend?: SecpBackend
  /** Genesis timestamp in ms; 0 by default. */
  readonly genesisTimestamp?: number
}

/** What {@link createDevChain} wires together. */
export interface DevChain {
  readonly ledger: Ledger
  readonly family: SethFamily
  readonly node: SethNode
  readonly rpc: RpcHandler
  readonly signer: Signer
  close(): Promise<void>
}

/** Opens a single-node Seth chain on `store`. */
export async function createDevChain(init: DevChainInit): Promise<DevChain> {
  const clock = init.clock ?? systemClock()
  const backend = init.secpBackend ?? secpBackend
  const signer =
    init.secp === undefined
      ? fastSigner(init.secretKey, backend)
      : secpSigner(fastSigner(init.secretKey, backend).publicKey, init.secp)
  let ledgerRef: Ledger | undefined
  const family = await sethFamily({
    chainId: init.chainId ?? 31337n,
    secpBackend: backend,
    blockHash: async (h) => {
      const b = await ledgerRef?.getBlockByHeight(h)
      if (b === undefined) return undefined
      const out = new Uint8Array(32)
      for (let i = 0; i < 32; i++) out[i] = Number.parseInt(b.id.slice(i * 2, i * 2 + 2), 16)
      return out
    },
  })
  const ledger = await createLedger({
    store: init.store,
    families: [family],
    consensus: devConsensus(),
    signer,
    clock,
    verifier: verifierOn(backend),
    genesis: { state: sethGenesisState(init), timestamp: init.genesisTimestamp ?? 0 },
  })
  ledgerRef = ledger
  const node = createSethNode({
    ledger,
    family,
    batcher: signer,
    clock,
    mining: init.mining ?? { mode: 'auto' },
    ...(init.secp === undefined ? {} : { secp: init.secp }),
  })
  const rpc = createRpcHandler(node, init.rpc)
  return {
    ledger,
    family,
    node,
    rpc,
    signer,
    async close() {
      rpc.close()
      await node.close()
      await ledger.close()
      await init.secp?.close()
    },
  }
}
