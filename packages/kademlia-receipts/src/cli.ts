#!/usr/bin/env node
// kad-sim: runs the deterministic simulation and prints one JSON report.
//   kad-sim --nodes 100000 --adversaries 0.2 --disjoint 4 --m 5 --seed 1
import { parseArgs } from 'node:util'
import { KademliaError } from './errors.js'
import { runSimulation } from './sim/experiment.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    adversaries: { type: 'string', default: '0.2' },
    disjoint: { type: 'string', default: '4' },
    m: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    lookups: { type: 'string', default: '200' },
    receipts: { type: 'string', default: '100' },
    behaviour: { type: 'string', default: 'misroute' },
    c1: { type: 'string', default: '2' },
    c2: { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  console.log(
    'kad-sim --nodes N --adversaries F --disjoint D --m M --seed S [--lookups L] [--receipts R] [--behaviour misroute|drop|stale] [--c1 B] [--c2 B]',
  )
  process.exit(0)
}

const num = (name: string, v: string): number => {
  const n = Number(v)
  if (!Number.isFinite(n)) {
    console.error(`kad-sim: --${name} must be a number, got ${JSON.stringify(v)}`)
    process.exit(2)
  }
  return n
}
const behaviour = values.behaviour
if (behaviour !== 'misroute' && behaviour !== 'drop' && behaviour !== 'stale') {
  console.error(`kad-sim: --behaviour must be misroute, drop or stale, got ${JSON.stringify(behaviour)}`)
  process.exit(2)
}

try {
  const report = await runSimulation({
    nodes: num('nodes', values.nodes),
    adversaries: num('adversaries', values.adversaries),
    disjoint: num('disjoint', values.disjoint),
    m: num('m', values.m),
    seed: num('seed', values.seed),
    lookups: num('lookups', values.lookups),
    receipts: num('receipts', values.receipts),
    behaviour,
    c1: num('c1', values.c1),
    c2: num('c2', values.c2),
  })
  console.log(JSON.stringify(report))
} catch (e) {
  if (e instanceof KademliaError) {
    console.error(`kad-sim: ${e.name}: ${e.shortMessage}`)
    process.exit(2)
  }
  throw e
}
