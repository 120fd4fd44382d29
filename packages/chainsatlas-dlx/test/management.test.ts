import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import test from 'ava'
import { assemble } from '../src/assembler.js'
import { ChunkHashMismatchError, StrategyRejectedError, UnitStateError, UnknownOfferError } from '../src/errors.js'
import { createManagementUnit, createPythia, offerChunks, type Strategy } from '../src/management.js'
import { type ChainProfile, strategize } from '../src/strategist.js'
import { createVirtualizationUnit } from '../src/units.js'
import { programSource } from './helpers.js'

const profiles: ChainProfile[] = [
  {
    id: 'alpha',
    txSizeLimit: 64 + 40,
    validators: 20,
    blockTime: 2,
    tps: 100,
    avgFee: 0.1,
    decentralization: 0.6,
    privacy: 0.2,
  },
  {
    id: 'beta',
    txSizeLimit: 64 + 96,
    validators: 50,
    blockTime: 5,
    tps: 30,
    avgFee: 0.4,
    decentralization: 0.8,
    privacy: 0.9,
  },
]
const key = (n: number) => sha256(Uint8Array.of(n)) // deterministic test keys

test('an offer travels as a chained submission, a plan reaches quorum and is accepted', (t) => {
  const program = assemble(programSource('sieve'))
  const constraints = { maxCost: 10, minPrivacy: 0.5 }
  const mu = createManagementUnit({ profiles })
  const LIMIT = 200
  const chunks = offerChunks(program, { constraints, input: new TextEncoder().encode('200'), maxSteps: 1e6 }, LIMIT)
  t.true(chunks.length >= 2)
  const offer = mu.submitOffer(chunks, LIMIT)
  t.deepEqual(offer.program.text, program.text)
  t.deepEqual(offer.constraints, constraints)

  const plan = strategize(program.text.length, profiles, constraints)
  t.true(
    plan.segments.every((s) => s.chain === 'beta'),
    'only beta meets the privacy minimum',
  )
  const strategy: Strategy = { offerId: offer.id, strategist: 'st-1', plan }
  const sid = mu.proposeStrategy(strategy)

  const nodes = [1, 2, 3, 4].map((n) => createPythia(key(n), `p${n}`))
  for (const n of nodes) mu.registerPythia(n.publicKey)
  const honest = nodes.map((n) => n.reexecute(offer, strategy))
  t.true(
    honest.every((a) => a.resultHash === honest[0]!.resultHash),
    'independent re-runs agree',
  )
  t.is(mu.attest(honest[0]!), 'pending')
  // A lying node signs a different result: it does not count toward the quorum of the honest result.
  const liarBody = { offerId: offer.id, strategyId: sid, resultHash: bytesToHex(sha256(Uint8Array.of(9))) }
  const liarSig = ed25519.sign(
    new TextEncoder().encode(
      `chainsatlas-dlx/attest/v1:${liarBody.offerId}:${liarBody.strategyId}:${liarBody.resultHash}`,
    ),
    key(4),
  )
  t.is(mu.attest({ ...liarBody, pythia: nodes[3]!.publicKey, signature: bytesToHex(liarSig) }), 'pending')
  t.is(mu.attest(honest[1]!), 'pending')
  t.is(mu.acceptedStrategy(offer.id), undefined)
  t.is(mu.attest(honest[2]!), 'accepted', '3 of 4 registered Pythia agree (quorum > 2/3)')
  t.is(mu.acceptedStrategy(offer.id)?.plan, plan)
  t.is(mu.orderBook(offer.id)[0]?.status, 'accepted')
})

test('the management unit rejects bad chunks, bad plans, bad signatures and strangers', (t) => {
  const program = assemble(programSource('fibonacci'))
  const mu = createManagementUnit({ profiles })
  const chunks = offerChunks(program, { constraints: { maxCost: 2 } }, 160)
  const altered = chunks.map((c) => c.slice())
  altered[1]![50] = altered[1]![50]! ^ 1
  t.throws(() => mu.submitOffer(altered, 160), { instanceOf: ChunkHashMismatchError })
  const offer = mu.submitOffer(chunks, 160)
  const over = { offerId: offer.id, strategist: 's', plan: strategize(program.text.length, profiles, { maxCost: 100 }) }
  const tooSmall = {
    ...over,
    plan: { ...over.plan, segments: [{ order: 0, start: 0, size: program.text.length, chain: 'alpha' }] },
  }
  t.throws(
    () => mu.proposeStrategy(tooSmall),
    { instanceOf: StrategyRejectedError },
    'a segment larger than the chain allows',
  )
  const ok: Strategy = {
    offerId: offer.id,
    strategist: 's',
    plan: strategize(program.text.length, profiles, { maxCost: 2 }),
  }
  mu.proposeStrategy(ok)
  const p = createPythia(key(7))
  const a = p.reexecute(offer, ok)
  t.throws(() => mu.attest(a), { instanceOf: StrategyRejectedError }, 'unregistered Pythia')
  mu.registerPythia(p.publicKey)
  t.throws(
    () => mu.attest({ ...a, resultHash: '00'.repeat(32) }),
    { instanceOf: StrategyRejectedError },
    'signature no longer matches',
  )
  t.is(mu.attest(a), 'accepted', 'a single registered Pythia is its own quorum')
  t.throws(() => mu.orderBook('nope'), { instanceOf: UnknownOfferError })
})

test('a virtualization unit logs hashes of the variable parts and refuses misuse', (t) => {
  const unit = createVirtualizationUnit('vu')
  t.throws(() => unit.run(10), { instanceOf: UnitStateError })
  t.throws(() => unit.dump(), { instanceOf: UnitStateError })
  const program = assemble(programSource('fibonacci'))
  const { initialState, segmentSync } = awaitModules
  const seg = segmentSync(program, program.text.length).segments[0]!
  const state = initialState(program)
  unit.load(seg, state)
  const res = unit.run(1e6)
  t.is(res.status, 'halted')
  const entry = unit.log[0]!
  t.is(entry.stateInHash, bytesToHex(sha256(state)))
  t.is(entry.stateOutHash, bytesToHex(sha256(unit.dump())))
  t.is(entry.segmentHash, bytesToHex(sha256(seg.bytes)))
  t.is(entry.outputHash, bytesToHex(sha256(unit.output())))
  t.throws(() => unit.run(10), { instanceOf: UnitStateError })
})

import * as segmentation from '../src/segmentation.js'

const awaitModules = segmentation
