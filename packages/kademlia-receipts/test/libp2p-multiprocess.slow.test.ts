// Ten node processes, each a libp2p host (TCP + Noise + Yamux) serving the Kademlia stream
// protocol: join, store receipts in one process, verify, read from the others.
import test from 'ava'
import { storeAndReadAcrossProcesses } from './fixtures/cluster.js'

test('10 libp2p processes store, verify and read receipts', async (t) => {
  t.timeout(170_000)
  await storeAndReadAcrossProcesses(t, 'libp2p')
})
