import type { BlockHeader, ChainBlock, ChainReader } from '@atmosphere/interfaces'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import test from 'ava'
import {
  certificateId,
  decodeWaitCertificate,
  defaultHeaderDigest,
  encodeCertificateBody,
  encodeWaitCertificate,
  InvalidSettingError,
  memoryRegistry,
  NotInitializedError,
  originatorPublicKeyHash,
  type PoetEngine,
  type PoetInit,
  poet,
  poetSign,
  type SimulatedEnclave,
  seededRng,
  signupNonce,
  simulatedEnclave,
  virtualClock,
} from '../src/index.js'

const ZERO = '00'.repeat(32)
const genesis: ChainBlock = {
  id: ZERO,
  header: {
    height: 0n,
    parentId: ZERO,
    stateRoot: new Uint8Array(32),
    batchIds: [],
    consensus: new Uint8Array(),
    signerPublicKey: new Uint8Array(33),
    timestamp: 0,
  },
  headerSignature: new Uint8Array(),
}

async function network(n: number, init: PoetInit = {}, settings: Record<string, string> = {}) {
  const rng = seededRng(42)
  const clock = virtualClock(0)
  const registry = memoryRegistry()
  const store = new Map<string, ChainBlock>([[ZERO, genesis]])
  const chain: ChainReader = { getBlock: async (id) => store.get(id), getSetting: async (key) => settings[key] }
  const nodes: {
    id: string
    secretKey: Uint8Array
    publicKey: Uint8Array
    enclave: SimulatedEnclave
    engine: PoetEngine
  }[] = []
  for (let i = 0; i < n; i++) {
    const secretKey = secp256k1.utils.randomSecretKey(rng.bytes(48))
    const publicKey = secp256k1.getPublicKey(secretKey, true)
    const id = bytesToHex(publicKey)
    const enclave = simulatedEnclave({ clock, random: rng.bytes })
    const engine = poet(init)({ enclave, registry })
    registry.register({
      validatorId: id,
      signupInfo: enclave.createSignupInfo(originatorPublicKeyHash(id), signupNonce(ZERO)),
      signupBlockId: ZERO,
      signupHeight: 0,
      commitHeight: 0,
    })
    await engine.initialize({
      chainHead: genesis,
      chain,
      clock,
      signer: { scheme: 'secp256k1', publicKey, sign: (m) => secp256k1.sign(m, secretKey) },
    })
    nodes.push({ id, secretKey, publicKey, enclave, engine })
  }
  const draft = (node: (typeof nodes)[number], parent: ChainBlock): BlockHeader => ({
    height: parent.header.height + 1n,
    parentId: parent.id,
    stateRoot: new Uint8Array(32),
    batchIds: [],
    consensus: new Uint8Array(),
    signerPublicKey: node.publicKey,
    timestamp: clock.now(),
  })
  const seal = (node: (typeof nodes)[number], header: BlockHeader, consensus: Uint8Array): ChainBlock => {
    const headerSignature = secp256k1.sign(
      new Uint8Array([...defaultHeaderDigest(header), ...sha256(consensus)]),
      node.secretKey,
    )
    const block = { id: bytesToHex(sha256(headerSignature)), header: { ...header, consensus }, headerSignature }
    store.set(block.id, block)
    return block
  }
  /** Lets `node` publish on `parent` the honest way: ask, wait as told, ask again. */
  const publish = async (node: (typeof nodes)[number], parent: ChainBlock) => {
    for (let i = 0; i < 5; i++) {
      const header = draft(node, parent)
      const d = await node.engine.shouldPublish({ parent, digest: defaultHeaderDigest(header) })
      if (d.publish) return seal(node, header, d.consensus)
      if (d.retryAfterMs === undefined) throw new Error(`blocked: ${node.engine.blocker}`)
      await clock.advance(d.retryAfterMs)
    }
    throw new Error('never published')
  }
  return { nodes, clock, registry, store, draft, seal, publish }
}

test('an honest block: the publisher waits its timer, peers accept the certificate and switch to it', async (t) => {
  const { nodes, clock, publish } = await network(3)
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
  const first = await a.engine.shouldPublish({ parent: genesis, digest: new Uint8Array(32) })
  t.false(first.publish)
  t.true(!first.publish && (first.retryAfterMs ?? 0) >= 1000, 'waits at least the minimum wait time')
  const block = await publish(a, genesis)
  const { certificate } = decodeWaitCertificate(block.header.consensus)
  t.is(certificate.localMean, 20) // bootstrap with no claims: the target wait time
  t.true(clock.now() >= certificate.requestTime + certificate.duration * 1000)
  t.deepEqual(await b.engine.blockReceived(block), { valid: true })
  t.is(await b.engine.compareForks(genesis, block), 'switch')
  t.is(b.engine.consensusState(block.id)?.aggregateLocalMean, 20)
})

test('tampered, forged, replayed and early certificates are rejected with their reasons', async (t) => {
  const { nodes, clock, publish, draft, seal } = await network(3)
  const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]]
  const block = await publish(a, genesis)
  t.true((await b.engine.blockReceived(block)).valid)

  // Replay: a's certificate on c's block.
  const replayed = seal(c, draft(c, genesis), block.header.consensus)
  const r1 = await b.engine.blockReceived(replayed)
  t.true(!r1.valid && r1.reason.startsWith('wrong-validator'))

  // Early claim: c signs a certificate with its (simulated, extractable) PoET key before expiry.
  const timer = c.enclave.createWaitTimer(
    c.publicKey,
    certificateId(decodeWaitCertificate(block.header.consensus).certificate),
    b.engine.consensusState(block.id)?.localMean(b.engine.settings) ?? 0,
  )
  const header = draft(c, block)
  const { signature: _s, ...timerBody } = timer
  const body = { ...timerBody, nonce: new Uint8Array(32), blockDigest: defaultHeaderDigest(header) }
  const early = seal(
    c,
    header,
    encodeWaitCertificate({
      ...body,
      signature: poetSign(encodeCertificateBody(body), c.enclave.poetSecretKey as Uint8Array),
    }),
  )
  const r2 = await b.engine.blockReceived(early)
  t.true(!r2.valid && r2.reason.startsWith('timer-not-expired'), !r2.valid ? r2.reason : '')

  // Tampered duration: the signature no longer verifies; the signer is blacklisted at once.
  const bytes = block.header.consensus.slice()
  bytes[9] = (bytes[9] as number) ^ 0x01
  const forged = seal(a, { ...block.header, timestamp: block.header.timestamp + 1 }, bytes)
  const r3 = await c.engine.blockReceived(forged)
  t.true(!r3.valid && r3.reason.startsWith('bad-signature'), !r3.valid ? r3.reason : '')
  t.true(c.engine.blacklist.has(a.id))
  t.is(c.engine.rejections.get('bad-signature'), 1)

  // Garbage consensus bytes are a typed rejection, not a crash.
  const r4 = await b.engine.blockReceived(seal(c, draft(c, genesis), new Uint8Array([1, 2, 3])))
  t.true(!r4.valid && r4.reason.startsWith('malformed'))
  await clock.advance(1)
})

test('equivocation: a second certificate from the same timer is rejected and blacklists its signer', async (t) => {
  const { nodes, publish, draft, seal } = await network(3)
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
  const first = await publish(a, genesis)
  const { certificate } = decodeWaitCertificate(first.header.consensus)
  const twin = { ...draft(a, genesis), timestamp: first.header.timestamp + 1 }
  const { signature: _s, ...body } = certificate
  const twinBody = { ...body, nonce: new Uint8Array(32).fill(9), blockDigest: defaultHeaderDigest(twin) }
  const second = seal(
    a,
    twin,
    encodeWaitCertificate({
      ...twinBody,
      signature: poetSign(encodeCertificateBody(twinBody), a.enclave.poetSecretKey as Uint8Array),
    }),
  )
  t.deepEqual(await b.engine.blockReceived(first), { valid: true })
  t.deepEqual(await b.engine.blockReceived(first), { valid: true }, 'the same block again is not equivocation')
  const verdict = await b.engine.blockReceived(second)
  t.true(!verdict.valid && verdict.reason.startsWith('equivocation'))
  t.is(b.engine.blacklist.reason(a.id), 'equivocation')
})

test('fork choice through the engine: same parent, the shorter duration wins', async (t) => {
  const { nodes, publish } = await network(3)
  const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]]
  const x = await publish(a, genesis)
  const y = await publish(b, genesis)
  for (const blk of [x, y]) t.true((await c.engine.blockReceived(blk)).valid)
  const dx = decodeWaitCertificate(x.header.consensus).certificate.duration
  const dy = decodeWaitCertificate(y.header.consensus).certificate.duration
  t.is(await c.engine.compareForks(x, y), dy < dx ? 'switch' : 'keep')
  t.is(await c.engine.compareForks(y, x), dx < dy ? 'switch' : 'keep')
})

test('K-test: after keyBlockClaimLimit blocks the engine stops, re-registers, then waits the c-test delay', async (t) => {
  const { nodes, publish, registry } = await network(3, { settings: { keyBlockClaimLimit: 3 } })
  const a = nodes[0] as (typeof nodes)[0]
  let head = genesis
  for (let i = 0; i < 3; i++) {
    const next = await publish(nodes[1 + (i % 2)] as (typeof nodes)[0], head)
    t.true((await a.engine.blockReceived(next)).valid)
    head = next
  }
  for (let i = 0; i < 3; i++) {
    const next = await publish(a, head)
    t.true((await a.engine.blockReceived(next)).valid)
    head = next
  }
  const blocked = await a.engine.shouldPublish({ parent: head, digest: new Uint8Array(32) })
  t.false(blocked.publish)
  t.is(a.engine.blocker, 'key-block-claim-limit')
  const h = Number(head.header.height)
  const entry = registry.register({
    validatorId: a.id,
    signupInfo: a.engine.signUp(head.id),
    signupBlockId: head.id,
    signupHeight: h,
    commitHeight: h + 1,
  })
  t.is(entry.poetPublicKey, bytesToHex(a.enclave.poetPublicKey as Uint8Array))
  // The new key is in force only above its commit block; until then the old key is exhausted.
  await a.engine.shouldPublish({ parent: head, digest: new Uint8Array(32) })
  t.is(a.engine.blocker, 'key-block-claim-limit')
  const commit = await publish(nodes[2] as (typeof nodes)[0], head)
  t.true((await a.engine.blockReceived(commit)).valid)
  await a.engine.shouldPublish({ parent: commit, digest: new Uint8Array(32) })
  t.is(a.engine.blocker, 'claiming-too-early')
  const next = await publish(nodes[1] as (typeof nodes)[0], commit)
  t.true((await a.engine.blockReceived(next)).valid)
  const go = await a.engine.shouldPublish({ parent: next, digest: new Uint8Array(32) })
  t.is(a.engine.blocker, undefined)
  t.false(go.publish)
  const last = await publish(a, next)
  t.true((await nodes[2]?.engine.blockReceived(commit))?.valid)
  t.true((await nodes[2]?.engine.blockReceived(next))?.valid)
  t.true((await nodes[2]?.engine.blockReceived(last))?.valid)
})

test('a block signed with a rotated-out key stays valid at heights where that key was in force', async (t) => {
  const { nodes, publish, registry } = await network(3)
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]]
  const old = await publish(a, genesis)
  // a rotates its key; the registration commits at height 1, so it governs blocks from height 2.
  registry.register({
    validatorId: a.id,
    signupInfo: a.engine.signUp(genesis.id),
    signupBlockId: genesis.id,
    signupHeight: 0,
    commitHeight: 1,
  })
  t.deepEqual(await b.engine.blockReceived(old), { valid: true })
  t.false(b.engine.blacklist.has(a.id))
})

test('settings come from the chain; a bad on-chain value is a typed error; hooks before initialize throw', async (t) => {
  const { nodes } = await network(
    1,
    {},
    { 'sawtooth.poet.target_wait_time': '5', 'sawtooth.poet.ztest_minimum_win_count': '7' },
  )
  t.is(nodes[0]?.engine.settings.targetWaitTime, 5)
  t.is(nodes[0]?.engine.settings.ztestMinimumWinCount, 7)
  await t.throwsAsync(network(1, {}, { 'sawtooth.poet.target_wait_time': 'soon' }), { instanceOf: InvalidSettingError })
  await t.throwsAsync(network(1, {}, { 'sawtooth.poet.key_block_claim_limit': '2.5' }), {
    instanceOf: InvalidSettingError,
  })
  const fresh = poet()({ enclave: simulatedEnclave({ clock: { now: () => 0 } }), registry: memoryRegistry() })
  await t.throwsAsync(fresh.blockReceived(genesis), { instanceOf: NotInitializedError })
})
