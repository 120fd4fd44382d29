// Four real node processes: the chain starts on the development engine and switches to PoET
// at height 4 (an on-chain genesis setting); one node is SIGKILLed for 30 s while the others
// keep committing across the switch, then restarted: it catches up and agrees.
import test from 'ava'
import { JsonRpcProvider, Wallet } from 'ethers'
import { fetchStatus } from '../src/adapters/supervisor.js'
import { type Cluster, startCluster, waitFor } from './cluster.js'

const SWITCH = 4n
const DOWN_MS = Number(process.env.ATMO_TEST_DOWN_MS ?? 30_000)
let cluster: Cluster

test.before(async () => {
  cluster = await startCluster({ nodes: 4, accounts: 400, engine: 'dev', switchAt: SWITCH, switchEngine: 'poet' })
})
test.after.always(async () => {
  await cluster?.close()
})

interface BlockView {
  height: string
  id: string
  engine: string
  consensusBytes: number
  stateRoot: string
}

async function blockAt(statusUrl: string, h: bigint): Promise<BlockView> {
  const res = await fetch(`${statusUrl}/block/${h}`)
  if (!res.ok) throw new Error(`no block ${h}`)
  return (await res.json()) as BlockView
}

test('consensus switches from dev to PoET at the configured height; a SIGKILLed node catches up', async (t) => {
  const wallets = cluster.devnet.accounts.map((a) => new Wallet(a.secretKey))
  let next = 0
  const send = async (nodes: number[]) => {
    const i = next++
    const node = nodes[Math.floor(Math.random() * nodes.length)]!
    const p = new JsonRpcProvider(cluster.runs[node]!.rpcUrl, 31337, { staticNetwork: true })
    const raw = await wallets[i]!.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce: 0,
      to: `0x${(0xcafe0000 + i).toString(16).padStart(40, '0')}`,
      value: 1n,
      gasLimit: 21000n,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    })
    return (await p.broadcastTransaction(raw)).hash
  }
  const height = async (i: number) => BigInt((await cluster.status(i)).height)

  // Phase 1: dev blocks below the switch height.
  while ((await height(0)) < SWITCH - 2n) {
    await send([0, 1, 2, 3])
    await new Promise((r) => setTimeout(r, 300))
  }
  const killedAt = await height(3)
  t.is(await cluster.stop(3, 'SIGKILL'), 'SIGKILL')

  // Phase 2: the other three keep going across the switch while node 3 is down.
  const downUntil = Date.now() + DOWN_MS
  const sent: string[] = []
  while (Date.now() < downUntil || (await height(0)) < SWITCH + 4n) {
    sent.push(await send([0, 1, 2]))
    await new Promise((r) => setTimeout(r, 250))
  }
  const live = await waitFor('nodes 0-2 agree', 60_000, async () => {
    const s = await Promise.all([0, 1, 2].map((i) => cluster.status(i)))
    return s.every((x) => x.head === s[0]!.head && x.pool === 0) ? s[0] : undefined
  })
  t.true(BigInt(live!.height) >= SWITCH + 4n)
  t.true(BigInt(live!.height) > killedAt + 4n, 'the chain moved on while node 3 was down')

  // Phase 3: restart node 3 from its data directory; it catches up and agrees.
  const run = await cluster.restart(3)
  const caughtUp = await waitFor('node 3 caught up', 120_000, async () => {
    const [a, b] = await Promise.all([cluster.status(0), fetchStatus(run.statusUrl)])
    return a.head === b.head && BigInt(b.height) >= BigInt(live!.height) ? b : undefined
  })
  const ref = await cluster.status(0)
  t.is(caughtUp.stateRoot, ref.stateRoot)

  // Every node, node 3 included, has dev blocks below the switch and PoET certificates from it on.
  const top = BigInt(caughtUp.height)
  for (const r of cluster.runs) {
    for (let h = 1n; h <= top; h++) {
      const b = await blockAt(r.statusUrl, h)
      if (h < SWITCH) {
        t.is(b.engine, 'dev', `height ${h} on ${r.name}`)
        t.is(b.consensusBytes, 0)
      } else {
        t.is(b.engine, 'poet', `height ${h} on ${r.name}`)
        t.true(b.consensusBytes > 0, `PoET certificate at height ${h} on ${r.name}`)
      }
    }
  }
  // Transactions sent while node 3 was down are visible through node 3.
  const p3 = new JsonRpcProvider(run.rpcUrl, 31337, { staticNetwork: true })
  for (const h of [sent[0]!, sent[sent.length - 1]!]) {
    const receipt = await waitFor(
      'receipt on node 3',
      30_000,
      async () => (await p3.getTransactionReceipt(h)) ?? undefined,
    )
    t.is(receipt.status, 1)
  }
})
