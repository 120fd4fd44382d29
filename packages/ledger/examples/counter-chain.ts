// A chain with one transaction family, on LevelDB in a temporary directory: submit a
// batch, build a block, read the state back, reopen the store and find it all still there.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createLedger,
  devConsensus,
  type LedgerFamily,
  randomSecretKey,
  secp256k1Signer,
  signBatch,
  signTransaction,
  systemClock,
} from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'

const utf8 = new TextEncoder()
const counter: LedgerFamily = {
  name: 'counter',
  versions: ['1.0'],
  namespaces: ['c0ffee'],
  async apply(tx, state) {
    const address = `c0ffee${Buffer.from(tx.payload).toString('hex').padEnd(64, '0').slice(0, 64)}`
    const old = await state.get(address)
    const count = old === undefined ? 0n : BigInt(new TextDecoder().decode(old))
    await state.set(address, utf8.encode(String(count + 1n)))
    return { valid: true, receipt: utf8.encode(String(count + 1n)) }
  },
}

const dir = mkdtempSync(join(tmpdir(), 'counter-chain-'))
const signer = secp256k1Signer(randomSecretKey())
const open = async () =>
  createLedger({
    store: await levelStore(dir),
    families: [counter],
    consensus: devConsensus(),
    signer,
    clock: systemClock(),
  })

let ledger = await open()
ledger.onCommit((e) => console.log(`committed block ${e.block.header.height} with ${e.receipts.length} transaction(s)`))
const tx = await signTransaction(signer, {
  familyName: 'counter',
  familyVersion: '1.0',
  nonce: 0n,
  payload: utf8.encode('apples'),
  batcherPublicKey: signer.publicKey,
  inputs: ['c0ffee'],
  outputs: ['c0ffee'],
})
await ledger.submit(await signBatch(signer, [tx]))
const built = await ledger.buildBlock()
console.log(`block ${built?.block.id} at height ${built?.block.header.height}`)
await ledger.close()

ledger = await open()
const receipt = await ledger.getReceipt(tx.id)
console.log(
  `after reopening: head ${ledger.head.header.height}, receipt says ${new TextDecoder().decode(receipt?.receipt)}`,
)
await ledger.close()
rmSync(dir, { recursive: true, force: true })
