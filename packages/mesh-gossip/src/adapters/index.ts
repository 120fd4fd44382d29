// The libp2p entry point: `@atmosphere/mesh-gossip/libp2p`.
export { CONTROL_PROTOCOL, Libp2pTransport, type Libp2pTransportOptions, peerIdOfEndpoint } from './libp2p-transport.js'
export {
  createMeshNode,
  type MeshNode,
  type MeshNodeEvent,
  type MeshNodeOptions,
  type MessageMeta,
} from './mesh-node.js'
export { realClock } from './real-clock.js'
