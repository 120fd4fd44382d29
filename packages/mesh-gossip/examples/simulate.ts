// Runs 200 simulated validators for two virtual minutes and prints the topology and a
// gossip measurement. Deterministic: the same seed prints the same numbers.
import { Simulation } from '@atmosphere/mesh-gossip/simulator'

const sim = new Simulation({ nodes: 200, seed: 7, link: { loss: 0.01 } })
await sim.advance(120_000)
const graph = sim.graph()
console.log('degrees', graph.degree.histogram, 'diameter', graph.diameter, 'components', graph.components)
console.log('gossip', await sim.gossip(20))
