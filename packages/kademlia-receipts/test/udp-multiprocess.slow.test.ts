// Ten node processes over real UDP sockets on loopback: join, store receipts in one
// process, verify storage from it, read the latest version from the others.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import test from 'ava'

const FIXTURE = fileURLToPath(new URL('./fixtures/udp-node.js', import.meta.url))

interface Proc {
  child: ChildProcess
  info: { address: string; id: string; updater: string }
  call(cmd: Record<string, unknown>): Promise<Record<string, unknown>>
}

async function start(): Promise<Proc> {
  const child = spawn(process.execPath, [FIXTURE], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const waiting = new Map<number, (v: Record<string, unknown>) => void>()
  let ready: ((v: Record<string, unknown>) => void) | undefined
  const readyP = new Promise<Record<string, unknown>>((r) => {
    ready = r
  })
  lines.on('line', (l) => {
    const msg = JSON.parse(l) as Record<string, unknown>
    if (msg.ready === true) ready?.(msg)
    else waiting.get(msg.id as number)?.(msg)
  })
  let next = 1
  const info = (await readyP) as unknown as Proc['info']
  return {
    child,
    info,
    call(cmd) {
      const id = next++
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        child.stdin?.write(`${JSON.stringify({ ...cmd, id })}\n`)
      })
    },
  }
}

test('10 processes store, verify and read receipts over UDP', async (t) => {
  t.timeout(150_000)
  const procs: Proc[] = []
  try {
    for (let i = 0; i < 10; i++) procs.push(await start())
    const addrs = procs.map((p) => p.info.address)
    t.is(new Set(addrs).size, 10)
    // join one by one through the first process
    for (let i = 1; i < procs.length; i++) {
      const r = await (procs[i] as Proc).call({ cmd: 'bootstrap', addrs: [addrs[0]] })
      t.is(r.ok, 1, `process ${i} reached its bootstrap node`)
    }
    // every routing table learned more than the bootstrap node
    const tables = await Promise.all(procs.map((p) => p.call({ cmd: 'bootstrap', addrs: [] })))
    for (const tb of tables) t.true((tb.table as number) >= 3, `table size ${tb.table}`)

    const writer = procs[3] as Proc
    const s0 = await writer.call({ cmd: 'store', key: 'ledger/head', value: 'block-100' })
    t.is(s0.version, '0')
    t.is((s0.stored as string[]).length, 3, 'stored on m = 3 nodes')
    const s1 = await writer.call({ cmd: 'store', key: 'ledger/head', value: 'block-101' })
    t.is(s1.version, '1')
    t.is((s1.stored as string[]).length, 3)
    const v = await writer.call({ cmd: 'verify' })
    t.true(v.ok as boolean)
    t.true((v.holders as string[]).length >= 3, `holders ${JSON.stringify(v.holders)}`)

    for (const i of [0, 5, 7, 9]) {
      const r = await (procs[i] as Proc).call({ cmd: 'read', updater: writer.info.updater, key: 'ledger/head' })
      t.is(r.version, '1', `process ${i} reads the latest version: ${JSON.stringify(r)}`)
      t.is(r.hash, s1.hash)
    }
    const missing = await (procs[8] as Proc).call({ cmd: 'read', updater: writer.info.updater, key: 'no-such-key' })
    t.is(missing.error, 'ReceiptNotFoundError')
  } finally {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null) return resolve()
            p.child.once('exit', () => resolve())
            p.child.stdin?.write(`${JSON.stringify({ cmd: 'exit', id: 0 })}\n`)
            setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref()
          }),
      ),
    )
  }
})
