// Child process of the crash test: a ledger on LevelDB that takes hex batches on stdin,
// builds blocks continuously and prints "C <txid> <height>" once a commit is durable.
import { createInterface } from 'node:readline'
import { levelStore } from '../src/adapters/level-store.js'
import { createLedger, decodeBatch, devConsensus, hexToBytes, secp256k1Signer, systemClock } from '../src/index.js'
import { counter } from './helpers.js'

const [dir, keyHex] = process.argv.slice(2)
const signer = secp256k1Signer(hexToBytes(keyHex!))
const ledger = await createLedger({
  store: await levelStore(dir!),
  families: [counter],
  consensus: devConsensus(),
  signer,
  clock: systemClock(),
  genesis: { timestamp: 1 },
})
ledger.onCommit((e) => {
  let out = ''
  for (const r of e.receipts) out += `C ${r.transactionId} ${e.block.header.height}\n`
  process.stdout.write(out)
})
const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  if (line.trim() === '') return
  Promise.resolve()
    .then(() => ledger.submit(decodeBatch(hexToBytes(line.trim()))))
    .catch((e: Error) => process.stdout.write(`E ${e.name}\n`))
})
process.stdout.write(`READY ${ledger.head.header.height}\n`)
for (;;) {
  await ledger.buildBlock()
  await new Promise((r) => setTimeout(r, 2))
}
