// Receipts survive churn: nodes join through the protocol with refresh and republish
// timers on; every virtual hour 15% of the initial network leaves for good and as many new
// nodes join; after five hours (75% of the original nodes gone) every receipt is still
// readable at its latest version. The control run, identical but without republishing,
// loses receipts, which shows the test can fail.
import { ed25519 } from '@noble/curves/ed25519.js'
import test from 'ava'
import { equalBytes } from '../src/bytes.js'
import { seededRandom } from '../src/random.js'
import type { Receipt } from '../src/receipt.js'
import { ReceiptChain } from '../src/receipt.js'
import { readLatest, storeReceipt } from '../src/receipts.js'
import { SimWorld } from '../src/sim/world.js'

async function churn(republish: boolean): Promise<{ ok: number; stored: number; departed: number }> {
  const total = 200
  const initial = 60
  const hour = 3_600_000
  const world = new SimWorld({
    nodes: total,
    seed: 31,
    lazy: false,
    node: {
      k: 8,
      m: 4,
      maintenance: true,
      refreshIntervalMs: hour,
      republishIntervalMs: republish ? hour : 1e15,
      requestTimeoutMs: 1000,
    },
  })
  await world.join(0, initial)
  const sk = ed25519.utils.randomSecretKey(seededRandom(6).bytes(32))
  const enc = new TextEncoder()
  const latest: Receipt[] = []
  for (let j = 0; j < 12; j++) {
    const chain = new ReceiptChain(sk, enc.encode(`churn-${j}`))
    chain.next(enc.encode('v0'), 0n)
    const r = chain.next(enc.encode('v1'), 1n)
    const writer = world.nodes.get(world.random.int(initial))
    if (writer === undefined) throw new Error('writer missing')
    await world.clock.run(storeReceipt(writer, r))
    latest.push(r)
  }
  const live = new Set(Array.from({ length: initial }, (_, i) => i))
  let next = initial
  let departed = 0
  for (let h = 0; h < 5; h++) {
    // 10% leave for good (their stored receipts leave with them)
    for (let n = 0; n < Math.round((initial * 15) / 100); n++) {
      const gone = [...live][world.random.int(live.size)] as number
      live.delete(gone)
      world.nodes.get(gone)?.close()
      world.network.setOnline(SimWorld.address(gone), false)
      departed++
    }
    // as many join
    for (let n = 0; n < Math.round((initial * 15) / 100) && next < total; n++) {
      const via = [...live][world.random.int(live.size)] as number
      const node = world.createNode(next, false)
      await world.clock.run(node.bootstrap([SimWorld.address(via)]))
      live.add(next++)
    }
    await world.clock.advance(hour)
  }
  let ok = 0
  for (const r of latest) {
    const reader = world.nodes.get([...live][world.random.int(live.size)] as number)
    if (reader === undefined) continue
    try {
      const got = await world.clock.run(readLatest(reader, r.updater, r.key))
      if (equalBytes(got.receipt.hash, r.hash)) ok++
    } catch {
      // counted as lost
    }
  }
  for (const n of world.nodes.values()) n.close()
  return { ok, stored: latest.length, departed }
}

test.serial('receipts survive five hours of 15%-per-hour churn through republishing', async (t) => {
  t.timeout(170_000)
  const r = await churn(true)
  t.is(r.departed, 45)
  t.is(r.ok, r.stored, `${r.stored - r.ok} receipts lost`)
})

test.serial('control: without republishing the same churn loses receipts', async (t) => {
  t.timeout(170_000)
  const r = await churn(false)
  t.true(r.ok < r.stored, `only ${r.stored - r.ok} lost`)
})
