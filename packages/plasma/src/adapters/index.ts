/**
 * Adapters of `@atmosphere/plasma`: the RootChain port over viem (any Ethereum JSON-RPC
 * endpoint), libsecp256k1 and worker-thread signature recovery, and the operator's HTTP API.
 * @packageDocumentation
 */

export { nativeRecoverer, nativeRecoveryAvailable, recoverSignerNative } from './native-recoverer.js'
export { HttpOperatorClient, type OperatorServer, serveOperator } from './operator-http.js'
export { RESULT_ITEM, recoverBatch, WIRE_ITEM } from './recover-batch.js'
export {
  type Connection,
  connect,
  deployPlasmaRoot,
  deployTestToken,
  type Endpoint,
  PlasmaRootClient,
  tokenBalance,
  tokenTransfer,
} from './root-client.js'
export { keccak256Wasm } from './wasm-keccak.js'
export { type WorkerRecovererOptions, workerRecoverer } from './worker-recoverer.js'
