// Forged, replayed, tampered and out-of-contract units are rejected with typed errors and
// counted, and the contract still completes (simulated network, injected datagrams).
import test from 'ava'
import { makeContract } from '../src/contract.js'
import { PAPER_EXAMPLE_EXPECTED_HOURS } from '../src/example.js'
import type { Identity } from '../src/identity.js'
import { simulate } from '../src/sim.js'
import { encodePayload, encodeUnit, type PayloadOf, UnitType, type UnitTypeName } from '../src/wire.js'
import { exampleContract, sixParties, testIdentity } from './helpers.js'

const ids = sixParties()
const contract = exampleContract(ids)
const attacker = testIdentity(40)

function unit<T extends UnitTypeName>(
  opts: { from: Identity; signer?: Identity; to: Identity; seq: number; contractHash?: Uint8Array },
  type: T,
  value: PayloadOf<T>,
) {
  return encodeUnit(
    {
      contract: opts.contractHash ?? contract.hash,
      sender: opts.from.partyHash,
      receiver: opts.to.partyHash,
      seq: opts.seq,
      type: UnitType[type],
      prevCrc: 0,
    },
    encodePayload(type, value),
    (opts.signer ?? opts.from).secretKey,
  )
}

const job = { phase: 0, job: 0, digest: new Uint8Array(32), jobSig: new Uint8Array(64), data: new Uint8Array(0) }

test.serial('each bad unit is rejected with its typed error, counted, and the contract completes', async (t) => {
  const captured: Uint8Array[] = []
  const p1 = ids[1] as Identity
  const r = await simulate({
    contract,
    identities: ids,
    seed: 21,
    faults: {
      drop: (from, to, bytes) => {
        if (from === 'sim:0' && to === 'sim:1') captured.push(bytes.slice())
        return false
      },
    },
    setup: ({ clock, network }) => {
      const evil = network.endpoint('sim:attacker')
      const send = (u: { header: Uint8Array; payloadDatagram: Uint8Array }) => {
        void evil.send('sim:1', u.header)
        void evil.send('sim:1', u.payloadDatagram)
      }
      clock.setTimeout(() => {
        // Forged: claims to be party 0 but signed by an outsider's key.
        send(unit({ from: ids[0] as Identity, signer: attacker, to: p1, seq: 1000 }, 'Job', job))
        // Out of contract: party 3 sends party 1 a job that belongs to party 0.
        send(unit({ from: ids[3] as Identity, to: p1, seq: 1000 }, 'Job', job))
        // Out of contract: party 5 sends a receipt for a job it does not receive.
        send(
          unit({ from: ids[5] as Identity, to: p1, seq: 1000 }, 'Receipt', {
            phase: 0,
            job: 0,
            digest: new Uint8Array(32),
            jobSig: new Uint8Array(64),
            receiptSig: new Uint8Array(64),
          }),
        )
        // Another contract's unit.
        const other = makeContract({ ...contract, nonce: new Uint8Array(16).fill(1) })
        send(
          unit({ from: ids[0] as Identity, to: p1, seq: 1, contractHash: other.hash }, 'Close', {
            hoursDigest: new Uint8Array(32),
          }),
        )
        // Addressed to party 2, delivered to party 1.
        send(
          unit({ from: ids[0] as Identity, to: ids[2] as Identity, seq: 1001 }, 'Close', {
            hoursDigest: new Uint8Array(32),
          }),
        )
        // Tampered payload: the header's CRC-32 no longer matches.
        const u = unit({ from: ids[4] as Identity, to: p1, seq: 1000 }, 'Close', { hoursDigest: new Uint8Array(32) })
        const bad = u.payloadDatagram.slice()
        bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff
        void evil.send('sim:1', u.header)
        void evil.send('sim:1', bad)
        // An outsider party.
        send(unit({ from: attacker, to: p1, seq: 1 }, 'Close', { hoursDigest: new Uint8Array(32) }))
        // Garbage.
        void evil.send('sim:1', new Uint8Array([1, 2, 3, 4, 5]))
      }, 300)
      clock.setTimeout(() => {
        // Replay everything party 0 sent party 1 so far.
        for (const d of captured) void evil.send('sim:1', d)
      }, 1500)
    },
  })
  const dropped = r.nodes[1]?.stats.dropped ?? {}
  t.is(dropped.UnitSignatureInvalidError, 1)
  t.is(dropped.OutOfContractError, 2)
  t.is(dropped.UnknownContractError, 2, 'both halves of the foreign unit')
  t.is(dropped.NotAddressedError, 1, 'the header names another receiver')
  t.is(dropped.PayloadCrcMismatchError, 1)
  t.is(dropped.UnknownPartyError, 2)
  t.is(dropped.MalformedUnitError, 1)
  t.true((dropped.ReplayedUnitError ?? 0) >= 3, `replays: ${JSON.stringify(dropped)}`)
  const rejected = r.log
    .filter((l) => l.party === 1 && l.event.type === 'rejected')
    .map((l) => (l.event as { error: string }).error)
  t.true(
    rejected.includes('UnitSignatureInvalidError') &&
      rejected.includes('OutOfContractError') &&
      rejected.includes('ReplayedUnitError'),
  )
  for (const o of r.outcomes) t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
})
