// Six `pop-party` processes on UDP loopback behind a fault proxy: the paper's example under
// loss and reordering, a contradictory party, a silent party, and injected bad units.
import test from 'ava'
import { contractFromJson, contractToJson } from '../src/contract.js'
import { PAPER_EXAMPLE_EXPECTED_HOURS } from '../src/example.js'
import type { Identity } from '../src/identity.js'
import { encodePayload, encodeUnit, UnitType } from '../src/wire.js'
import { last, runCluster } from './cluster.js'
import { exampleContract, sixParties, testIdentity } from './helpers.js'

const ids = sixParties()
// Long deadlines where nobody is meant to be silent: a starved process on a loaded machine
// must not be taken for a silent one.
const patient = exampleContract(ids, 30_000)

test.serial(
  'the paper example as six processes over UDP with 10% loss and reordering: completes, hours correct',
  async (t) => {
    const r = await runCluster({
      contract: patient,
      identities: ids,
      faults: { loss: 0.1, reorder: 0.3, reorderMs: 30 },
      seed: 101,
    })
    t.deepEqual(r.exitCodes, [0, 0, 0, 0, 0, 0])
    t.true(r.proxy.stats.lost > 0, 'the proxy really dropped datagrams')
    t.true(r.proxy.stats.reordered > 0)
    for (const log of r.logs) {
      const outcome = last(log, 'outcome')
      t.deepEqual(outcome?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
      t.deepEqual(outcome?.faulty, [])
    }
    const repaired = r.logs.flat().filter((l) => l.type === 'retransmitted').length
    t.true(repaired > 0, 'lost units were retransmitted on request')
  },
)

test.serial(
  'with loss, duplication and tampering, a party sending contradictory messages is convicted over UDP',
  async (t) => {
    const r = await runCluster({
      contract: patient,
      identities: ids,
      misbehave: { 0: { equivocate: [{ phase: 0, job: 0 }] } },
      faults: { loss: 0.05, duplicate: 0.05, tamper: 0.02 },
      seed: 102,
    })
    t.deepEqual(r.exitCodes, [0, 0, 0, 0, 0, 0])
    t.true(r.proxy.stats.duplicated > 0 && r.proxy.stats.tampered > 0, JSON.stringify(r.proxy.stats))
    const rejected = r.logs
      .flat()
      .filter((l) => l.type === 'rejected')
      .map((l) => l.error)
    t.true(rejected.includes('ReplayedUnitError'), 'network duplicates are dropped as replays')
    for (const log of r.logs.slice(1)) {
      t.deepEqual(last(log, 'outcome')?.faulty, [0])
      t.deepEqual(last(log, 'outcome')?.hours, [0, 5, 4, 3, 6, 0])
      t.truthy(log.find((l) => l.type === 'faulty' && l.party === 0))
    }
  },
)

test.serial('a silent party: retransmission requests, then recovery, then conviction, over UDP', async (t) => {
  // Only the silent job has a short deadline; everyone else has time to be slow on a busy machine.
  const json = contractToJson(patient)
  const short = contractFromJson({
    ...json,
    phases: json.phases.map((ph, p) => ({
      jobs: ph.jobs.map((j, k) => (p === 2 && k === 0 ? { ...j, deadlineMs: 2000 } : j)),
    })),
  })
  const r = await runCluster({
    contract: short,
    params: { voteDelayMs: 2000 },
    identities: ids,
    misbehave: { 2: { silentJobs: [{ phase: 2, job: 0 }] } },
    seed: 103,
  })
  t.deepEqual(r.exitCodes, [0, 0, 0, 0, 0, 0])
  const log5 = r.logs[5] ?? []
  const iRetransmit = log5.findIndex((l) => l.type === 'retransmit-request' && l.to === 2)
  const iRecovery = log5.findIndex((l) => l.type === 'recovery-request' && l.subject === 2)
  const iFaulty = log5.findIndex((l) => l.type === 'faulty' && l.party === 2)
  t.true(
    iRetransmit >= 0 && iRetransmit < iRecovery && iRecovery < iFaulty,
    JSON.stringify({ iRetransmit, iRecovery, iFaulty }),
  )
  for (const log of r.logs) t.deepEqual(last(log, 'outcome')?.hours, [8, 5, 0, 3, 6, 0])
})

test.serial(
  'forged, replayed, tampered and out-of-contract datagrams sent to a process are rejected with typed errors',
  async (t) => {
    const p1 = ids[1] as Identity
    const captured: Uint8Array[] = []
    const r = await runCluster({
      contract: patient,
      identities: ids,
      seed: 104,
      onReady: async (proxy) => {
        proxy.onDatagram((to, bytes) => {
          if (to === 1 && captured.length < 40) captured.push(bytes)
        })
        const close = encodePayload('Close', { hoursDigest: new Uint8Array(32) })
        const forged = encodeUnit(
          {
            contract: patient.hash,
            sender: ids[0]!.partyHash,
            receiver: p1.partyHash,
            seq: 900,
            type: UnitType.Close,
            prevCrc: 0,
          },
          close,
          testIdentity(44).secretKey,
        )
        const job = encodePayload('Job', {
          phase: 0,
          job: 0,
          digest: new Uint8Array(32),
          jobSig: new Uint8Array(64),
          data: new Uint8Array(0),
        })
        const outOfContract = encodeUnit(
          {
            contract: patient.hash,
            sender: ids[4]!.partyHash,
            receiver: p1.partyHash,
            seq: 900,
            type: UnitType.Job,
            prevCrc: 0,
          },
          job,
          ids[4]!.secretKey,
        )
        const tampered = encodeUnit(
          {
            contract: patient.hash,
            sender: ids[3]!.partyHash,
            receiver: p1.partyHash,
            seq: 900,
            type: UnitType.Close,
            prevCrc: 0,
          },
          close,
          ids[3]!.secretKey,
        )
        const bad = tampered.payloadDatagram.slice()
        bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x55
        for (const d of [
          forged.header,
          forged.payloadDatagram,
          outOfContract.header,
          outOfContract.payloadDatagram,
          tampered.header,
          bad,
        ])
          await proxy.inject(1, d)
        // Replay what party 1 already received once it has received a few units.
        for (let i = 0; i < 100 && captured.length < 12; i++) await new Promise((res) => setTimeout(res, 50))
        for (const d of captured.slice(0, 12)) await proxy.inject(1, d)
      },
    })
    t.deepEqual(r.exitCodes, [0, 0, 0, 0, 0, 0])
    const errors = (r.logs[1] ?? []).filter((l) => l.type === 'rejected').map((l) => l.error)
    t.true(errors.includes('UnitSignatureInvalidError'), JSON.stringify(errors))
    t.true(errors.includes('OutOfContractError'))
    t.true(errors.includes('PayloadCrcMismatchError'))
    t.true(errors.includes('ReplayedUnitError') || errors.includes('StaleControlError'))
    for (const log of r.logs) t.deepEqual(last(log, 'outcome')?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
  },
)
