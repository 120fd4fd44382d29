// The simulator's public surface.
export { type AdversaryBehaviour, type AdversaryContext, adversaryHandler } from './adversary.js'
export { flush, SimClock } from './clock.js'
export { runSimulation, type SimulationOptions, type SimulationReport } from './experiment.js'
export { bruteForceClosest, SortedIds } from './id-index.js'
export { type Handler, SimNetwork, type SimNetworkOptions } from './network.js'
export { mean, percentile } from './stats.js'
export { SimWorld, type WorldOptions } from './world.js'
