import { readFileSync } from 'node:fs'
import test from 'ava'
import type {
  ApplyResult,
  Block,
  ConsensusEngine,
  KeyValueStore,
  PublishDecision,
  StateView,
  TransactionFamily,
} from '../src/index.js'
import { counter } from './counter-family.js'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, unknown>

test('the package has no runtime dependencies and no runtime exports', async (t) => {
  t.is(pkg.dependencies, undefined)
  t.is(pkg.peerDependencies, undefined)
  const mod = await import('../src/index.js')
  t.deepEqual(Object.keys(mod), [])
})

test('the documented counter family applies through a StateView', async (t) => {
  const map = new Map<string, Uint8Array>()
  const state: StateView = {
    get: async (a) => map.get(a),
    set: async (a, v) => void map.set(a, v),
    delete: async (a) => void map.delete(a),
  }
  const tx = {
    id: '00',
    header: {
      familyName: 'counter',
      familyVersion: '1.0',
      signerPublicKey: new Uint8Array(33),
      batcherPublicKey: new Uint8Array(33),
      nonce: 0n,
      inputs: [],
      outputs: [],
      dependencies: [],
      payloadHash: new Uint8Array(32),
    },
    headerSignature: new Uint8Array(64),
    payload: new Uint8Array([0xab]),
  }
  const block = { height: 1n, timestamp: 0, publisherPublicKey: new Uint8Array(33) }
  const family: TransactionFamily = counter
  t.deepEqual(await family.apply(tx, state, block), { valid: true })
  await family.apply(tx, state, block)
  const [[address, value]] = [...map] as [[string, Uint8Array]]
  t.true(address.startsWith('c0ffee'))
  t.is(address.length, 70)
  t.is(new TextDecoder().decode(value), '2')
})

test('discriminated unions narrow as documented', (t) => {
  const decide = (d: PublishDecision): string =>
    d.publish ? `publish ${d.consensus.length}` : `wait ${d.retryAfterMs ?? 'head'}`
  t.is(decide({ publish: true, consensus: new Uint8Array(3) }), 'publish 3')
  t.is(decide({ publish: false, retryAfterMs: 50 }), 'wait 50')
  t.is(decide({ publish: false }), 'wait head')
  const describe = (r: ApplyResult): string => (r.valid ? 'ok' : r.reason)
  t.is(describe({ valid: false, reason: 'bad nonce' }), 'bad nonce')
})

// Compile-time checks: the build fails (and so this suite) if the shapes drift.
type Expect<T extends true> = T
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
export type Checks = [
  Expect<Equal<Block['header']['height'], bigint>>,
  Expect<Equal<Parameters<KeyValueStore['batch']>[0][number]['type'], 'put' | 'del'>>,
  Expect<Equal<Awaited<ReturnType<ConsensusEngine['compareForks']>>, 'keep' | 'switch'>>,
]
// @ts-expect-error a block header without a state root is not a BlockHeader
export const missingStateRoot: Block['header'] = {
  height: 0n,
  parentId: '',
  batchIds: [],
  consensus: new Uint8Array(),
  signerPublicKey: new Uint8Array(),
  timestamp: 0,
}
