// Four real node processes partitioned 2|2 (each node refuses connections to the other
// side), both sides taking transactions and publishing PoET blocks; after healing, one chain
// wins on every node and every acknowledged transaction is in it.
import test from 'ava'
import { JsonRpcProvider, Wallet } from 'ethers'
import { type Cluster, rpcBatch, startCluster, waitFor } from './cluster.js'

const PARTITION_MS = Number(process.env.ATMO_TEST_PARTITION_MS ?? 20_000)
let cluster: Cluster

test.before(async () => {
  cluster = await startCluster({ nodes: 4, accounts: 400, admin: true })
})
test.after.always(async () => {
  await cluster?.close()
})

async function partition(i: number, block: string[]): Promise<void> {
  const res = await fetch(`${cluster.runs[i]!.statusUrl}/admin/partition`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ block }),
  })
  if (res.status !== 204) throw new Error(`partition on node ${i}: HTTP ${res.status}`)
}

test('partition 2|2 and heal: one chain wins and holds every acknowledged transaction', async (t) => {
  const wallets = cluster.devnet.accounts.map((a) => new Wallet(a.secretKey))
  let next = 0
  const acknowledged: string[] = []
  const send = async (nodes: number[]) => {
    const i = next++
    const node = nodes[Math.floor(Math.random() * nodes.length)]!
    const raw = await wallets[i]!.signTransaction({
      type: 2,
      chainId: 31337n,
      nonce: 0,
      to: `0x${(0xd00d0000 + i).toString(16).padStart(40, '0')}`,
      value: 7n,
      gasLimit: 21000n,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
    })
    const p = new JsonRpcProvider(cluster.runs[node]!.rpcUrl, 31337, { staticNetwork: true })
    acknowledged.push((await p.broadcastTransaction(raw)).hash)
  }
  for (let k = 0; k < 5; k++) await send([0, 1, 2, 3])
  await waitFor('a first block everywhere', 60_000, async () => {
    const s = await cluster.statuses()
    return s.every((x) => BigInt(x.height) >= 1n && x.head === s[0]!.head) ? true : undefined
  })

  const ids = cluster.runs.map((r) => r.peerId)
  const sideA = [0, 1]
  const sideB = [2, 3]
  await Promise.all([
    ...sideA.map((i) =>
      partition(
        i,
        sideB.map((j) => ids[j]!),
      ),
    ),
    ...sideB.map((i) =>
      partition(
        i,
        sideA.map((j) => ids[j]!),
      ),
    ),
  ])
  const before = await cluster.statuses()
  const until = Date.now() + PARTITION_MS
  while (Date.now() < until) {
    await Promise.all([send(sideA), send(sideB)])
    await new Promise((r) => setTimeout(r, 400))
  }
  const during = await cluster.statuses()
  // Both sides made progress on their own, so the chains diverged.
  t.true(BigInt(during[0]!.height) > BigInt(before[0]!.height), 'side A committed blocks')
  t.true(BigInt(during[2]!.height) > BigInt(before[2]!.height), 'side B committed blocks')
  t.not(during[0]!.head, during[2]!.head)

  await Promise.all([0, 1, 2, 3].map((i) => partition(i, [])))
  const healed = await waitFor('one chain on all nodes', 180_000, async () => {
    const s = await cluster.statuses()
    return s.every((x) => x.head === s[0]!.head && x.pool === 0) ? s : undefined
  })
  t.true(healed.every((x) => x.stateRoot === healed[0]!.stateRoot))
  for (const r of cluster.runs) {
    const receipts = await rpcBatch(
      r.rpcUrl,
      acknowledged.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
    )
    const missing = receipts.filter((x) => (x.result as { status?: string } | null)?.status !== '0x1').length
    t.is(missing, 0, `${missing} acknowledged transactions missing on ${r.name}`)
  }
  t.log(`${acknowledged.length} acknowledged transactions, final height ${healed[0]!.height}`)
})
