// Deploys a Solidity contract on a running devnet with ethers, then calls it through another node.
// Start the devnet first (`npm run devnet`), then:
//   node apps/node/dist/examples/deploy-contract.js http://127.0.0.1:PORT0 http://127.0.0.1:PORT1
import { createRequire } from 'node:module'
import { Contract, ContractFactory, JsonRpcProvider, Wallet } from 'ethers'

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
contract Counter {
    uint256 public count;
    event Counted(address indexed by, uint256 count);
    function increment() external {
        count += 1;
        emit Counted(msg.sender, count);
    }
}`

// Devnet account 0: a well-known key printed by `atmo devnet` (never use it for real funds).
const DEV_KEY = '0x8a535d29d830ec2fbd9bbf6ae06301d35f19347e46afc087532e599148cead88'

export async function deployCounter(
  deployUrl: string,
  readUrl: string,
  key = DEV_KEY,
): Promise<{ address: string; count: bigint }> {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string }
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'Counter.sol': { content: SOURCE } },
        settings: { evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
      }),
    ),
  )
  const { abi, evm } = out.contracts['Counter.sol'].Counter
  const wallet = new Wallet(
    key,
    new JsonRpcProvider(deployUrl, undefined, { staticNetwork: true, pollingInterval: 250 }),
  )
  const counter = await new ContractFactory(abi, evm.bytecode.object, wallet).deploy()
  await counter.waitForDeployment()
  const address = await counter.getAddress()
  const receipt = await (await (counter as Contract).getFunction('increment')()).wait()
  // Read through another node: the block carrying the call has reached it by gossip.
  const other = new Contract(address, abi, new JsonRpcProvider(readUrl, undefined, { staticNetwork: true }))
  let count = 0n
  for (let i = 0; i < 150 && count === 0n; i++) {
    try {
      count = (await other.getFunction('count')({ blockTag: receipt?.blockNumber })) as bigint
    } catch {
      // That block has not reached the other node yet.
    }
    if (count === 0n) await new Promise((r) => setTimeout(r, 200))
  }
  return { address, count }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [deployUrl = 'http://127.0.0.1:8545', readUrl = deployUrl] = process.argv.slice(2)
  const { address, count } = await deployCounter(deployUrl, readUrl)
  console.log(`Counter deployed at ${address}; count read through ${readUrl}: ${count}`)
}
