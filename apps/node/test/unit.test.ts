// Pure parts of the node: config and genesis checks, on-chain settings, the validator
// registry a genesis declares, the scheduled consensus, turn-taking and metrics.
import { createHash } from 'node:crypto'
import type { BlockCandidate, ChainBlock, ConsensusEngine } from '@atmosphere/interfaces'
import { devConsensus } from '@atmosphere/ledger'
import test from 'ava'
import { Wallet } from 'ethers'
import { parseConfig, parseGenesis } from '../src/config.js'
import { scheduledConsensus, turnTaking } from '../src/consensus-schedule.js'
import { InvalidConfigError, NotAValidatorError } from '../src/errors.js'
import {
  addressOf,
  buildGenesis,
  consensusPlan,
  devAccountKey,
  devKey,
  genesisEnclave,
  genesisId,
  genesisRegistry,
  poetSettingsOf,
  settingAddress,
} from '../src/genesis.js'
import { NodeMetrics } from '../src/metrics.js'

const block = (height: bigint, id: string, timestamp = 0): ChainBlock => ({
  id,
  headerSignature: new Uint8Array(0),
  header: {
    height,
    parentId: '00'.repeat(32),
    stateRoot: new Uint8Array(32),
    batchIds: [],
    consensus: new Uint8Array(0),
    signerPublicKey: new Uint8Array(33),
    timestamp,
  },
})
const candidate = (parentHeight: bigint, parentTimestamp = 0): BlockCandidate => ({
  parent: block(parentHeight, 'aa', parentTimestamp),
  digest: new Uint8Array(32),
})

test('parseConfig fills the documented defaults', (t) => {
  const c = parseConfig({})
  t.is(c.rpc.port, 8545)
  t.is(c.rpc.host, '127.0.0.1')
  t.is(c.metrics.port, 9615)
  t.is(c.p2p.minPeers, 3)
  t.is(c.p2p.maxPeers, 10)
  t.deepEqual(c.p2p.listen, ['/ip4/127.0.0.1/tcp/0'])
  t.is(c.genesisFile, 'genesis.json')
  t.is(c.logLevel, 'info')
})

test('parseConfig names the first bad field', (t) => {
  const e1 = t.throws(() => parseConfig({ p2p: { minPeers: -1 } }), { instanceOf: InvalidConfigError })
  t.is(e1?.field, 'p2p.minPeers')
  t.is(e1?.value, -1)
  const e2 = t.throws(() => parseConfig({ p2p: { minPeers: 5, maxPeers: 2 } }), { instanceOf: InvalidConfigError })
  t.is(e2?.field, 'p2p.maxPeers')
  const e3 = t.throws(() => parseConfig({ rpc: { port: 70000 } }), { instanceOf: InvalidConfigError })
  t.is(e3?.field, 'rpc.port')
  const e4 = t.throws(() => parseConfig({ logLevel: 'loud' }), { instanceOf: InvalidConfigError })
  t.is(e4?.name, 'InvalidConfigError')
  t.throws(() => parseConfig([]), { instanceOf: InvalidConfigError })
})

const validators = [0, 1, 2].map((i) => ({ name: `v${i}`, secretKey: devKey(`unit validator ${i}`) }))
const alloc = { [addressOf(devAccountKey(0))]: 10n ** 18n }

test('parseGenesis accepts what buildGenesis writes and refuses bad fields', (t) => {
  const g = buildGenesis({ validators, alloc, timestamp: 5 })
  t.deepEqual(parseGenesis(JSON.parse(JSON.stringify(g))), g)
  t.is(
    t.throws(() => parseGenesis({ ...g, chainId: '0x1' }), { instanceOf: InvalidConfigError })?.field,
    'genesis.chainId',
  )
  t.is(
    t.throws(() => parseGenesis({ ...g, alloc: { '0x12': '1' } }), { instanceOf: InvalidConfigError })?.field,
    'genesis.alloc',
  )
  t.is(
    t.throws(() => parseGenesis({ ...g, validators: [] }), { instanceOf: InvalidConfigError })?.field,
    'genesis.validators',
  )
  t.is(
    t.throws(() => parseGenesis({ ...g, settings: { x: 1 } }), { instanceOf: InvalidConfigError })?.field,
    'genesis.settings.x',
  )
})

test('the genesis registry holds every validator; sign-ups are bound to the genesis block', (t) => {
  const g = buildGenesis({ validators, alloc, timestamp: 5 })
  const registry = genesisRegistry(g)
  t.is(registry.size, 3)
  for (const v of g.validators) t.is(registry.get(v.publicKey, 1)?.poetPublicKey.length, 66)
  // The same key yields the same enclave sign-up (restarts keep the registered PoET key).
  const again = genesisEnclave(validators[0]!.secretKey, genesisId(g), { now: () => 0 }, 0.5)
  t.is(Buffer.from(again.signupInfo).toString('hex'), g.validators[0]!.signupInfo)
  // Another genesis (other balances): the sign-up nonce no longer matches.
  const other = { ...g, alloc: { [addressOf(devAccountKey(1))]: '1' } }
  t.throws(() => genesisRegistry(other), { instanceOf: NotAValidatorError })
  // A tampered sign-up proof is refused.
  const tampered = {
    ...g,
    validators: g.validators.map((v, i) => (i === 1 ? { ...v, signupInfo: `${v.signupInfo.slice(0, -2)}00` } : v)),
  }
  t.throws(() => genesisRegistry(tampered), { instanceOf: NotAValidatorError })
})

test('settings live at Sawtooth-style addresses; plan and PoET settings are read from them', (t) => {
  const key = 'atmosphere.consensus.engine'
  t.is(settingAddress(key), `000000${createHash('sha256').update(key).digest('hex')}`)
  t.is(settingAddress(key).length, 70)
  t.deepEqual(consensusPlan({}).phases, [{ fromHeight: 1n, engine: 'poet' }])
  t.deepEqual(
    consensusPlan({ 'atmosphere.consensus.engine': 'dev', 'atmosphere.consensus.switch_height': '10' }).phases,
    [
      { fromHeight: 1n, engine: 'dev' },
      { fromHeight: 10n, engine: 'poet' },
    ],
  )
  t.throws(() => consensusPlan({ 'atmosphere.consensus.engine': 'pow' }), { instanceOf: InvalidConfigError })
  t.throws(() => consensusPlan({ 'atmosphere.consensus.switch_height': '1' }), { instanceOf: InvalidConfigError })
  t.deepEqual(
    poetSettingsOf({ 'sawtooth.poet.target_wait_time': '2.5', 'atmosphere.poet.minimum_wait_time': '0.25' }),
    {
      targetWaitTime: 2.5,
      minimumWaitTime: 0.25,
    },
  )
  t.throws(() => poetSettingsOf({ 'sawtooth.poet.target_wait_time': 'soon' }), { instanceOf: InvalidConfigError })
})

test('devnet account keys give the addresses ethers derives', (t) => {
  for (const i of [0, 1, 7]) {
    const k = devAccountKey(i)
    t.is(addressOf(k), new Wallet(`0x${Buffer.from(k).toString('hex')}`).address.toLowerCase())
  }
})

function recording(name: string, publish: boolean): ConsensusEngine & { calls: string[] } {
  const calls: string[] = []
  return {
    name,
    version: '1',
    calls,
    async initialize() {
      calls.push('initialize')
    },
    async chainHeadUpdated() {
      calls.push('head')
    },
    async blockReceived(b) {
      calls.push(`received ${b.header.height}`)
      return { valid: true }
    },
    async shouldPublish() {
      calls.push('publish?')
      return publish ? { publish: true, consensus: new Uint8Array([1]) } : { publish: false, retryAfterMs: 42 }
    },
    async compareForks() {
      calls.push('forks')
      return 'keep'
    },
  }
}

test('scheduled consensus hands each height to the engine in force there', async (t) => {
  const a = recording('a', true)
  const b = recording('b', false)
  const s = scheduledConsensus([
    { fromHeight: 1n, engine: a },
    { fromHeight: 5n, engine: b },
  ])
  t.is(s.name, 'a@1,b@5')
  t.is(s.engineAt(4n), a)
  t.is(s.engineAt(5n), b)
  await s.initialize({} as never)
  t.deepEqual([a.calls, b.calls], [['initialize'], ['initialize']])
  await s.blockReceived(block(4n, '01'))
  await s.blockReceived(block(5n, '02'))
  t.deepEqual(a.calls.at(-1), 'received 4')
  t.deepEqual(b.calls.at(-1), 'received 5')
  t.deepEqual(await s.shouldPublish(candidate(3n)), { publish: true, consensus: new Uint8Array([1]) })
  t.deepEqual(await s.shouldPublish(candidate(4n)), { publish: false, retryAfterMs: 42 })
  t.deepEqual(s.lastDecision, { publish: false, retryAfterMs: 42 })
  // Same phase: that engine decides. Across phases: the taller tip wins.
  t.is(await s.compareForks(block(6n, '01'), block(7n, '02')), 'keep')
  t.is(b.calls.at(-1), 'forks')
  t.is(await s.compareForks(block(4n, '01'), block(5n, '02')), 'switch')
  t.is(await s.compareForks(block(5n, '01'), block(4n, '02')), 'keep')
  t.throws(() => scheduledConsensus([{ fromHeight: 2n, engine: a }]), { instanceOf: RangeError })
  t.throws(
    () =>
      scheduledConsensus([
        { fromHeight: 1n, engine: a },
        { fromHeight: 1n, engine: b },
      ]),
    { instanceOf: RangeError },
  )
})

test('turn-taking: the validator whose turn it is publishes at once, others after the grace period', async (t) => {
  let now = 1000
  const vs = ['aa', 'bb', 'cc']
  const bb = turnTaking(devConsensus(), { validators: vs, self: 'bb', graceMs: 2000, now: () => now })
  // Height 1 is bb's turn (1 mod 3 = index 1).
  t.true((await bb.shouldPublish(candidate(0n, 1000))).publish)
  // Height 2 is cc's: bb waits for the rest of the grace period.
  t.deepEqual(await bb.shouldPublish(candidate(1n, 500)), { publish: false, retryAfterMs: 1500 })
  now = 2600
  t.true((await bb.shouldPublish(candidate(1n, 500))).publish)
})

test('metrics: counters, interval and tx/s in the Prometheus text format', (t) => {
  let now = 0
  const m = new NodeMetrics(() => now, 10_000)
  m.committed(10, false)
  now = 2000
  m.committed(30, true)
  m.blocksPublished = 1
  t.is(m.txPerSecond(), 4)
  const text = m.render({
    name: 'n0',
    chainId: '1',
    height: '7',
    head: 'x',
    stateRoot: 'y',
    peers: 3,
    peerIds: [],
    pool: 2,
    consensus: 'poet',
    rpcUrl: '',
    peerEndpoint: '',
  })
  t.regex(text, /^atmo_chain_height\{node="n0"\} 7$/m)
  t.regex(text, /^atmo_peers\{node="n0"\} 3$/m)
  t.regex(text, /^atmo_pool_batches\{node="n0"\} 2$/m)
  t.regex(text, /^atmo_block_interval_seconds\{node="n0"\} 2$/m)
  t.regex(text, /^atmo_transactions_per_second\{node="n0"\} 4$/m)
  t.regex(text, /^atmo_transactions_committed_total\{node="n0"\} 40$/m)
  t.regex(text, /^atmo_fork_switches_total\{node="n0"\} 1$/m)
  t.regex(text, /^# TYPE atmo_blocks_committed_total counter$/m)
  now = 20_000
  t.is(m.txPerSecond(), 0)
})
