/**
 * The Atmosphere validator network. The peering policy core follows Hyperledger Sawtooth's
 * dynamic peering (minimum 3 / maximum 10 peers, GetPeers, a random candidate, back-off
 * from 10 s to 300 s) and runs over injected ports, so the same code drives a libp2p host
 * (`@atmosphere/mesh-gossip/libp2p`) and a deterministic simulator
 * (`@atmosphere/mesh-gossip/simulator`). All network messages are protobuf.
 *
 * @example Run 200 simulated nodes and measure the topology.
 * ```ts
 * import { Simulation } from '@atmosphere/mesh-gossip/simulator'
 *
 * const sim = new Simulation({ nodes: 200, seed: 7 })
 * await sim.advance(60_000)
 * console.log(sim.graph().diameter, sim.counts())
 * ```
 *
 * @packageDocumentation
 */
export { Backoff } from './backoff.js'
export {
  type Control,
  type ControlKind,
  DEFAULT_MAX_CONTROL_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeControl,
  decodeGossip,
  encodeControl,
  encodeGossip,
  PROTOCOL_VERSION,
} from './codec.js'
export { DEFAULT_PEERING_CONFIG, type PeeringConfig, resolvePeeringConfig } from './config.js'
export * from './errors.js'
export { type Peering, type PeeringInit, peering } from './peering.js'
export type { ConnectionState, PeerInfo, PeeringComponents, PeeringEvent, PeeringTransport } from './ports.js'
export { mathRandom, pick, type Random, seededRandom } from './random.js'
