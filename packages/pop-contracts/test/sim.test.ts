// The engine on the deterministic simulator: the paper's example under a Byzantine channel.
import test from 'ava'
import fc from 'fast-check'
import { StatusTimeoutError } from '../src/errors.js'
import { PAPER_EXAMPLE_EXPECTED_HOURS } from '../src/example.js'
import type { PopNode } from '../src/node.js'
import { simulate } from '../src/sim.js'
import { checkViolation } from '../src/statements.js'
import { exampleContract, sixParties } from './helpers.js'

const ids = sixParties()
const contract = exampleContract(ids)
const typesOf = (log: readonly { party: number; event: { type: string } }[], party: number) =>
  log.filter((l) => l.party === party).map((l) => l.event)

test.serial('clean run: every party closes with the same, correct hours; no job before its phase opens', async (t) => {
  const r = await simulate({ contract, identities: ids, seed: 1 })
  for (const o of r.outcomes) {
    t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
    t.deepEqual(o?.faulty, [])
    t.deepEqual(o?.disagreeing, [])
    t.is(o?.receipts.length, 7)
  }
  for (let p = 0; p < 6; p++) {
    const events = typesOf(r.log, p)
    const opened = new Set<number>()
    const closedChannels = new Set<string>()
    for (const e of events) {
      if (e.type === 'phase-open') opened.add((e as unknown as { phase: number }).phase)
      if (e.type === 'job-sent')
        t.true(opened.has((e as unknown as { phase: number }).phase), `party ${p} acted before its phase opened`)
      if (e.type === 'channel-closed') {
        const c = e as unknown as { phase: number; job: number; recipient: number }
        t.true(opened.has(c.phase))
        const key = `${c.phase}/${c.job}/${c.recipient}`
        t.false(closedChannels.has(key), 'a channel closed twice')
        closedChannels.add(key)
      }
    }
    t.is(closedChannels.size, 7)
    t.deepEqual([...opened], [0, 1, 2])
  }
})

test.serial('the same seed replays bit for bit; another seed gives another trace', async (t) => {
  const faults = { loss: 0.1, reorder: 0.3, reorderMs: 25, duplicate: 0.05 }
  const a = await simulate({ contract, identities: ids, seed: 7, faults })
  const b = await simulate({ contract, identities: ids, seed: 7, faults })
  const c = await simulate({ contract, identities: ids, seed: 8, faults })
  t.is(a.traceHash, b.traceHash)
  t.is(a.log.length, b.log.length)
  t.not(a.traceHash, c.traceHash)
})

for (const seed of [11, 12, 13]) {
  test.serial(
    `loss 10%, duplication 5%, reordering 30%, tampering 2% (seed ${seed}): contract completes, hours correct`,
    async (t) => {
      const r = await simulate({
        contract,
        identities: ids,
        seed,
        faults: { loss: 0.1, duplicate: 0.05, reorder: 0.3, reorderMs: 30, tamper: 0.02 },
      })
      t.true(r.network.lost > 0)
      for (const o of r.outcomes) t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
      const retransmitted = r.log.filter((l) => l.event.type === 'retransmitted').length
      t.true(retransmitted > 0, 'loss was repaired by retransmission')
      const dropped = r.nodes.reduce((sum, n) => sum + Object.values(n.stats.dropped).reduce((a, b) => a + b, 0), 0)
      t.true(dropped > 0, 'duplicates and tampered datagrams were dropped and counted')
    },
  )
}

test.serial(
  'a party sending contradictory messages is convicted through the Byzantine channel and earns nothing for that job',
  async (t) => {
    const r = await simulate({
      contract,
      identities: ids,
      seed: 3,
      misbehave: { 0: { equivocate: [{ phase: 0, job: 0 }] } },
    })
    for (const o of r.outcomes) {
      t.deepEqual(o?.faulty, [0])
      t.deepEqual(o?.hours, [0, 5, 4, 3, 6, 0])
    }
    const accusations = r.log.filter((l) => l.event.type === 'accusation')
    t.true(accusations.length >= 5)
    t.true(
      accusations.every(
        (a) => (a.event as { kind: string }).kind === 'violation' && (a.event as { subject: number }).subject === 0,
      ),
    )
    const votes = r.log.filter((l) => l.event.type === 'vote' && (l.event as { guilty: boolean }).guilty)
    t.true(votes.length >= 4)
    const evidence = r.outcomes[3]?.violations[0]
    if (evidence === undefined) return t.fail('no evidence kept')
    t.notThrows(() => checkViolation(contract, evidence))
  },
)

test.serial('a silent party triggers retransmission requests, then a recovery request, then conviction', async (t) => {
  const r = await simulate({
    contract,
    identities: ids,
    seed: 4,
    misbehave: { 2: { silentJobs: [{ phase: 2, job: 0 }] } },
  })
  for (const o of r.outcomes) {
    t.deepEqual(o?.faulty, [2])
    t.deepEqual(o?.hours, [8, 5, 0, 3, 6, 0])
  }
  // At the recipient (party 6 = index 5): retransmission to 2, then recovery, then accusation.
  const at5 = r.log.filter((l) => l.party === 5)
  const firstRetransmit = at5.findIndex(
    (l) => l.event.type === 'retransmit-request' && (l.event as { to: number }).to === 2,
  )
  const recovery = at5.findIndex(
    (l) => l.event.type === 'recovery-request' && (l.event as { subject: number }).subject === 2,
  )
  const accusation = at5.findIndex(
    (l) => l.event.type === 'accusation' && (l.event as { subject: number }).subject === 2,
  )
  const faulty = at5.findIndex((l) => l.event.type === 'faulty')
  t.true(
    firstRetransmit >= 0 && firstRetransmit < recovery && recovery < accusation && accusation < faulty,
    JSON.stringify({ firstRetransmit, recovery, accusation, faulty }),
  )
  const retransmits = at5.filter(
    (l, i) => i < recovery && l.event.type === 'retransmit-request' && (l.event as { to: number }).to === 2,
  )
  t.true(retransmits.length >= 3)
})

test.serial('recovery: a job lost on one link is recovered from another recipient, nobody is convicted', async (t) => {
  // Drop every Job header from party index 1 to index 2 (header byte 3 = 1, type at byte 105 = 2).
  const r = await simulate({
    contract,
    identities: ids,
    seed: 5,
    faults: { drop: (from, to, b) => from === 'sim:1' && to === 'sim:2' && b[3] === 1 && b[105] === 2 },
  })
  for (const o of r.outcomes) {
    t.deepEqual(o?.faulty, [])
    t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
  }
  const at2 = r.log.filter((l) => l.party === 2)
  t.true(at2.some((l) => l.event.type === 'recovery-request'))
  t.true(at2.some((l) => l.event.type === 'channel-closed' && (l.event as { via: string }).via === 'recovery'))
  t.true(r.log.some((l) => l.party === 4 && l.event.type === 'recovery-response'))
})

test.serial(
  'defence: an actor accused of silence it did not commit hands the job to everyone and is not convicted',
  async (t) => {
    // Party index 2's only job goes to index 5; drop it on that link, so only the defence can deliver it.
    const r = await simulate({
      contract,
      identities: ids,
      seed: 6,
      faults: {
        drop: (from, to, b) => from === 'sim:2' && to === 'sim:5' && b[3] === 1 && (b[105] === 2 || b[105] === 5),
      },
    })
    t.true(r.log.some((l) => l.event.type === 'accusation'))
    for (const o of r.outcomes) {
      t.deepEqual(o?.faulty, [])
      t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
    }
    t.true(
      r.log.some(
        (l) => l.party === 5 && l.event.type === 'channel-closed' && (l.event as { via: string }).via === 'recovery',
      ),
    )
  },
)

test.serial(
  'property: under random faults no party acts before its phase opens, no channel closes twice, all agree on hours',
  async (t) => {
    await t.notThrowsAsync(() =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.double({ min: 0, max: 0.25, noNaN: true }),
          fc.double({ min: 0, max: 0.5, noNaN: true }),
          fc.double({ min: 0, max: 0.1, noNaN: true }),
          async (seed, loss, reorder, duplicate) => {
            const r = await simulate({
              contract,
              identities: ids,
              seed,
              faults: { loss, reorder, reorderMs: 40, duplicate },
            })
            for (let p = 0; p < 6; p++) {
              const opened = new Set<number>()
              const closed = new Set<string>()
              for (const e of typesOf(r.log, p) as unknown as {
                type: string
                phase: number
                job: number
                recipient: number
              }[]) {
                if (e.type === 'phase-open') opened.add(e.phase)
                if (e.type === 'job-sent' && !opened.has(e.phase)) return false
                if (e.type === 'channel-closed') {
                  const key = `${e.phase}/${e.job}/${e.recipient}`
                  if (!opened.has(e.phase) || closed.has(key)) return false
                  closed.add(key)
                }
              }
            }
            return r.outcomes.every((o) => JSON.stringify(o?.hours) === JSON.stringify(PAPER_EXAMPLE_EXPECTED_HOURS))
          },
        ),
        { numRuns: 4 },
      ),
    )
  },
)

test.serial(
  'a Close announcing inflated hours is reported as disagreeing; hours stay those of the evidence',
  async (t) => {
    const r = await simulate({ contract, identities: ids, seed: 9, misbehave: { 3: { inflateHours: true } } })
    r.outcomes.forEach((o, i) => {
      t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
      t.deepEqual(o?.disagreeing, i === 3 ? [] : [3])
    })
  },
)

test.serial('a recipient that falsely accuses an honest actor of silence fails: the defence answers it', async (t) => {
  const r = await simulate({
    contract,
    identities: ids,
    seed: 10,
    misbehave: { 5: { falselyAccuse: [{ phase: 2, job: 0 }] } },
  })
  t.true(r.log.some((l) => l.event.type === 'accusation' && (l.event as { subject: number }).subject === 2))
  t.false(r.log.some((l) => l.event.type === 'faulty'))
  // The defence handed the job to everyone (the accuser's channel closed by recovery), so every
  // vote is "not guilty" and the actor is acquitted before the contract closes.
  t.true(
    r.log.some(
      (l) => l.party === 5 && l.event.type === 'channel-closed' && (l.event as { via: string }).via === 'recovery',
    ),
  )
  t.false(r.log.some((l) => l.event.type === 'vote' && (l.event as { guilty: boolean }).guilty))
  t.true(r.log.some((l) => l.event.type === 'acquitted' && (l.event as { party: number }).party === 2))
  for (const o of r.outcomes) t.deepEqual(o?.hours, PAPER_EXAMPLE_EXPECTED_HOURS)
})

test.serial('a recipient that withholds its receipt is handed the job by every party, then convicted', async (t) => {
  const r = await simulate({
    contract,
    identities: ids,
    seed: 12,
    misbehave: { 4: { withholdReceipts: [{ phase: 1, job: 0 }] } },
  })
  const at1 = r.log.filter((l) => l.party === 1)
  const recovery = at1.findIndex((l) => l.event.type === 'recovery-request' && (l.event as { item: number }).item === 1)
  const accusation = at1.findIndex(
    (l) => l.event.type === 'accusation' && (l.event as { subject: number }).subject === 4,
  )
  t.true(recovery >= 0 && recovery < accusation, JSON.stringify({ recovery, accusation }))
  for (const [i, o] of r.outcomes.entries()) {
    if (i === 4) continue
    t.deepEqual(o?.faulty, [4])
    // Job (1,0) never got party 4's receipt, so it earns nothing; party 4's own later job was
    // executed and still earns its hours (conviction voids only overdue channels).
    t.deepEqual(o?.hours, [8, 0, 4, 3, 6, 0])
  }
})

test.serial('an actor that never sent cannot convict the recipient it accuses of withholding', async (t) => {
  // Party 2 (index 2) is silent on its job to index 5 and, as actor, also accuses 5 of
  // withholding the receipt; having no data to show, it convinces nobody.
  const r = await simulate({
    contract,
    identities: ids,
    seed: 13,
    misbehave: { 2: { silentJobs: [{ phase: 2, job: 0 }] } },
  })
  t.true(r.log.some((l) => l.event.type === 'accusation' && (l.event as { subject: number }).subject === 5))
  for (const [i, o] of r.outcomes.entries()) {
    if (i === 2) continue
    t.deepEqual(o?.faulty, [2])
  }
})

test.serial(
  'status query: one unicast request answered with the channel state; repeated under loss; typed timeout',
  async (t) => {
    let answered: Awaited<ReturnType<PopNode['queryStatus']>> | undefined
    let failure: unknown
    await simulate({
      contract,
      identities: ids,
      seed: 14,
      faults: {
        loss: 0.3,
        // Party 3 never hears status requests, so a query to it must time out.
        drop: (_from, to, b) => to === 'sim:3' && b[3] === 1 && b[105] === 17,
      },
      setup: ({ clock, nodes }) => {
        clock.setTimeout(() => {
          nodes[0]?.queryStatus(5).then((s) => {
            answered = s
          })
          nodes[0]?.queryStatus(3, { timeoutMs: 1500 }).catch((e: unknown) => {
            failure = e
          })
        }, 1000)
      },
    })
    t.is(answered?.party, 5)
    t.deepEqual(answered?.faulty, [])
    t.true((answered?.closed ?? [-1]).every((c) => c >= 0 && c < contract.channels.length))
    t.true(failure instanceof StatusTimeoutError)
  },
)
