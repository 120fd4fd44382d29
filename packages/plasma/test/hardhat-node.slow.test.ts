import test from 'ava'
import { hardhatNode } from './helpers.js'
import { coreScenario } from './scenario.js'

test('the same core scenario against a real Hardhat node process over HTTP', async (t) => {
  const node = await hardhatNode()
  t.teardown(node.stop)
  await coreScenario(t, node.url)
})
