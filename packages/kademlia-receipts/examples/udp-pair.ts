// Three nodes on real UDP sockets in one process: join, store, read.
import { createUdpTransport } from '../src/adapters/udp.js'
import {
  cryptoRandom,
  generateIdentity,
  KademliaNode,
  ReceiptChain,
  readLatest,
  realClock,
  storeReceipt,
} from '../src/index.js'

const puzzle = { c1: 4, c2: 4 }
const nodes: KademliaNode[] = []
for (let i = 0; i < 3; i++) {
  const transport = await createUdpTransport()
  const identity = generateIdentity(puzzle, cryptoRandom)
  nodes.push(
    new KademliaNode(
      { puzzle, m: 2, maintenance: false },
      { transport, clock: realClock, random: cryptoRandom, identity },
    ),
  )
}
const [a, b, c] = nodes as [KademliaNode, KademliaNode, KademliaNode]
await b.bootstrap([a.address])
await c.bootstrap([a.address])
const sk = generateIdentity(puzzle, cryptoRandom).secretKey
const receipt = new ReceiptChain(sk, new TextEncoder().encode('k')).next(
  new TextEncoder().encode('v'),
  BigInt(Date.now()),
)
const stored = await storeReceipt(a, receipt)
const read = await readLatest(c, receipt.updater, receipt.key)
console.log(
  `stored on ${stored.stored.map((n) => n.address).join(', ')}; read version ${read.receipt.version} from ${read.sources} node(s)`,
)
for (const n of nodes) {
  n.close()
  await n.components.transport.close()
}
