// Four real node processes on loopback: N transfers (1,000 by default, ATMO_TEST_TXS to
// change) signed with ethers and sent with eth_sendRawTransaction to random nodes; all
// must be mined, and every node must reach the same head and state root.
import test from 'ava'
import { JsonRpcProvider, Wallet } from 'ethers'
import { type Cluster, rpcBatch, startCluster, waitFor } from './cluster.js'

const N = Number(process.env.ATMO_TEST_TXS ?? 1000)
let cluster: Cluster

test.before(async () => {
  cluster = await startCluster({ nodes: 4, accounts: N })
})
test.after.always(async () => {
  await cluster?.close()
})

test(`${N} transfers to random nodes are all mined and every node agrees`, async (t) => {
  const providers = cluster.runs.map((r) => new JsonRpcProvider(r.rpcUrl, 31337, { staticNetwork: true }))
  const recipient = (i: number) => `0x${(0xbeef0000 + i).toString(16).padStart(40, '0')}`
  const raws = await Promise.all(
    cluster.devnet.accounts.map((a, i) =>
      new Wallet(a.secretKey).signTransaction({
        type: 2,
        chainId: 31337n,
        nonce: 0,
        to: recipient(i),
        value: 1000n + BigInt(i),
        gasLimit: 21000n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
      }),
    ),
  )
  const sentTo = new Map<string, number>()
  const hashes: string[] = []
  const started = Date.now()
  for (let off = 0; off < raws.length; off += 50) {
    const chunk = raws.slice(off, off + 50)
    const sent = await Promise.all(
      chunk.map(async (raw) => {
        const node = Math.floor(Math.random() * providers.length)
        const res = await providers[node]!.broadcastTransaction(raw)
        return [res.hash, node] as const
      }),
    )
    for (const [h, node] of sent) {
      hashes.push(h)
      sentTo.set(h, node)
    }
  }
  t.is(hashes.length, N)
  t.true(new Set(sentTo.values()).size > 1, 'transactions went to more than one node')

  // Every node has a receipt with status 1 for every transaction.
  for (const run of cluster.runs) {
    await waitFor(`all receipts on ${run.name}`, 240_000, async () => {
      let missing = 0
      for (let off = 0; off < hashes.length; off += 250) {
        const res = await rpcBatch(
          run.rpcUrl,
          hashes.slice(off, off + 250).map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
        )
        for (const r of res) {
          const receipt = r.result as { status?: string } | null
          if (receipt === null || receipt === undefined) missing++
          else if (receipt.status !== '0x1') throw new Error(`failed receipt ${JSON.stringify(receipt)}`)
        }
      }
      return missing === 0 ? true : undefined
    })
  }
  const seconds = (Date.now() - started) / 1000
  t.log(`${N} transactions mined on all 4 nodes in ${seconds.toFixed(1)} s`)

  // Same head and state root everywhere, once the chain is quiet.
  const agreed = await waitFor('same head on all nodes', 60_000, async () => {
    const s = await cluster.statuses()
    return s.every((x) => x.head === s[0]!.head && x.pool === 0) ? s : undefined
  })
  t.true(agreed.every((x) => x.stateRoot === agreed[0]!.stateRoot))
  t.true(BigInt(agreed[0]!.height) >= 1n)
  // Balances agree with what was sent, read from a node other than the one each went to.
  const sample = [0, Math.floor(N / 2), N - 1]
  for (const i of sample) {
    const node = ((sentTo.get(hashes[i]!) ?? 0) + 1) % providers.length
    t.is(await providers[node]!.getBalance(recipient(i)), 1000n + BigInt(i))
  }
  // Blocks were published by more than one validator (PoET lotteries, not one leader).
  const blocks = await rpcBatch(
    cluster.runs[0]!.rpcUrl,
    Array.from({ length: Number(agreed[0]!.height) }, (_, h) => ({
      method: 'eth_getBlockByNumber',
      params: [`0x${(h + 1).toString(16)}`, false],
    })),
  )
  const miners = new Set(blocks.map((b) => (b.result as { miner: string }).miner))
  t.log(`${agreed[0]!.height} blocks by ${miners.size} publishers`)
  const txCount = blocks.reduce((n, b) => n + (b.result as { transactions: string[] }).transactions.length, 0)
  t.is(txCount, N)
})
