/**
 * Seth for Atmosphere: an EVM transaction family with free gas and account permissions,
 * and an Ethereum JSON-RPC server that ethers and viem use unmodified.
 *
 * @packageDocumentation
 */

export { inlineSecp, type SecpOperations, secpSigner } from './crypto-port.js'
export * from './dev-chain.js'
export * from './errors.js'
export { type SethStateAccess, SethStateManager } from './evm-state.js'
export * from './family.js'
export * from './format.js'
export * from './layout.js'
export * from './node.js'
export * from './receipt.js'
export * from './rpc.js'
export {
  compressPublicKey,
  ecrecover,
  ecrecoverWith,
  fastSigner,
  fastVerifier,
  loadNativeSecp,
  type SecpBackend,
  secpBackend,
  verifierOn,
  wasmSecp,
} from './secp256k1.js'
