// A transfer and an atomic swap on the child chain, with no root chain at all: the state
// machine every operator and watcher runs. Run: node dist/examples/child-chain.js
import { bytesToHex } from '@noble/hashes/utils.js'
import {
  addressOfKey,
  buildSwap,
  buildTransfer,
  ChildChain,
  ETH,
  mergeSignatures,
  signInput,
  signTransaction,
} from '../src/index.js'

const alice = new Uint8Array(32).fill(1)
const bob = new Uint8Array(32).fill(2)
const TOKEN = '0x00000000000000000000000000000000000000aa'

const chain = new ChildChain()
chain.addDeposit(1n, { owner: addressOfKey(alice), token: ETH, amount: 10n })
chain.addDeposit(2n, { owner: addressOfKey(bob), token: TOKEN, amount: 500n })

// Alice splits her 10 into 4 (to herself, exact, for the swap) and 6 change.
const split = buildTransfer(chain.utxosOf(addressOfKey(alice)), addressOfKey(alice), addressOfKey(alice), ETH, 4n)
console.log('split:', (await chain.submit([signTransaction(split, alice)]))[0] ?? 'accepted')
const first = chain.buildBlock()
chain.commitBuiltBlock(1000n, first)

// Alice's 4 ETH for Bob's 500 tokens, in one transaction signed by both.
const four = chain.utxosOf(addressOfKey(alice)).find((u) => u.output.amount === 4n)
const tokens = chain.utxosOf(addressOfKey(bob))[0]
if (!four || !tokens) throw new Error('outputs missing')
const swap = buildSwap(four, tokens)
const signed = mergeSignatures(signInput(swap, 0, alice), signInput(swap, 1, bob))
console.log('swap:', (await chain.submit([signed]))[0] ?? 'accepted')
const second = chain.buildBlock()
chain.commitBuiltBlock(2000n, second)

console.log('block 2000 root:', `0x${bytesToHex(second.root)}`)
for (const [name, key] of [
  ['alice', alice],
  ['bob', bob],
] as const) {
  console.log(
    name,
    chain.utxosOf(addressOfKey(key)).map((u) => `${u.output.amount} ${u.output.token === ETH ? 'ETH' : 'TOKEN'}`),
  )
}
