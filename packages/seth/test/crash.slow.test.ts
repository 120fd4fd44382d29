import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bytesToHex, memoryStore, randomSecretKey } from '@atmosphere/ledger'
import { levelStore } from '@atmosphere/ledger/level'
import test from 'ava'
import { Wallet } from 'ethers'
import { createDevChain } from '../src/index.js'
import { KEYS, rpc } from './helpers.js'

const CHILD = fileURLToPath(new URL('./crash-node.js', import.meta.url))

function start(dir: string, key: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CHILD, dir, key], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      const m = /URL (\S+)/.exec(buf)
      if (m) resolve({ child, url: m[1]! })
    })
    child.once('exit', (code) => reject(new Error(`node exited early with ${code}`)))
  })
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

test('a Seth node killed with SIGKILL keeps every transaction it had a receipt for; state matches a clean replay', async (t) => {
  t.timeout(240_000)
  const dir = mkdtempSync(join(tmpdir(), 'seth-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const nodeKey = bytesToHex(randomSecretKey())
  const wallets = KEYS.map((k) => new Wallet(k))
  const sink = '0x000000000000000000000000000000000000bEEF'
  const perWallet = 40
  const signed = await Promise.all(
    wallets.map(async (w) => {
      const out: { raw: string; hash: string }[] = []
      for (let n = 0; n < perWallet; n++) {
        const raw = await w.signTransaction({
          type: 2,
          chainId: 31337n,
          nonce: n,
          to: sink,
          value: 1000n + BigInt(n),
          gasLimit: 21000n,
          maxFeePerGas: 0n,
          maxPriorityFeePerGas: 0n,
        })
        out.push({ raw, hash: (await import('ethers')).keccak256(raw) })
      }
      return out
    }),
  )
  const receipted = new Set<string>()
  for (let round = 0; round < 5; round++) {
    const { child, url } = await start(dir, nodeKey)
    const final = round === 4
    let stop = false
    const senders = signed.map(async (list) => {
      for (const { raw, hash } of list) {
        if (stop) return
        if (receipted.has(hash)) continue
        try {
          await rpc(url, 'eth_sendRawTransaction', [raw])
        } catch {
          return // the node died under us
        }
      }
    })
    const poller = (async () => {
      const deadline = Date.now() + 120_000
      while (!stop && Date.now() < deadline) {
        for (const list of signed) {
          for (const { hash } of list) {
            if (receipted.has(hash)) continue
            try {
              const r = await rpc(url, 'eth_getTransactionReceipt', [hash])
              if (r.result !== null && r.result !== undefined) receipted.add(hash)
            } catch {
              return
            }
          }
        }
        if (final && receipted.size === wallets.length * perWallet) return
        await new Promise((r) => setTimeout(r, 30))
      }
    })()
    if (final) {
      await Promise.all(senders)
      await poller
      stop = true
    } else {
      // Kill while commits are streaming: after a few new receipts, at a random moment.
      const before = receipted.size
      const wait = Date.now() + 20_000
      while (receipted.size < before + 5 && Date.now() < wait) await new Promise((r) => setTimeout(r, 10))
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)))
      stop = true
    }
    await kill(child)
    await Promise.allSettled([...senders, poller])
    t.log(`round ${round}: ${receipted.size} transactions with receipts`)
  }
  t.is(receipted.size, wallets.length * perWallet, 'every transaction committed in the end')

  const alloc = Object.fromEntries(wallets.map((w) => [w.address, 10n ** 24n]))
  const stored = await createDevChain({
    store: await levelStore(dir),
    secretKey: randomSecretKey(),
    chainId: 31337n,
    alloc,
    mining: { mode: 'manual' },
  })
  t.teardown(() => stored.close())
  for (const hash of receipted) t.truthy(await stored.node.transaction(hash.slice(2)), `receipted ${hash} survived`)
  const expected = wallets.length * perWallet * 1000 + wallets.length * ((perWallet * (perWallet - 1)) / 2)
  t.is((await stored.node.account(sink.slice(2).toLowerCase())).balance, BigInt(expected))

  const replay = await createDevChain({
    store: memoryStore(),
    secretKey: randomSecretKey(),
    chainId: 31337n,
    alloc,
    mining: { mode: 'manual' },
  })
  t.teardown(() => replay.close())
  for (const b of await stored.ledger.getBlocks(1n, 1_000_000)) t.is(await replay.ledger.receiveBlock(b), 'committed')
  t.is(replay.ledger.head.id, stored.ledger.head.id)
  t.deepEqual(replay.ledger.head.header.stateRoot, stored.ledger.head.header.stateRoot)
  t.is((await replay.node.account(sink.slice(2).toLowerCase())).balance, BigInt(expected))
})
