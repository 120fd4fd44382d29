// Benchmark pop-udp: (1) message units per second between two processes and (2) contract
// completion latency, each against a TCP request/response implementation of the same
// exchange, measured interleaved in the same run. One JSON line per result.
import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Transport } from '@atmosphere/interfaces'
import { createTcpRequestTransport } from '../src/adapters/tcp.js'
import { createUdpTransport } from '../src/adapters/udp.js'
import { type Contract, contractToJson, signContract, verifyContractSignature } from '../src/contract.js'
import { popNode } from '../src/node.js'
import { realClock, systemRandom } from '../src/ports.js'
import { decodePayload, encodePayload, encodeUnit, UnitType } from '../src/wire.js'
import { benchContract, benchIdentities, checkReceipt, jobUnit, joinUnit, receiver, splitUnit } from './exchange.js'

const here = dirname(fileURLToPath(import.meta.url))
const [a, b] = benchIdentities()
const UNITS = Number(process.env.POP_BENCH_UNITS ?? 200)
const WINDOW = 32
const ROUNDS = Number(process.env.POP_BENCH_ROUNDS ?? 6)
const PHASES = 4

interface Peer {
  child: ChildProcess
  port: number
  next(pred: (o: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  send(o: unknown): void
  stop(): void
}

async function peer(mode: string): Promise<Peer> {
  const child = spawn(process.execPath, [join(here, 'peer.js'), mode], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiters: { pred: (o: Record<string, unknown>) => boolean; resolve: (o: Record<string, unknown>) => void }[] = []
  const seen: Record<string, unknown>[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const o = JSON.parse(line) as Record<string, unknown>
    const i = waiters.findIndex((w) => w.pred(o))
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(o)
    else seen.push(o)
  })
  const next = (pred: (o: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const j = seen.findIndex(pred)
      if (j >= 0) resolve(seen.splice(j, 1)[0] as Record<string, unknown>)
      else waiters.push({ pred, resolve })
    })
  const { port } = (await next((o) => 'port' in o)) as { port: number }
  return {
    child,
    port,
    next,
    send: (o) => child.stdin!.write(`${JSON.stringify(o)}\n`),
    stop: () => {
      child.stdin!.end()
      child.kill()
    },
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y)
  return s.length % 2 === 1
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}

/** Units/s over UDP: signed job units, window of 32, each answered by a signed receipt unit. */
async function unitsUdp(): Promise<number> {
  const p = await peer('udp-units')
  const t = await createUdpTransport()
  const contract = benchContract([a, b], 1, 0)
  const recv = receiver(contract, b.publicKey)
  const to = `127.0.0.1:${p.port}`
  const units = new Map<number, { header: Uint8Array; payloadDatagram: Uint8Array }>()
  let prev = 0
  for (let s = 1; s <= UNITS; s++) {
    const u = jobUnit(contract, a, b, s, prev)
    prev = u.crc
    units.set(s, u)
  }
  let sent = 0
  let done = 0
  let lastProgress = Date.now()
  let finish = () => {}
  const start = performance.now()
  const result = await new Promise<number>((resolve) => {
    const pump = () => {
      while (sent < UNITS && sent - done < WINDOW) {
        const u = units.get(++sent)!
        void t.send(to, u.header)
        void t.send(to, u.payloadDatagram)
      }
    }
    t.onMessage((_from, bytes) => {
      const r = recv(bytes)
      if (r === undefined) return
      done++
      lastProgress = Date.now()
      if (done === UNITS) resolve(performance.now() - start)
      else pump()
    })
    // Loopback rarely drops, but UDP may: resend the window if nothing moved for 500 ms.
    const guard = setInterval(() => {
      if (Date.now() - lastProgress > 500) {
        for (let s = done + 1; s <= sent; s++) {
          const u = units.get(s)!
          void t.send(to, u.header)
          void t.send(to, u.payloadDatagram)
        }
        lastProgress = Date.now()
      }
    }, 100)
    pump()
    finish = () => clearInterval(guard)
  })
  finish()
  p.stop()
  await t.close()
  return (UNITS / result) * 1000
}

/** Units/s over TCP request/response: the same units, the same window, one connection. */
async function unitsTcp(): Promise<number> {
  const p = await peer('tcp-units')
  const t = await createTcpRequestTransport()
  const contract = benchContract([a, b], 1, 0)
  const recv = receiver(contract, b.publicKey)
  const to = `127.0.0.1:${p.port}`
  const units: Uint8Array[] = []
  let prev = 0
  for (let s = 1; s <= UNITS; s++) {
    const u = jobUnit(contract, a, b, s, prev)
    prev = u.crc
    units.push(joinUnit(u))
  }
  const start = performance.now()
  let nextIndex = 0
  const worker = async () => {
    while (nextIndex < UNITS) {
      const u = units[nextIndex++] as Uint8Array
      const response = await t.request(to, u)
      const [h, pl] = splitUnit(response)
      recv(h)
      if (recv(pl) === undefined) throw new Error('incomplete receipt')
    }
  }
  await Promise.all(Array.from({ length: WINDOW }, worker))
  const ms = performance.now() - start
  p.stop()
  await t.close()
  return (UNITS / ms) * 1000
}

/** Wraps a transport so datagrams arriving before the engine subscribes are kept, not lost. */
function buffered(t: Transport<string>): Transport<string> & { dispose(): void } {
  const queue: [string, Uint8Array][] = []
  let handler: ((from: string, m: Uint8Array) => void) | undefined
  const unsubscribe = t.onMessage((from, m) => (handler ? handler(from, m) : queue.push([from, m.slice()])))
  return {
    localAddress: t.localAddress,
    send: (to, m) => t.send(to, m),
    onMessage(h) {
      handler = h
      for (const [f, m] of queue.splice(0)) h(f, m)
      return () => {
        handler = undefined
      }
    },
    close: async () => unsubscribe(),
    dispose: unsubscribe,
  }
}

async function contractUdp(p: Peer, t: Transport<string>, round: number): Promise<number> {
  const contract = benchContract([a, b], PHASES, round)
  const endpoints = [t.localAddress, `127.0.0.1:${p.port}`]
  const wrapped = buffered(t)
  p.send({ round, contract: contractToJson(contract), endpoints })
  await p.next((o) => o.ready === round)
  const start = performance.now()
  const node = popNode<string>({ contract, identity: a, endpoints })({
    transport: wrapped,
    clock: realClock(),
    random: systemRandom(),
  })
  node.start()
  const outcome = await node.closed
  const ms = performance.now() - start
  if (outcome.hours[0] !== PHASES) throw new Error(`wrong hours ${outcome.hours}`)
  await p.next((o) => o.closed === round)
  node.stop()
  wrapped.dispose()
  return ms
}

async function contractTcp(
  p: Peer,
  t: Awaited<ReturnType<typeof createTcpRequestTransport>>,
  round: number,
): Promise<number> {
  const contract: Contract = benchContract([a, b], PHASES, 10_000 + round)
  const recv = receiver(contract, b.publicKey)
  const to = `127.0.0.1:${p.port}`
  p.send({ round, contract: contractToJson(contract) })
  await p.next((o) => o.ready === round)
  const start = performance.now()
  let seq = 1
  let prev = 0
  const exchange = async (type: 'Signature' | 'Job' | 'Close', payload?: Uint8Array, phase = 0) => {
    const u =
      type === 'Job'
        ? jobUnit(contract, a, b, seq, prev, phase)
        : encodeUnit(
            {
              contract: contract.hash,
              sender: a.partyHash,
              receiver: b.partyHash,
              seq,
              type: UnitType[type],
              prevCrc: prev,
            },
            payload as Uint8Array,
            a.secretKey,
          )
    seq++
    prev = u.crc
    const [h, pl] = splitUnit(await t.request(to, joinUnit(u)))
    recv(h)
    const r = recv(pl)
    if (r === undefined) throw new Error('incomplete response')
    if (r.type === UnitType.Receipt) checkReceipt(contract, r.payload)
    return r
  }
  const signed = await exchange('Signature', encodePayload('Signature', { signature: signContract(a, contract) }))
  if (!verifyContractSignature(contract, 1, decodePayload('Signature', signed.payload).signature))
    throw new Error('bad contract signature')
  for (let phase = 0; phase < PHASES; phase++) await exchange('Job', undefined, phase)
  await exchange('Close', encodePayload('Close', { hoursDigest: new Uint8Array(32) }))
  return performance.now() - start
}

function line(bench: string, value: number, unit: string, baseline: string, baselineValue: number): void {
  const round = (x: number) => Math.round(x * 100) / 100
  console.log(
    JSON.stringify({
      bench,
      value: round(value),
      unit,
      baseline,
      baselineValue: round(baselineValue),
      ratio: round(value / baselineValue),
    }),
  )
}

const udpRates: number[] = []
const tcpRates: number[] = []
for (let i = 0; i < 3; i++) {
  udpRates.push(await unitsUdp())
  tcpRates.push(await unitsTcp())
}
line(
  'pop-udp units/s (2 processes, signed unit + signed receipt, window 32)',
  median(udpRates),
  'units/s',
  'TCP request/response, same units and window',
  median(tcpRates),
)

const udpPeer = await peer('udp-contract')
const tcpPeer = await peer('tcp-contract')
const udpT = await createUdpTransport()
const tcpT = await createTcpRequestTransport()
const udpMs: number[] = []
const tcpMs: number[] = []
for (let r = 0; r < ROUNDS; r++) {
  udpMs.push(await contractUdp(udpPeer, udpT, r))
  tcpMs.push(await contractTcp(tcpPeer, tcpT, r))
}
line(
  `pop-udp contract completion (2 processes, ${PHASES} phases, median of ${ROUNDS})`,
  median(udpMs),
  'ms',
  'TCP request/response of the same signatures, jobs, receipts and close',
  median(tcpMs),
)
udpPeer.stop()
tcpPeer.stop()
await udpT.close()
await tcpT.close()
process.exit(0)
