// Single-node mode: a Seth chain on LevelDB behind JSON-RPC on 127.0.0.1, used by ethers
// unmodified. Run with `--serve` to keep it running for Hardhat/Foundry/MetaMask-style use.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomSecretKey } from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'
import { createDevChain } from '@atmosphere/seth'
import { startRpcServer } from '@atmosphere/seth/server'
import { JsonRpcProvider, parseEther, Wallet } from 'ethers'

const dir = mkdtempSync(join(tmpdir(), 'seth-dev-'))
const alice = Wallet.createRandom()
const chain = await createDevChain({
  store: await levelStore(dir),
  secretKey: randomSecretKey(),
  chainId: 31337n,
  alloc: { [alice.address]: parseEther('1000') },
  mining: { mode: 'auto' },
})
const server = await startRpcServer(chain.rpc) // 127.0.0.1, a free port, 1 MiB request limit
console.log(`JSON-RPC on ${server.url} (WebSocket ${server.wsUrl})`)

const provider = new JsonRpcProvider(server.url, undefined, { pollingInterval: 100 })
const signer = alice.connect(provider)
const tx = await signer.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('1') })
const receipt = await tx.wait()
console.log(`transfer mined in block ${receipt?.blockNumber}, gas used ${receipt?.gasUsed}, fee paid ${receipt?.fee}`)

if (!process.argv.includes('--serve')) {
  provider.destroy()
  await server.close()
  await chain.close()
  rmSync(dir, { recursive: true, force: true })
}
