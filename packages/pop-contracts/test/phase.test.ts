import test from 'ava'
import fc from 'fast-check'
import { makeContract } from '../src/contract.js'
import { ChannelClosedError, PhaseNotOpenError } from '../src/errors.js'
import { PhaseMachine } from '../src/phase.js'
import { exampleContract, sixParties, testIdentity } from './helpers.js'

const keys = Array.from({ length: 5 }, (_v, i) => testIdentity(i).publicKey)

/** Random valid contracts over 2..5 parties. */
const contractArb = fc.integer({ min: 2, max: 5 }).chain((n) =>
  fc
    .array(
      fc.array(
        fc
          .tuple(fc.nat(n - 1), fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: n }), fc.nat(10))
          .filter(([actor, rs]) => !rs.includes(actor)),
        { minLength: 1, maxLength: 3 },
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((phases) =>
      makeContract({
        nonce: new Uint8Array(16),
        parties: keys.slice(0, n),
        phases: phases.map((jobs) => ({
          jobs: jobs.map(([actor, rs, hours]) => ({ actor, for: rs, hours, action: 'a', deadlineMs: 100 })),
        })),
      }),
    ),
)

test('property: no channel closes before its phase opens, none closes twice, phases open in order', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(
        contractArb,
        fc.array(fc.tuple(fc.nat(1000), fc.boolean()), { maxLength: 60 }),
        fc.boolean(),
        (contract, ops, openFirst) => {
          const m = new PhaseMachine(contract)
          const closed = new Set<number>()
          const complete = (p: number) =>
            contract.channels.filter((c) => c.phase === p).every((c) => closed.has(c.index))
          const modelCurrent = () => {
            let p = 0
            while (p < contract.phases.length && complete(p)) p++
            return p
          }
          if (openFirst) t.deepEqual(m.open(), [0])
          for (const [pick, reopen] of ops) {
            if (reopen && !m.isOpen) m.open()
            const ch = contract.channels[pick % contract.channels.length]
            if (ch === undefined) return false
            const expectOpen = m.isOpen && ch.phase <= modelCurrent()
            try {
              const opened = m.close(ch.phase, ch.job, ch.recipient)
              if (!expectOpen || closed.has(ch.index)) return false
              const before = modelCurrent()
              closed.add(ch.index)
              const after = modelCurrent()
              const expected = []
              for (let q = before + 1; q <= Math.min(after, contract.phases.length - 1); q++) expected.push(q)
              if (JSON.stringify(opened) !== JSON.stringify(expected)) return false
            } catch (e) {
              if (closed.has(ch.index) && expectOpen) {
                if (!(e instanceof ChannelClosedError)) return false
              } else if (!expectOpen) {
                if (!(e instanceof PhaseNotOpenError)) return false
              } else return false
            }
            if (m.isOpen && m.currentPhase !== modelCurrent()) return false
            for (const c of contract.channels) {
              const s = m.channelState(c.index)
              const want = closed.has(c.index) ? 'closed' : m.isPhaseOpen(c.phase) ? 'open' : 'unopened'
              if (s !== want) return false
            }
          }
          return m.done === (m.isOpen && closed.size === contract.channels.length)
        },
      ),
      { numRuns: 300 },
    ),
  )
})

test('property: hours equal the sum over jobs whose every channel closed, minus contradicted ones', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(contractArb, fc.array(fc.nat(1000), { maxLength: 40 }), fc.nat(20), (contract, picks, contra) => {
        const m = new PhaseMachine(contract)
        m.open()
        for (const pick of picks) {
          const ch = contract.channels[pick % contract.channels.length]
          if (ch !== undefined && m.channelState(ch.index) === 'open') m.close(ch.phase, ch.job, ch.recipient)
        }
        const cp = contra % contract.phases.length
        m.contradict(cp, 0)
        const want = contract.parties.map(() => 0)
        contract.phases.forEach((ph, p) => {
          ph.jobs.forEach((j, k) => {
            const all = contract.channels
              .filter((c) => c.phase === p && c.job === k)
              .every((c) => m.channelState(c.index) === 'closed')
            if (all && !(p === cp && k === 0)) want[j.actor] = (want[j.actor] ?? 0) + j.hours
          })
        })
        return JSON.stringify(m.hours()) === JSON.stringify(want)
      }),
    ),
  )
})

test('the paper example: waiting/executed per phase and party, voiding a faulty party lets the contract finish', (t) => {
  const m = new PhaseMachine(exampleContract(sixParties()))
  t.throws(() => m.close(0, 0, 1), { instanceOf: PhaseNotOpenError })
  t.deepEqual(m.open(), [0])
  t.is(m.partyState(0, 0), 'waiting')
  t.throws(() => m.close(1, 0, 2), { instanceOf: PhaseNotOpenError })
  t.deepEqual(m.close(0, 0, 1), [])
  t.is(m.partyState(0, 0), 'waiting', 'party 1 has closed only one of two channels')
  t.deepEqual(m.close(0, 0, 3), [1])
  t.is(m.partyState(0, 0), 'executed')
  t.throws(() => m.close(0, 0, 3), { instanceOf: ChannelClosedError })
  m.close(1, 0, 2)
  m.close(1, 0, 4)
  t.deepEqual(m.close(1, 1, 4), [2])
  m.close(2, 1, 5)
  t.false(m.done)
  t.deepEqual(m.voidParty(2), [])
  t.true(m.done)
  t.is(m.partyState(2, 2), 'waiting')
  t.deepEqual(m.hours(), [8, 5, 0, 3, 6, 0])
})

test('voidChannel lets a phase complete without a convicted party; revive credits a late receipt', (t) => {
  const m = new PhaseMachine(exampleContract(sixParties()))
  m.open()
  m.close(0, 0, 1)
  const c = m.channel(0, 0, 3)
  if (c === undefined) return t.fail('no channel')
  t.deepEqual(m.voidChannel(c.index), [1])
  t.is(m.channelState(c.index), 'void')
  t.false(m.jobExecuted(0, 0))
  t.throws(() => m.voidChannel(c.index), { instanceOf: ChannelClosedError })
  m.revive(c.index)
  t.is(m.channelState(c.index), 'closed')
  t.true(m.jobExecuted(0, 0))
  t.is(m.currentPhase, 1)
  t.throws(() => m.revive(c.index), { instanceOf: ChannelClosedError })
})
