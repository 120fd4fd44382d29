// The simulator at the scale: 1,000 nodes running the real peering core in virtual
// time. Asserts connectivity, degree bounds, delivery; reports degree distribution,
// diameter, hops and churn recovery in the test log.
import test from 'ava'
import { Simulation } from '../../src/sim/index.js'

test('1,000 nodes: connected, degrees within [3, 10], gossip reaches >= 99%, survives churn', async (t) => {
  const sim = new Simulation({ nodes: 1000, seed: 2026, link: { loss: 0.01 } })
  await sim.advance(90_000)
  const g = sim.graph()
  t.log(`degree histogram ${JSON.stringify(g.degree.histogram)}, mean ${g.degree.mean.toFixed(2)}`)
  t.log(`diameter ${g.diameter}, mean path ${g.meanPathLength.toFixed(2)}, edges ${g.edges}`)
  t.is(g.nodes, 1000)
  t.is(g.components, 1)
  t.true(g.degree.min >= 3)
  t.true(g.degree.max <= 10)
  t.true(g.diameter >= 2 && g.diameter <= 20)
  t.deepEqual(sim.counts(), { live: 1000, belowMin: 0, aboveMax: 0 })
  const gossip = await sim.gossip(100)
  t.log(`gossip: ${JSON.stringify(gossip)}`)
  t.true(gossip.deliveryRatio >= 0.99)
  t.true(gossip.meanHops >= 1 && gossip.maxHops <= g.diameter + 5)

  await sim.kill(100)
  let recoveredAfter = -1
  for (let s = 1; s <= 300; s++) {
    await sim.advance(1_000)
    if (sim.counts().belowMin === 0) {
      recoveredAfter = s
      break
    }
  }
  t.log(`100 of 1,000 killed: back to minimum connectivity after ${recoveredAfter} s (virtual)`)
  t.true(recoveredAfter > 0)
  const after = sim.graph()
  t.is(after.components, 1)
  const g2 = await sim.gossip(50)
  t.log(`after churn: diameter ${after.diameter}, gossip ${JSON.stringify(g2)}`)
  t.true(g2.deliveryRatio >= 0.99)
})
