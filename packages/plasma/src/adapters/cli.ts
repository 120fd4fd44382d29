#!/usr/bin/env node
// `plasma`: deploy the root contract, bond, deposit, transfer, exit, challenge, finalize and
// withdraw against any Ethereum JSON-RPC URL; `plasma operator` runs a master node with its
// HTTP API. Every command prints one JSON line; errors print {"error":…} and exit 1.
import { parseArgs } from 'node:util'
import { hexToBytes } from '@noble/hashes/utils.js'
import { formatEther, parseEther } from 'viem'
import { PlasmaError, RootChainRevertError } from '../errors.js'
import { Operator } from '../operator.js'
import { ETH, signTransaction } from '../transaction.js'
import { buildTransfer } from '../wallet.js'
import { Watcher } from '../watcher.js'
import { HttpOperatorClient, serveOperator } from './operator-http.js'
import { connect, deployPlasmaRoot, PlasmaRootClient } from './root-client.js'
import { keccak256Wasm } from './wasm-keccak.js'
import { workerRecoverer } from './worker-recoverer.js'

const USAGE = `usage: plasma <command> [options]
commands:
  deploy     --rpc URL --key HEX [--bond ETH=1] [--exit-bond ETH=0.1] [--period SECONDS=604800] [--fee-bps 10]
  bond       --rpc URL --key HEX --contract ADDR [--amount ETH]
  operator   --rpc URL --key HEX --contract ADDR [--port 0] [--interval MS=2000]
  deposit    --rpc URL --key HEX --contract ADDR --amount ETH [--token ADDR]
  transfer   --operator URL --key HEX --to ADDR --amount ETH [--token ADDR]
  exit       --rpc URL --key HEX --contract ADDR --operator URL        (exits every output the key owns)
  challenge  --rpc URL --key HEX --contract ADDR --operator URL        (verifies blocks, proves fraud, challenges exits)
  finalize   --rpc URL --key HEX --contract ADDR [--token ADDR]
  withdraw   --rpc URL --key HEX --contract ADDR [--token ADDR]
the key may also come from the PLASMA_KEY environment variable.`

const out = (value: unknown) => console.log(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))

class UsageError extends PlasmaError {
  override name = 'UsageError'
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  const { values: o } = parseArgs({
    args: rest,
    options: {
      rpc: { type: 'string' },
      key: { type: 'string' },
      contract: { type: 'string' },
      operator: { type: 'string' },
      amount: { type: 'string' },
      token: { type: 'string' },
      to: { type: 'string' },
      bond: { type: 'string' },
      'exit-bond': { type: 'string' },
      period: { type: 'string' },
      'fee-bps': { type: 'string' },
      port: { type: 'string' },
      interval: { type: 'string' },
    },
  })
  const need = (name: keyof typeof o): string => {
    const v = o[name] ?? (name === 'key' ? process.env.PLASMA_KEY : undefined)
    if (!v) throw new UsageError(`${command}: --${name} is required`)
    return v
  }
  const key = () => {
    const k = need('key')
    if (!/^0x[0-9a-fA-F]{64}$/.test(k)) throw new UsageError('--key must be 0x and 64 hex digits')
    return k as `0x${string}`
  }
  const addr = (name: 'contract' | 'token' | 'to') => {
    const v = need(name)
    if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new UsageError(`--${name} must be an address (0x and 40 hex digits)`)
    return v.toLowerCase() as `0x${string}`
  }
  const token = () => (o.token ? addr('token') : ETH)
  const root = () => PlasmaRootClient.connect(need('rpc'), key(), addr('contract'))

  switch (command) {
    case 'deploy': {
      const c = await connect(need('rpc'), key())
      const params = {
        operatorBond: parseEther(o.bond ?? '1'),
        exitBond: parseEther(o['exit-bond'] ?? '0.1'),
        challengePeriod: BigInt(o.period ?? 604_800),
        feeBasisPoints: BigInt(o['fee-bps'] ?? 10),
      }
      const { address, gasUsed } = await deployPlasmaRoot(c, params)
      return out({ contract: address, gasUsed, ...params })
    }
    case 'bond': {
      const r = await root()
      const amount = o.amount ? parseEther(o.amount) : (await r.params()).operatorBond
      const sent = await r.bond(amount)
      return out({ bonded: formatEther(amount), operator: r.account, tx: sent.hash })
    }
    case 'operator': {
      const r = await root()
      const operator = new Operator({ rootChain: r, recoverer: workerRecoverer(), keccak256: keccak256Wasm })
      await operator.syncDeposits()
      const server = await serveOperator(operator, { port: Number(o.port ?? 0) })
      out({ operator: r.account, contract: r.address, url: server.url })
      const interval = Number(o.interval ?? 2000)
      let busy = false
      const timer = setInterval(async () => {
        if (busy) return
        busy = true
        try {
          await operator.syncDeposits()
          if (operator.chain.pendingCount > 0) out({ published: await operator.publishBlock() })
        } catch (err) {
          out({ error: (err as Error).message, name: (err as Error).name })
        } finally {
          busy = false
        }
      }, interval)
      const stop = async () => {
        clearInterval(timer)
        await server.close()
        process.exit(0)
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      return
    }
    case 'deposit': {
      const r = await root()
      const amount = parseEther(need('amount'))
      const t = token()
      const sent = t === ETH ? await r.deposit(amount) : await r.depositToken(t, amount)
      return out({
        deposited: formatEther(amount),
        token: t,
        blknum: sent.blknum,
        utxoPos: sent.blknum * 1_000_000_000n,
      })
    }
    case 'transfer': {
      const secret = hexToBytes(key().slice(2))
      const { addressOfKey } = await import('../transaction.js')
      const from = addressOfKey(secret)
      const op = new HttpOperatorClient(need('operator'))
      const tx = buildTransfer(await op.utxos(from), from, addr('to'), token(), parseEther(need('amount')))
      const [result] = await op.submit([signTransaction(tx, secret)])
      if (!result?.ok) throw new PlasmaError(`operator refused the transfer: ${result?.error}`)
      return out({ transferred: need('amount'), from, to: addr('to'), inputs: tx.inputs })
    }
    case 'exit':
    case 'challenge': {
      const r = await root()
      const watcher = new Watcher({ rootChain: r, source: new HttpOperatorClient(need('operator')) })
      const events = await watcher.sync()
      for (const e of events) out(e.type === 'halt' ? { type: 'halt', blknum: e.blknum, error: e.error.message } : e)
      if (command === 'exit') out({ exited: await watcher.exitAll(r.account) })
      return
    }
    case 'finalize': {
      const r = await root()
      const sent = await r.finalizeExits(token())
      return out({ finalized: sent.finalized, gasUsed: sent.gasUsed })
    }
    case 'withdraw': {
      const r = await root()
      const amount = await r.withdrawable(r.account, token())
      await r.withdraw(token())
      return out({ withdrawn: formatEther(amount), token: token() })
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command')
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as Error
  if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`)
  out({
    error: e.message.split('\n')[0],
    name: e.name,
    ...(e instanceof RootChainRevertError ? { reason: e.reason } : {}),
  })
  process.exit(e instanceof UsageError ? 2 : 1)
})
