// Two nodes meet through a contract (in memory here) and talk over an encrypted session.
import {
  type AttConnection,
  createAttNode,
  createMemoryContract,
  createMemoryNetwork,
  systemClock,
} from '@atmosphere/att-wire'
import { ed25519 } from '@noble/curves/ed25519.js'

const components = { contract: createMemoryContract(), network: createMemoryNetwork(), clock: systemClock }
const alice = createAttNode({ secretKey: ed25519.utils.randomSecretKey() })(components)
const bob = createAttNode({ secretKey: ed25519.utils.randomSecretKey(), accept: (r) => r.reason === 'chat' })(
  components,
)

const atBob = new Promise<AttConnection>((resolve) => bob.onConnection(resolve))
const toBob = await alice.connect(bob.address, 'chat') // request → accept → sealed endpoint → Hellos → SUCCESS
const fromAlice = await atBob
const received = new Promise<string>((resolve) =>
  fromAlice.onMessage((data) => resolve(new TextDecoder().decode(data))),
)
toBob.send(new TextEncoder().encode('hi Bob'))
console.log(await received) // hi Bob
toBob.close()
await alice.stop()
await bob.stop()
