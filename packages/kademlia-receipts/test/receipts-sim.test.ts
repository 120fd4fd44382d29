// Receipts on the simulator: store on the m closest, verify α·m, read the latest, forks,
// stale adversaries, rejected input, admission and checkpoints.
import { ed25519 } from '@noble/curves/ed25519.js'
import test from 'ava'
import { equalBytes, toHex } from '../src/bytes.js'
import { ForkDetectedError, ReceiptNotFoundError, RemoteError } from '../src/errors.js'
import { compareDistance } from '../src/id.js'
import { decodeMessage, encodeMessage, MessageType } from '../src/messages.js'
import { ErrorCode, KademliaNode } from '../src/node.js'
import { nodeIdOf, staticPuzzleHolds } from '../src/puzzle.js'
import { seededRandom } from '../src/random.js'
import { ReceiptChain, verifyForkEvidence } from '../src/receipt.js'
import { publishForkEvidence, readLatest, storeReceipt, verifyStorage } from '../src/receipts.js'
import { SimWorld } from '../src/sim/world.js'

const enc = new TextEncoder()
const key = (s: string) => enc.encode(s)

test('signed network: receipts land on the m closest nodes, the verifier confirms, the reader gets the latest', async (t) => {
  t.timeout(60_000)
  const world = new SimWorld({ nodes: 40, seed: 21, authenticate: true })
  const sk = ed25519.utils.randomSecretKey(seededRandom(1).bytes(32))
  const chain = new ReceiptChain(sk, key('doc'))
  const writer = world.createNode(0, true)
  const v0 = chain.next(key('a'), 1n)
  const s0 = await world.clock.run(storeReceipt(writer, v0))
  t.is(s0.stored.length, 5)
  // they are the 5 closest ids to hash(key) among all nodes
  const byDistance = world.identities
    .map((x) => x.idHex)
    .sort((a, b) => compareDistance(v0.location, Buffer.from(a, 'hex'), Buffer.from(b, 'hex')))
  t.deepEqual(
    s0.stored.map((c) => c.idHex).sort(),
    byDistance
      .filter((h) => h !== writer.identity.idHex)
      .slice(0, 5)
      .sort(),
  )
  const v1 = chain.next(key('b'), 2n)
  await world.clock.run(storeReceipt(writer, v1))
  const check = await world.clock.run(verifyStorage(world.createNode(7, true), v1))
  t.is(check.checked.length, 15, 'α·m = 15 nodes checked')
  t.is(check.holders.length, 5)
  t.true(check.ok)
  const got = await world.clock.run(readLatest(world.createNode(9, true), v1.updater, v1.key))
  t.is(got.receipt.version, 1n)
  t.true(equalBytes(got.receipt.hash, v1.hash))
  await t.throwsAsync(world.clock.run(readLatest(world.createNode(9, true), v1.updater, key('nothing'))), {
    instanceOf: ReceiptNotFoundError,
  })
})

test('a fork is detected by storers, returned as evidence, verifiable and published', async (t) => {
  t.timeout(60_000)
  const world = new SimWorld({ nodes: 500, seed: 22 })
  const sk = ed25519.utils.randomSecretKey(seededRandom(2).bytes(32))
  const honest = new ReceiptChain(sk, key('fork-me'))
  const v0 = honest.next(key('0'), 1n)
  const twin = new ReceiptChain(sk, key('fork-me'), v0)
  const v1 = honest.next(key('1'), 2n)
  const v1b = twin.next(key('1-evil'), 3n)
  const writer = world.createNode(1, true)
  await world.clock.run(storeReceipt(writer, v0))
  await world.clock.run(storeReceipt(writer, v1))
  const again = await world.clock.run(storeReceipt(writer, v1b))
  t.is(again.stored.length, 0, 'no storer accepts the second v1')
  t.truthy(again.fork)
  const ev = verifyForkEvidence(
    (again.fork as { a: { bytes: Uint8Array } }).a.bytes,
    (again.fork as { b: { bytes: Uint8Array } }).b.bytes,
  )
  t.is(ev.a.version, 1n)
  const e = await t.throwsAsync(world.clock.run(readLatest(world.createNode(2, true), v1.updater, v1.key)), {
    instanceOf: ForkDetectedError,
  })
  t.is(e?.version, 1n)
  t.notThrows(() => verifyForkEvidence(e?.evidence[0] as Uint8Array, e?.evidence[1] as Uint8Array))
  const acked = await world.clock.run(publishForkEvidence(world.createNode(3, true), v1.bytes, v1b.bytes))
  t.true(acked.length >= 1)
})

test('stale-receipt adversaries cannot hide the latest version', async (t) => {
  t.timeout(60_000)
  const world = new SimWorld({ nodes: 2000, seed: 23, adversaries: 0.2, behaviour: 'stale' })
  world.activateAdversaries()
  const sk = ed25519.utils.randomSecretKey(seededRandom(3).bytes(32))
  let found = 0
  for (let j = 0; j < 10; j++) {
    const chain = new ReceiptChain(sk, key(`k${j}`))
    const writer = world.createNode(world.randomHonest(), true)
    let last = chain.next(key('v0'), 0n)
    await world.clock.run(storeReceipt(writer, last, { paths: 4 }))
    for (let v = 1; v <= 3; v++) {
      last = chain.next(key(`v${v}`), BigInt(v))
      await world.clock.run(storeReceipt(writer, last, { paths: 4 }))
    }
    const r = await world.clock.run(
      readLatest(world.createNode(world.randomHonest(), true), last.updater, last.key, { paths: 4 }),
    )
    if (r.receipt.version === 3n) found++
  }
  t.is(found, 10)
})

test('forged receipts and malformed requests get typed errors and change nothing', async (t) => {
  t.timeout(60_000)
  const world = new SimWorld({ nodes: 100, seed: 24 })
  const target = world.createNode(5, true)
  const client = world.createNode(6, true)
  const sk = ed25519.utils.randomSecretKey(seededRandom(4).bytes(32))
  const r = new ReceiptChain(sk, key('x')).next(key('v'), 0n)
  const forged = Uint8Array.from(r.bytes)
  forged[forged.length - 3] = (forged[forged.length - 3] as number) ^ 0x40
  const e = await t.throwsAsync(
    world.clock.run(client.request(target.address, { type: MessageType.Store, receipt: forged }, MessageType.Stored)),
    {
      instanceOf: RemoteError,
    },
  )
  t.is(e?.code, ErrorCode.BadSignature)
  t.is(target.store.size, 0)
  const garbage = await target.serve('n6', new Uint8Array([1, 2, 3]))
  const g = decodeMessage(garbage, { puzzle: world.puzzle, authenticate: false })
  t.is(g.body.type, MessageType.Error)
  t.is(g.body.type === MessageType.Error ? g.body.code : -1, ErrorCode.Malformed)
  t.is(target.stats.rejected, 2)
  // a sender whose id fails the static puzzle is refused before anything else happens
  const rnd = seededRandom(99)
  let pk = rnd.bytes(32)
  while (staticPuzzleHolds(nodeIdOf(pk), world.puzzle.c1)) pk = rnd.bytes(32)
  const cheater = { publicKey: pk, id: nodeIdOf(pk), idHex: toHex(nodeIdOf(pk)), x: 0n }
  const cheat = decodeMessage(
    await target.serve('n99', encodeMessage(cheater, 2n, { type: MessageType.Store, receipt: r.bytes })),
    {
      puzzle: world.puzzle,
      authenticate: false,
    },
  )
  t.is(cheat.body.type === MessageType.Error ? cheat.body.code : -1, ErrorCode.BadPuzzle)
  t.false(target.table.has(cheater.idHex, cheater.id))
  t.is(target.store.size, 0)
  const truncated = encodeMessage(client.identity, 1n, { type: MessageType.Store, receipt: r.bytes }).subarray(0, 60)
  const ans = await target.serve('n6', truncated)
  t.is(ans[1], MessageType.Error)
  t.is(target.store.size, 0)
})

test('the admission check refuses nodes without a deposit, and checkpoints receive receipts and forks', async (t) => {
  t.timeout(60_000)
  const world = new SimWorld({ nodes: 60, seed: 25, lazy: false })
  const deposits = new Set(world.identities.slice(0, 50).map((x) => x.idHex))
  const submitted: { receipts: number; forks: number }[] = []
  const nodes = world.identities.map(
    (identity, i) =>
      new KademliaNode(
        {
          maintenance: true,
          checkpointIntervalMs: 3_600_000,
          refreshIntervalMs: 1e12,
          republishIntervalMs: 1e12,
          puzzle: world.puzzle,
          authenticate: false,
          admission: (c) => deposits.has(c.idHex),
        },
        {
          transport: world.network.transport(SimWorld.address(i)),
          clock: world.clock,
          random: world.random,
          identity,
          checkpoint: { submit: (b) => void submitted.push({ receipts: b.receipts.length, forks: b.forks.length }) },
        },
      ),
  )
  for (let i = 1; i < 50; i++) await world.clock.run((nodes[i] as KademliaNode).bootstrap([SimWorld.address(0)]))
  const outsider = nodes[55] as KademliaNode
  const e = await t.throwsAsync(world.clock.run(outsider.ping(SimWorld.address(0))), { instanceOf: RemoteError })
  t.is(e?.code, ErrorCode.Admission)
  for (const n of nodes.slice(0, 50)) t.false(n.table.has(outsider.identity.idHex, outsider.identity.id))
  const sk = ed25519.utils.randomSecretKey(seededRandom(5).bytes(32))
  const c = new ReceiptChain(sk, key('cp'))
  const v0 = c.next(key('0'), 0n)
  const rep = await world.clock.run(storeReceipt(nodes[3] as KademliaNode, v0))
  t.is(rep.stored.length, 5)
  await world.clock.advance(3_600_000 + 1)
  const withReceipts = submitted.filter((s) => s.receipts > 0)
  t.is(withReceipts.length, 5, 'each of the 5 storers checkpoints its receipt')
  for (const n of nodes) n.close()
  t.is(toHex(v0.updater), toHex(ed25519.getPublicKey(sk)))
})
