// The node's own cost per transfer without HTTP: 16 concurrent senders call
// SethNode.sendRawTransaction directly (LevelDB, fsync on, interval mining 100 ms) until every
// transfer has a receipt. Prints CPU microseconds per transfer for this process (all threads).
// Not part of `pnpm bench` (it has no baseline); `node dist/bench/pipeline.js` after a build.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomSecretKey } from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'
import { HDNodeWallet, Wallet } from 'ethers'
import { createDevChain } from '../src/index.js'

const PER_CLIENT = Number(process.env.BENCH_PER_CLIENT ?? 250)
const MNEMONIC = 'test test test test test test test test test test test junk'
const wallets = Array.from(
  { length: 16 },
  (_, i) => new Wallet(HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey),
)
const txs = await Promise.all(
  wallets.map(async (w) => {
    const out: Uint8Array[] = []
    for (let n = 0; n < PER_CLIENT; n++) {
      const signed = await w.signTransaction({
        type: 2,
        chainId: 31337n,
        nonce: n,
        to: '0x000000000000000000000000000000000000dEaD',
        value: 1n + BigInt(n),
        gasLimit: 21000n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
      })
      out.push(Uint8Array.from(Buffer.from(signed.slice(2), 'hex')))
    }
    return out
  }),
)
const dir = mkdtempSync(join(tmpdir(), 'seth-pipeline-'))
const chain = await createDevChain({
  store: await levelStore(dir),
  secretKey: randomSecretKey(),
  alloc: Object.fromEntries(wallets.map((w) => [w.address, 10n ** 24n])),
  mining: { mode: 'interval', intervalMs: 100 },
})
// SETH_LEAN_DECODE=0 decodes every transaction with ethereumjs (the general path).
if (process.env.SETH_LEAN_DECODE === '0') chain.family.leanDecoding = false
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const hashes = (
  await Promise.all(
    txs.map(async (list) => {
      const out: string[] = []
      for (const raw of list) out.push(await chain.node.sendRawTransaction(raw))
      return out
    }),
  )
).flat()
let waiting = hashes.map((h) => h.slice(2))
while (waiting.length > 0) {
  const left: string[] = []
  for (const h of waiting) if ((await chain.node.transaction(h)) === undefined) left.push(h)
  waiting = left
  if (waiting.length > 0) await new Promise((r) => setTimeout(r, 20))
}
const cpu = process.cpuUsage(cpu0)
const seconds = (performance.now() - t0) / 1000
console.log(
  JSON.stringify({
    bench: 'seth-pipeline',
    transfers: hashes.length,
    txPerSecond: Math.round(hashes.length / seconds),
    cpuMicrosPerTx: Math.round((cpu.user + cpu.system) / hashes.length),
    secp: chain.family.secp.name,
    leanDecoding: chain.family.leanDecoding,
  }),
)
await chain.close()
rmSync(dir, { recursive: true, force: true })
