/**
 * Kademlia routing with S/Kademlia hardening — crypto-puzzle node ids checked on every
 * contact, signed messages, disjoint-path lookups, a pluggable admission check — and the
 * signed, versioned receipts of the Atmosphere "Deep storage" design, stored on the m
 * nodes closest to hash(key). The core is pure logic over a request transport, a clock and
 * a random source; `@atmosphere/kademlia-receipts/sim` runs it on a virtual network and
 * `@atmosphere/kademlia-receipts/adapters/udp` on real UDP sockets, and
 * `@atmosphere/kademlia-receipts/adapters/libp2p` on a libp2p stream protocol.
 *
 * @example Store and read a receipt on a simulated network.
 * ```ts
 * import { ed25519 } from '@noble/curves/ed25519.js'
 * import { ReceiptChain, readLatest, storeReceipt } from '@atmosphere/kademlia-receipts'
 * import { SimWorld } from '@atmosphere/kademlia-receipts/sim'
 *
 * const world = new SimWorld({ nodes: 1000, seed: 1 })
 * const writer = world.createNode(0, true)
 * const reader = world.createNode(1, true)
 * const chain = new ReceiptChain(ed25519.utils.randomSecretKey(), new TextEncoder().encode('my-key'))
 * const v0 = chain.next(new TextEncoder().encode('hello'), 0n)
 * const stored = await world.clock.run(storeReceipt(writer, v0))
 * const read = await world.clock.run(readLatest(reader, v0.updater, v0.key))
 * console.log(stored.stored.length, read.receipt.version) // 5 0n
 * ```
 *
 * @packageDocumentation
 */
export { equalBytes, fromHex, toHex } from './bytes.js'
export { realClock } from './clock.js'
export { DEFAULTS, type KademliaConfig, type ResolvedConfig, resolveConfig } from './config.js'
export {
  AdmissionRefusedError,
  BadPuzzleError,
  BadSignatureError,
  BrokenReceiptChainError,
  ClosedError,
  ForkDetectedError,
  InvalidForkEvidenceError,
  InvalidParameterError,
  KademliaError,
  MalformedMessageError,
  ReceiptNotFoundError,
  RemoteError,
  RequestTimeoutError,
  StaleReceiptError,
  UnexpectedResponseError,
} from './errors.js'
export {
  commonPrefixLength,
  compareDistance,
  ID_BITS,
  ID_BYTES,
  keyLocation,
  leadingZeroBits,
  randomIdInBucket,
  xor,
} from './id.js'
export { generateIdentity, generateUnsignedIdentity, identityFromSecretKey, type NodeIdentity } from './identity.js'
export { iterativeLookup, type LookupOptions, type LookupResult, type PathResult } from './lookup.js'
export {
  type Body,
  type Contact,
  type DecodedMessage,
  type DecodeOptions,
  decodeMessage,
  encodeMessage,
  MAX_CONTACTS,
  MAX_RECEIPT_BYTES,
  type Message,
  MessageType,
  PROTOCOL_VERSION,
  StoreStatus,
  type StoreStatusCode,
} from './messages.js'
export {
  type CheckpointPort,
  ErrorCode,
  type KademliaComponents,
  KademliaNode,
  kademlia,
  type NodeStats,
} from './node.js'
export {
  checkIdentity,
  dynamicPuzzleHolds,
  nodeIdOf,
  type PuzzleParams,
  solveDynamicPuzzle,
  staticPuzzleHolds,
} from './puzzle.js'
export { cryptoRandom, type Random, seededRandom } from './random.js'
export {
  decodeReceipt,
  type ForkEvidence,
  MAX_KEY_BYTES,
  openReceipt,
  RECEIPT_FORMAT,
  type Receipt,
  ReceiptChain,
  type ReceiptFields,
  receiptSignatureValid,
  signReceipt,
  verifyForkEvidence,
} from './receipt.js'
export { type PutOutcome, ReceiptStore } from './receipt-store.js'
export {
  publishForkEvidence,
  type ReadResult,
  type ReceiptOptions,
  readLatest,
  type StoreReport,
  storeReceipt,
  type VerifyReport,
  verifyStorage,
} from './receipts.js'
export { RoutingTable, type UpdateResult } from './routing-table.js'
