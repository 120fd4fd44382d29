// Bad input against a real mesh-node process over TCP: malformed protobuf, oversized and
// unknown-version messages on the control protocol and on gossip are dropped with a logged
// typed error, the sender is penalised and finally banned, and the node keeps running.
import test from 'ava'
import { createMeshNode, type MeshNode } from '../src/adapters/index.js'
import { encodeControl, encodeGossip } from '../src/codec.js'
import { NodeProcess, poll } from './helpers/cluster.js'

const TOPIC = 'atmosphere/mesh/v1'
let target: NodeProcess
let attacker: MeshNode

test.before(async () => {
  target = new NodeProcess('target', [
    '--min',
    '1',
    '--max',
    '10',
    '--max-message-bytes',
    '1024',
    '--ban-threshold',
    '6',
  ])
  await target.ready()
  // Static mode: no peering core of its own, so nothing closes its connection behind the test's back.
  attacker = await createMeshNode({ mode: 'static' })
  attacker.subscribe(TOPIC, () => {})
})

test.after.always(async () => {
  await attacker?.stop()
  await target?.kill('SIGKILL')
})

const badInputs = () => target.events('bad-input').filter((e) => e['peer'] === attacker.peerId)
const errorName = (e: { [k: string]: unknown }) => (e['error'] as { name: string }).name

test.serial('bad gossip is rejected with typed errors and penalised', async (t) => {
  // Peer properly so gossipsub has a mesh to the target.
  const ok = await attacker.transport.request(
    target.endpoint,
    encodeControl({ kind: 'peer-register-request', endpoint: attacker.endpoint }),
  )
  t.true(ok.length > 0)
  await target.waitFor(() => target.peerCount() >= 1 || undefined, 60_000, 'peering with attacker')
  await poll(async () => Number((await target.status())['subscribers']) >= 1, 60_000, 500)
  await poll(() => attacker.topicPeers(TOPIC).subscribers >= 1, 60_000, 200)

  await attacker.publishRaw(TOPIC, Uint8Array.of(0x0a, 0xff, 0xff, 0xff)) // truncated length-delimited field
  await attacker.publishRaw(TOPIC, encodeGossip(new TextEncoder().encode('future'), 9)) // unknown version
  await attacker.publishRaw(TOPIC, encodeGossip(new Uint8Array(2048))) // above --max-message-bytes 1024
  const rejected = await target.waitFor(
    () => {
      const r = target.events('gossip-rejected').filter((e) => e['peer'] === attacker.peerId)
      return r.length >= 3 ? r : undefined
    },
    60_000,
    'three gossip rejections',
  )
  t.deepEqual(rejected.map(errorName).sort(), [
    'MalformedMessageError',
    'MessageTooLargeError',
    'UnsupportedVersionError',
  ])
  const penalised = await target.waitFor(() => (badInputs().length >= 3 ? badInputs() : undefined), 30_000, 'penalties')
  t.is(penalised.length, 3)
  t.is(penalised.at(-1)!['penalty'], 3)
  // None of the bad payloads was delivered to the application.
  t.is(target.received.size, 0)
  t.is(target.events('message').length, 0)
})

test.serial('bad control messages are dropped with typed errors; the sender ends up banned', async (t) => {
  // Malformed protobuf: a field header promising more bytes than there are.
  await attacker.transport.requestRaw(target.endpoint, Uint8Array.of(0x12, 0x7f, 0x01))
  // Unknown protocol version.
  await attacker.transport.requestRaw(target.endpoint, encodeControl({ kind: 'get-peers-request' }, 42))
  // Oversized frame (the control limit is 16 KiB).
  await attacker.transport.requestRaw(target.endpoint, new Uint8Array(64 * 1024))
  const names = await target.waitFor(
    () => {
      const b = badInputs().map(errorName)
      return b.length >= 6 ? b : undefined
    },
    60_000,
    'six bad inputs',
  )
  t.deepEqual(names.slice(3).sort(), ['MalformedMessageError', 'MessageTooLargeError', 'UnsupportedVersionError'])
  const banned = await target.waitFor(
    () => target.events('banned').find((e) => e['peerId'] === attacker.peerId),
    30_000,
    'a ban',
  )
  t.truthy(banned)
  // The ban took the peering down, and the node is alive and answering.
  const status = await target.status()
  t.false((status['peers'] as string[]).includes(attacker.peerId))
  t.false(target.exited)
  t.is(target.events('uncaught').length, 0)
})

test.serial('an honest node still gets served after the attack', async (t) => {
  const honest = await createMeshNode({ minPeers: 0 })
  try {
    const answer = await honest.transport.request(target.endpoint, encodeControl({ kind: 'get-peers-request' }))
    const { decodeControl } = await import('../src/codec.js')
    const decoded = decodeControl(answer)
    t.is(decoded.kind, 'get-peers-response')
    if (decoded.kind === 'get-peers-response') t.true(decoded.peerEndpoints.includes(target.endpoint))
  } finally {
    await honest.stop()
  }
})
