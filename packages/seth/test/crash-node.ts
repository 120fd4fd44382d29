// Child process of the Seth crash test: a dev chain on LevelDB behind JSON-RPC. Prints its URL.
import { hexToBytes } from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'
import { Wallet } from 'ethers'
import { startRpcServer } from '../src/adapters/server.js'
import { createDevChain } from '../src/index.js'
import { KEYS } from './helpers.js'

const [dir, key] = process.argv.slice(2)
const chain = await createDevChain({
  store: await levelStore(dir!),
  secretKey: hexToBytes(key!),
  chainId: 31337n,
  alloc: Object.fromEntries(KEYS.map((k) => [new Wallet(k).address, 10n ** 24n])),
  mining: { mode: 'auto' },
})
const server = await startRpcServer(chain.rpc)
process.stdout.write(`URL ${server.url}\n`)
