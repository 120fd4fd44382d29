import test from 'ava'
import { inProcessProvider } from './helpers.js'
import { coreScenario } from './scenario.js'

test('core scenario on the in-process EVM: deposit, transfer, challenged exit, exits in priority order, fees', async (t) => {
  await coreScenario(t, await inProcessProvider())
})
