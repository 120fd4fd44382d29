// Two real nodes on loopback: the second bootstraps from the first, peers with it, and
// receives what the first publishes. The payload is opaque bytes to the network.
import { createMeshNode } from '@atmosphere/mesh-gossip/libp2p'

const topic = 'atmosphere/example'
const a = await createMeshNode({ minPeers: 1 })
const b = await createMeshNode({ minPeers: 1, seeds: [a.endpoint] })
const received = new Promise<string>((resolve) => {
  b.subscribe(topic, (payload, meta) => resolve(`${new TextDecoder().decode(payload)} from ${meta.from}`))
})
a.subscribe(topic, () => {})

// Wait until the two are peering and gossipsub knows the subscription (at most 60 s).
const deadline = Date.now() + 60_000
while (a.peers().length === 0 || a.topicPeers(topic).subscribers === 0) {
  if (Date.now() > deadline) throw new Error('the nodes did not peer within 60 s')
  await new Promise((r) => setTimeout(r, 100))
}
await a.publish(topic, new TextEncoder().encode('hello, mesh'))
console.log(await received)
await Promise.all([a.stop(), b.stop()])
