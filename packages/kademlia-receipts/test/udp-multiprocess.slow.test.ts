// Ten node processes over real UDP sockets on loopback: join, store receipts in one
// process, verify storage from it, read the latest version from the others.
import test from 'ava'
import { storeAndReadAcrossProcesses } from './fixtures/cluster.js'

test('10 processes store, verify and read receipts over UDP', async (t) => {
  t.timeout(170_000)
  await storeAndReadAcrossProcesses(t, 'udp')
})
