// Solidity sources used by the tests, compiled in-process with solc-js (pinned 0.8.37,
// evmVersion cancun to match the EVM's hardfork).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const SOLC_VERSION = '0.8.37'
export const EVM_VERSION = 'cancun'

export const TOKEN_SOL = `
// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
contract Token {
    string public name = "Atmosphere Test Token";
    string public symbol = "ATT";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }
    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "ERC20: insufficient balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        require(allowance[from][msg.sender] >= value, "ERC20: insufficient allowance");
        require(balanceOf[from] >= value, "ERC20: insufficient balance");
        allowance[from][msg.sender] -= value;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}
`

export const EMITTER_SOL = `
// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
contract Emitter {
    event Ping(uint256 indexed count, address indexed from, string note);
    error Custom(uint256 code);
    uint256 public count;
    function ping(string calldata note) external {
        count += 1;
        emit Ping(count, msg.sender, note);
    }
    function mustBeSmall(uint256 x) external pure returns (uint256) {
        require(x < 10, "x too large");
        return x * 2;
    }
    function custom() external pure {
        revert Custom(42);
    }
    function burn(uint256 rounds) external returns (uint256 acc) {
        for (uint256 i = 0; i < rounds; i++) {
            acc = uint256(keccak256(abi.encode(acc, i)));
        }
        count = acc;
    }
}
`

export interface Compiled {
  readonly abi: unknown[]
  readonly bytecode: `0x${string}`
}

let cache: Record<string, Compiled> | undefined

/** Compiles both contracts once per process. */
export function compileAll(): Record<string, Compiled> {
  if (cache !== undefined) return cache
  const solc = require('solc') as { compile(input: string): string; version(): string }
  if (!solc.version().startsWith(SOLC_VERSION)) throw new Error(`expected solc ${SOLC_VERSION}, got ${solc.version()}`)
  const input = {
    language: 'Solidity',
    sources: { 'Token.sol': { content: TOKEN_SOL }, 'Emitter.sol': { content: EMITTER_SOL } },
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
  }
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  cache = {}
  for (const file of Object.values(out.contracts)) {
    for (const [name, c] of Object.entries(file)) cache[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }
  }
  return cache
}
