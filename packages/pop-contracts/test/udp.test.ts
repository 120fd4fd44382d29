// Real UDP sockets in one process: the transport itself, and two engines over loopback.
import test from 'ava'
import { createUdpTransport, parseAddress } from '../src/adapters/udp.js'
import { makeContract } from '../src/contract.js'
import { DeploymentInvalidError } from '../src/errors.js'
import { popNode } from '../src/node.js'
import { realClock, systemRandom } from '../src/ports.js'
import { testIdentity } from './helpers.js'

test('datagrams travel between two UDP transports on loopback', async (t) => {
  const a = await createUdpTransport()
  const b = await createUdpTransport()
  const got = new Promise<Uint8Array>((resolve) => b.onMessage((_from, m) => resolve(m.slice())))
  await a.send(b.localAddress, new Uint8Array([1, 2, 3]))
  t.deepEqual(await got, new Uint8Array([1, 2, 3]))
  t.not(a.port, 0)
  await a.close()
  await b.close()
  t.throws(() => parseAddress('nope'), { instanceOf: DeploymentInvalidError })
})

test('a two-party, two-phase contract completes over real UDP sockets; status query answers channel state', async (t) => {
  const ids = [testIdentity(50), testIdentity(51)]
  const contract = makeContract({
    nonce: new Uint8Array(16).fill(3),
    parties: ids.map((i) => i.publicKey),
    phases: [
      { jobs: [{ actor: 0, for: [1], action: 'pay', hours: 2, deadlineMs: 3000 }] },
      { jobs: [{ actor: 1, for: [0], action: 'deliver', hours: 7, deadlineMs: 3000 }] },
    ],
  })
  const transports = await Promise.all(ids.map(() => createUdpTransport()))
  const endpoints = transports.map((tr) => tr.localAddress)
  const nodes = ids.map((identity, i) =>
    popNode<string>({ contract, identity, endpoints })({
      transport: transports[i]!,
      clock: realClock(),
      random: systemRandom(),
    }),
  )
  for (const n of nodes) n.start()
  const outcomes = await Promise.all(nodes.map((n) => n.closed))
  for (const o of outcomes) t.deepEqual(o.hours, [2, 7])
  const status = await nodes[0]!.queryStatus(1)
  t.deepEqual(status.closed, [0, 1])
  t.deepEqual(status.faulty, [])
  for (const n of nodes) n.stop()
  await Promise.all(transports.map((tr) => tr.close()))
})
