// The kad-sim experiment: hops per lookup against log2(N), lookup success under colluding
// adversaries for d = 1 and d = D disjoint paths, receipt loss against m next to 0.2^m.
import { ed25519 } from '@noble/curves/ed25519.js'
import { equalBytes } from '../bytes.js'
import { InvalidParameterError } from '../errors.js'
import { ReceiptChain } from '../receipt.js'
import { readLatest, storeReceipt, verifyStorage } from '../receipts.js'
import type { AdversaryBehaviour } from './adversary.js'
import { bruteForceClosest } from './id-index.js'
import { mean, percentile } from './stats.js'
import { SimWorld } from './world.js'

export interface SimulationOptions {
  readonly nodes: number
  readonly adversaries: number
  readonly disjoint: number
  readonly m: number
  readonly seed: number
  /** Lookups per measurement (hops, and each success rate). */
  readonly lookups?: number
  /** Receipts stored and read per value of m. */
  readonly receipts?: number
  readonly behaviour?: AdversaryBehaviour
  readonly k?: number
  readonly alpha?: number
  readonly c1?: number
  readonly c2?: number
  /** Lookups run concurrently on the virtual clock. */
  readonly concurrency?: number
  /** Lookups whose results are compared with a brute-force closest-k (costly at 100k). */
  readonly bruteForceChecks?: number
}

export interface SimulationReport {
  readonly nodes: number
  readonly adversaries: number
  readonly adversaryBehaviour: AdversaryBehaviour
  readonly seed: number
  readonly k: number
  readonly alpha: number
  readonly puzzle: { readonly c1: number; readonly c2: number }
  readonly log2N: number
  readonly hops: { readonly lookups: number; readonly median: number; readonly p99: number; readonly mean: number }
  readonly bruteForce: { readonly checked: number; readonly exact: number }
  readonly lookupSuccess: ReadonlyArray<{
    readonly d: number
    readonly lookups: number
    readonly success: number
    readonly rate: number
  }>
  readonly receipts: ReadonlyArray<{
    readonly m: number
    readonly stored: number
    readonly lost: number
    readonly lossRate: number
    /** Lost although one of the true m closest nodes (brute force) was honest: a lookup failure, not the 0.2^m event. */
    readonly lostDespiteHonestHolder: number
    readonly estimate: number
    readonly meanHoldersOfAlphaM: number
  }>
  readonly messages: number
  readonly nodesMaterialized: number
  readonly virtualTimeMs: number
  readonly wallTimeMs: number
}

async function inBatches<T>(world: SimWorld, n: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += size) {
    const batch: Promise<T>[] = []
    for (let j = i; j < Math.min(n, i + size); j++) batch.push(make(j))
    out.push(...(await world.clock.run(Promise.all(batch))))
  }
  return out
}

export async function runSimulation(o: SimulationOptions): Promise<SimulationReport> {
  const started = performance.now()
  if (!Number.isInteger(o.nodes) || o.nodes < 2) throw new InvalidParameterError('nodes', o.nodes, 'an integer >= 2')
  if (!(o.adversaries >= 0 && o.adversaries < 1))
    throw new InvalidParameterError('adversaries', o.adversaries, 'a fraction in [0, 1)')
  const k = o.k ?? 20
  const alpha = o.alpha ?? 3
  const lookups = o.lookups ?? 200
  const receipts = o.receipts ?? 100
  const conc = o.concurrency ?? 50
  const behaviour = o.behaviour ?? 'misroute'
  const puzzle = { c1: o.c1 ?? 2, c2: o.c2 ?? 2 }
  const world = new SimWorld({
    nodes: o.nodes,
    seed: o.seed,
    adversaries: o.adversaries,
    behaviour,
    puzzle,
    node: { k, alpha, m: Math.min(o.m, k), requestTimeoutMs: 1000 },
  })

  // 1. the plain network: hops and exactness against brute force
  const hopList: number[] = []
  const bfChecks = Math.min(o.bruteForceChecks ?? 20, lookups)
  let exact = 0
  const ids = world.identities.map((x) => x.id)
  await inBatches(world, lookups, conc, async (j) => {
    const from = world.random.int(o.nodes)
    const target = world.random.bytes(32)
    const res = await world.createNode(from, true).lookup(target, { paths: 1 })
    hopList.push(res.hops)
    if (j < bfChecks) {
      const want = bruteForceClosest(ids, target, k + 1)
        .filter((i) => i !== from)
        .slice(0, k)
      if (
        want.length === res.closest.length &&
        want.every((i, n) => equalBytes(ids[i] as Uint8Array, (res.closest[n] as { id: Uint8Array }).id))
      )
        exact++
    }
  })

  // 2. colluding adversaries on: lookup success for d = 1 and d = D
  world.activateAdversaries()
  const lookupSuccess: { d: number; lookups: number; success: number; rate: number }[] = []
  for (const d of [...new Set([1, o.disjoint])]) {
    let success = 0
    await inBatches(world, lookups, conc, async () => {
      const from = world.randomHonest()
      let target = world.randomHonest()
      while (target === from) target = world.randomHonest()
      const res = await world.createNode(from, true).lookup(world.identities[target]?.id as Uint8Array, { paths: d })
      if (res.closest.some((c) => c.idHex === world.identities[target]?.idHex)) success++
    })
    lookupSuccess.push({ d, lookups, success, rate: success / lookups })
  }

  // 3. receipts on the m closest with adversaries that swallow them
  const updaterKey = ed25519.utils.randomSecretKey(world.random.bytes(32))
  const receiptRows: SimulationReport['receipts'][number][] = []
  for (let m = 1; m <= Math.min(o.m, k); m++) {
    let lost = 0
    const lostDespiteHonest = 0
    const holders: number[] = []
    await inBatches(world, receipts, conc, async (j) => {
      const chain = new ReceiptChain(updaterKey, new TextEncoder().encode(`m${m}-key${j}`))
      const r = chain.next(new TextEncoder().encode(`value ${j}`), BigInt(Math.floor(world.clock.now())))
      const writerIndex = world.randomHonest()
      const writer = world.createNode(writerIndex, true)
      await storeReceipt(writer, r, { m, paths: o.disjoint })
      const v = await verifyStorage(world.createNode(world.randomHonest(), true), r, { m, paths: o.disjoint })
      holders.push(v.holders.length)
      try {
        const got = await readLatest(world.createNode(world.randomHonest(), true), r.updater, r.key, {
          paths: o.disjoint,
        })
        if (!equalBytes(got.receipt.hash, r.hash)) lost++
      } catch {
        lost++
      }
    })
    receiptRows.push({
      m,
      stored: receipts,
      lost,
      lossRate: lost / receipts,
      lostDespiteHonestHolder: lostDespiteHonest,
      estimate: o.adversaries ** m,
      meanHoldersOfAlphaM: mean(holders),
    })
  }

  return {
    nodes: o.nodes,
    adversaries: o.adversaries,
    adversaryBehaviour: behaviour,
    seed: o.seed,
    k,
    alpha,
    puzzle,
    log2N: Math.log2(o.nodes),
    hops: { lookups, median: percentile(hopList, 50), p99: percentile(hopList, 99), mean: mean(hopList) },
    bruteForce: { checked: bfChecks, exact },
    lookupSuccess,
    receipts: receiptRows,
    messages: world.network.messages,
    nodesMaterialized: world.nodes.size,
    virtualTimeMs: world.clock.now(),
    wallTimeMs: Math.round(performance.now() - started),
  }
}
