// Two nodes in two processes: the contract is hosted here and relayed over IPC, the session runs
// over real TCP on loopback.
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import test from 'ava'
import { serveIpcContract } from '../../src/adapters/ipc-contract.js'
import { addressOf } from '../../src/connection/identity.js'
import { createMemoryContract } from '../../src/connection/memory.js'

const script = fileURLToPath(new URL('../fixtures/node-process.js', import.meta.url))

function waitFor<T>(child: ChildProcess, predicate: (m: Record<string, unknown>) => boolean, ms = 150_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for child message')), ms)
    const listener = (m: unknown) => {
      const message = m as Record<string, unknown>
      if (message.t === 'error') {
        clearTimeout(timer)
        reject(new Error(`child error ${String(message.name)}: ${String(message.message)}`))
      } else if (predicate(message)) {
        clearTimeout(timer)
        child.off('message', listener)
        resolve(message as T)
      }
    }
    child.on('message', listener)
  })
}

test('A and B in separate processes connect through the contract and talk over encrypted TCP', async (t) => {
  t.timeout(300_000)
  const secretA = ed25519.utils.randomSecretKey()
  const secretB = ed25519.utils.randomSecretKey()
  const addressB = addressOf(ed25519.getPublicKey(secretB))
  const contract = createMemoryContract()
  const b = fork(script, ['B', bytesToHex(secretB)], { serialization: 'advanced', stdio: 'inherit' })
  const a = fork(script, ['A', bytesToHex(secretA), addressB], { serialization: 'advanced', stdio: 'inherit' })
  t.teardown(() => {
    a.kill()
    b.kill()
  })
  // Relay the contract only once both children listen, then let A start.
  await Promise.all([a, b].map((c) => waitFor(c, (m) => m.t === 'ready')))
  const stop = serveIpcContract(contract, [a, b])
  t.teardown(stop)
  a.send({ t: 'go' })
  const bEstablished = waitFor<{ role: string; peer: string; extensions: number[] }>(b, (m) => m.t === 'established')
  const replies = waitFor<{ replies: string[] }>(a, (m) => m.t === 'replies')
  const [est, rep] = await Promise.all([bEstablished, replies])
  t.is(est.role, 'responder')
  t.is(est.peer, addressOf(ed25519.getPublicKey(secretA)))
  // B asked for pseudo-encodings -239 and -9999; A supports only -239, so only it is confirmed.
  t.deepEqual(est.extensions, [-239])
  t.deepEqual(rep.replies, ['PING 0@1003', 'PING 1@1004', 'PING 2@1005'])
  // The contract saw exactly the three records of seed 1.9, and the endpoint only in sealed form.
  t.deepEqual(
    contract.records.map((r) => r.kind),
    ['request', 'accept', 'endpoint'],
  )
  const sealed = contract.records[2]
  t.true(sealed?.kind === 'endpoint' && !Buffer.from(sealed.sealed).toString('latin1').includes('127.0.0.1'))
  const exits = await Promise.all(
    [a, b].map((c) => (c.exitCode !== null ? c.exitCode : new Promise((r) => c.once('exit', (code) => r(code))))),
  )
  t.deepEqual(exits, [0, 0])
})
