// Store two versions of a receipt on a simulated 1,000-node network and read the latest.
import { ed25519 } from '@noble/curves/ed25519.js'
import { ReceiptChain, readLatest, storeReceipt, verifyStorage } from '../src/index.js'
import { SimWorld } from '../src/sim/index.js'

const world = new SimWorld({ nodes: 1000, seed: 1 })
const writer = world.createNode(0, true)
const reader = world.createNode(1, true)
const enc = new TextEncoder()
const chain = new ReceiptChain(ed25519.utils.randomSecretKey(), enc.encode('my-key'))

await world.clock.run(storeReceipt(writer, chain.next(enc.encode('hello'), 0n)))
const v1 = chain.next(enc.encode('hello again'), 1n)
const stored = await world.clock.run(storeReceipt(writer, v1))
const check = await world.clock.run(verifyStorage(reader, v1))
const read = await world.clock.run(readLatest(reader, v1.updater, v1.key))
console.log(
  `stored on ${stored.stored.length} nodes; ${check.holders.length}/${check.checked.length} confirm; latest version ${read.receipt.version}`,
)
