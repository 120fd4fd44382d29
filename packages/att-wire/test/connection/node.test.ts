// The seed 1.9 state machines over the in-memory contract and network, including a replayed Hello
// and a node that chooses not to answer.
import { ed25519 } from '@noble/curves/ed25519.js'
import test from 'ava'
import { systemClock } from '../../src/clock.js'
import { createMemoryContract, createMemoryNetwork } from '../../src/connection/memory.js'
import { type AttConnection, createAttNode } from '../../src/connection/node.js'
import type { ByteStream, NetworkPort } from '../../src/connection/ports.js'
import { ConnectionError, ReplayedHelloError, WrongKeyError } from '../../src/errors.js'

function setup(options: { accept?: boolean; network?: NetworkPort } = {}) {
  const contract = createMemoryContract()
  const network = options.network ?? createMemoryNetwork()
  const components = { contract, network, clock: systemClock }
  const a = createAttNode({ secretKey: ed25519.utils.randomSecretKey(), timeoutMs: 2_000 })(components)
  const b = createAttNode({
    secretKey: ed25519.utils.randomSecretKey(),
    timeoutMs: 2_000,
    accept: () => options.accept ?? true,
    requestEncodings: [7, -300, -301],
  })(components)
  return { contract, a, b }
}

test('A connects to B through the contract; messages flow both ways', async (t) => {
  const { contract, a, b } = setup()
  const atB = new Promise<AttConnection>((resolve) => b.onConnection(resolve))
  const atA = await a.connect(b.address, 'say hello')
  const connB = await atB
  t.is(atA.peer, b.address)
  t.is(connB.peer, a.address)
  const req = contract.records[0]
  t.true(req?.kind === 'request' && req.reason === 'say hello' && req.from === a.address && req.to === b.address)
  const got = new Promise<string>((resolve) => connB.onMessage((d) => resolve(new TextDecoder().decode(d))))
  atA.send(new TextEncoder().encode('hi B'))
  t.is(await got, 'hi B')
  const back = new Promise<number>((resolve) => atA.onMessage((_d, ch) => resolve(ch)))
  connB.send(Uint8Array.of(1), 0x03ed)
  t.is(await back, 0x03ed)
  // A supports no pseudo-encodings, so none of B's requested ones is confirmed.
  t.is(connB.extensions.size, 0)
  await a.stop()
  await b.stop()
})

test('B may ignore the request: A times out with a typed error and nothing else is posted', async (t) => {
  const { contract, a, b } = setup({ accept: false })
  await t.throwsAsync(a.connect(b.address, 'spam'), { instanceOf: ConnectionError })
  t.deepEqual(
    contract.records.map((r) => r.kind),
    ['request'],
  )
  await a.stop()
  await b.stop()
})

test("a replayed Hello (B's first flight sent again on a new connection) is refused", async (t) => {
  // A network that records what B sends on the first connection and replays it on a second one.
  const inner = createMemoryNetwork()
  let firstFlight: Uint8Array[] = []
  let endpoint: { host: string; port: number } | undefined
  const network: NetworkPort = {
    listen: () =>
      inner.listen().then((l) => {
        endpoint = { ...l.endpoint }
        return l
      }),
    dial: async (e) => {
      const s = await inner.dial(e)
      const recorded: ByteStream = {
        ...s,
        write(bytes) {
          firstFlight.push(bytes.slice())
          s.write(bytes)
        },
        onData: s.onData,
        onClose: s.onClose,
        close: s.close,
      }
      return recorded
    },
  }
  const { a, b } = setup({ network })
  const errors: Error[] = []
  a.onError((e) => errors.push(e))
  const atB = new Promise<AttConnection>((resolve) => b.onConnection(resolve))
  await a.connect(b.address, 'once')
  await atB
  const flight = firstFlight.slice(0, 3) // version, security choice, Hello
  firstFlight = []
  const replay = await inner.dial(endpoint!)
  replay.onData(() => {})
  for (const f of flight) replay.write(f)
  const deadline = Date.now() + 5_000
  while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  t.true(errors[0] instanceof ReplayedHelloError, `got ${String(errors[0])}`)
  await a.stop()
  await b.stop()
})

test('an endpoint sealed to the wrong key: B cannot dial, A gives up with a typed error', async (t) => {
  const contract = createMemoryContract()
  const network = createMemoryNetwork()
  const components = { contract, network, clock: systemClock }
  const a = createAttNode({ secretKey: ed25519.utils.randomSecretKey(), timeoutMs: 1_000 })(components)
  const b = createAttNode({ secretKey: ed25519.utils.randomSecretKey(), timeoutMs: 1_000 })(components)
  const errorsAtB: Error[] = []
  b.onError((e) => errorsAtB.push(e))
  // Corrupt the sealed endpoint on its way through the contract.
  const submit = contract.submit.bind(contract)
  contract.submit = async (record) => {
    if (record.kind === 'endpoint') {
      const sealed = record.sealed.slice()
      sealed[0]! ^= 1
      return submit({ ...record, sealed })
    }
    return submit(record)
  }
  await t.throwsAsync(a.connect(b.address, 'x'), { instanceOf: ConnectionError })
  t.true(errorsAtB[0] instanceof WrongKeyError, String(errorsAtB[0]))
  await a.stop()
  await b.stop()
})
