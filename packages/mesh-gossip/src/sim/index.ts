// The simulator entry point: `@atmosphere/mesh-gossip/simulator`.
export { type GraphReport, measureGraph } from './graph.js'
export { DEFAULT_LINK, type LinkModel, SimNetwork } from './network.js'
export { type GossipReport, type NodeCounts, quantile, Simulation, type SimulationOptions } from './simulator.js'
export { virtualClock } from './virtual-clock.js'
