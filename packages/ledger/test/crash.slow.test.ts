import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { levelStore } from '../src/adapters/level-store.js'
import {
  bytesToHex,
  createLedger,
  devConsensus,
  encodeBatch,
  memoryStore,
  randomSecretKey,
  secp256k1Signer,
  systemClock,
} from '../src/index.js'
import { counter, counterValue, makeBatch, newSigner } from './helpers.js'

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url))

function start(dir: string, key: string, acked: Map<string, bigint>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, dir, key], { stdio: ['pipe', 'pipe', 'inherit'] })
  // Writes still buffered when the child is killed fail with EPIPE; that is the point of the test.
  child.stdin!.on('error', () => {})
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl = buf.indexOf('\n')
      while (nl >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (line.startsWith('READY')) resolve(child)
        else if (line.startsWith('C ')) {
          const [, id, h] = line.split(' ')
          acked.set(id!, BigInt(h!))
        }
        nl = buf.indexOf('\n')
      }
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)))
  })
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

test('SIGKILL at random moments loses no acknowledged commit and state matches a clean replay', async (t) => {
  t.timeout(150_000)
  const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const nodeKey = randomSecretKey()
  const node = secp256k1Signer(nodeKey)
  const users = [newSigner(), newSigner(), newSigner()]
  const perUser = 80
  const lines: { id: string; hex: string }[] = []
  for (let i = 0; i < perUser; i++) {
    for (const [u, user] of users.entries()) {
      const b = await makeBatch(node, user, BigInt(i), `key-${u}`)
      lines.push({ id: b.transactions[0]!.id, hex: bytesToHex(encodeBatch(b)) })
    }
  }
  const acked = new Map<string, bigint>()
  const everAcked = new Map<string, bigint>()
  let kills = 0
  for (let round = 0; round < 6; round++) {
    const child = await start(dir, bytesToHex(nodeKey), acked)
    const pending = lines.filter((l) => !acked.has(l.id))
    // Feed in small slices so kills land between, during and after commits.
    for (let i = 0; i < pending.length; i += 20) {
      child.stdin!.write(
        `${pending
          .slice(i, i + 20)
          .map((l) => l.hex)
          .join('\n')}\n`,
      )
      await new Promise((r) => setTimeout(r, 5))
    }
    if (round < 5) {
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 300)))
      for (const [k, v] of acked) everAcked.set(k, v)
      await killed(child)
      kills++
    } else {
      const deadline = Date.now() + 60_000
      while (acked.size < lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      for (const [k, v] of acked) everAcked.set(k, v)
      await killed(child)
    }
  }
  t.is(kills, 5)
  t.is(acked.size, lines.length, 'every transaction committed in the end')
  const store = await levelStore(dir)
  const ledger = await createLedger({
    store,
    families: [counter],
    consensus: devConsensus(),
    signer: node,
    clock: systemClock(),
    genesis: { timestamp: 1 },
  })
  for (const [id, height] of everAcked) {
    const r = await ledger.getReceipt(id)
    t.truthy(r, `acknowledged ${id} survived`)
    if (r !== undefined && r.height !== height) t.fail(`receipt ${id} moved from ${height} to ${r.height}`)
  }
  for (const u of [0, 1, 2]) t.is(await counterValue(ledger.state, `key-${u}`), BigInt(perUser))
  // Clean replay of the stored chain into a fresh ledger reproduces every state root.
  const replay = await createLedger({
    store: memoryStore(),
    families: [counter],
    consensus: devConsensus(),
    signer: newSigner(),
    clock: systemClock(),
    genesis: { timestamp: 1 },
  })
  for (const b of await ledger.getBlocks(1n, 100_000)) t.is(await replay.receiveBlock(b), 'committed')
  t.is(replay.head.id, ledger.head.id)
  t.deepEqual(replay.head.header.stateRoot, ledger.head.header.stateRoot)
  for (const u of [0, 1, 2]) t.is(await counterValue(replay.state, `key-${u}`), BigInt(perUser))
  await ledger.close()
})
