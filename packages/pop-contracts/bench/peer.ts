// Benchmark peer process (party 1). Modes: udp-units, tcp-units, udp-contract, tcp-contract.
// Prints {"port":N} when listening; contract modes read one JSON line per round on stdin.
import { createInterface } from 'node:readline'
import { createTcpRequestTransport } from '../src/adapters/tcp.js'
import { createUdpTransport } from '../src/adapters/udp.js'
import {
  type Contract,
  type ContractJson,
  contractFromJson,
  signContract,
  verifyContractSignature,
} from '../src/contract.js'
import { type PopNode, popNode } from '../src/node.js'
import { realClock, systemRandom } from '../src/ports.js'
import { ReceiveStream } from '../src/stream.js'
import {
  decodeHalf,
  decodePayload,
  encodePayload,
  encodeUnit,
  UnitType,
  unitCrc,
  verifyUnitSignature,
} from '../src/wire.js'
import { benchContract, benchIdentities, joinUnit, receiptFor, receiver, splitUnit } from './exchange.js'

const [a, b] = benchIdentities()
const mode = process.argv[2]
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`)
const lines = createInterface({ input: process.stdin })

if (mode === 'udp-units' || mode === 'tcp-units') {
  const contract = benchContract([a, b], 1, 0)
  const recv = receiver(contract, a.publicKey)
  let seq = 1
  let prev = 0
  const answer = (payload: Uint8Array) => {
    const r = receiptFor(contract, b, a, payload, seq++, prev)
    prev = r.crc
    return r
  }
  if (mode === 'udp-units') {
    const t = await createUdpTransport()
    t.onMessage((from, bytes) => {
      const u = recv(bytes)
      if (u === undefined || u.type !== UnitType.Job) return
      const r = answer(u.payload)
      void t.send(from, r.header)
      void t.send(from, r.payloadDatagram)
    })
    say({ port: t.port })
  } else {
    const t = await createTcpRequestTransport()
    t.handle(async (_from, message) => {
      const [h, p] = splitUnit(message)
      recv(h)
      const u = recv(p)
      if (u === undefined) throw new Error('incomplete unit')
      return joinUnit(answer(u.payload))
    })
    say({ port: t.port })
  }
  lines.on('close', () => process.exit(0))
} else if (mode === 'udp-contract') {
  const t = await createUdpTransport()
  let node: PopNode | undefined
  say({ port: t.port })
  lines.on('line', (line) => {
    const cmd = JSON.parse(line) as { round: number; contract: ContractJson; endpoints: string[] }
    node?.stop()
    const contract = contractFromJson(cmd.contract)
    const n = popNode<string>({ contract, identity: b, endpoints: cmd.endpoints })({
      transport: t,
      clock: realClock(),
      random: systemRandom(),
    })
    node = n
    n.start()
    say({ ready: cmd.round })
    void n.closed.then(() => say({ closed: cmd.round }))
  })
  lines.on('close', () => process.exit(0))
} else if (mode === 'tcp-contract') {
  const t = await createTcpRequestTransport()
  const contracts = new Map<string, { contract: Contract; stream: ReceiveStream; seq: number; prev: number }>()
  t.handle(async (_from, message) => {
    const [h, p] = splitUnit(message)
    const header = decodeHalf(h)
    const payloadHalf = decodeHalf(p)
    if (header.part !== 'header' || payloadHalf.part !== 'payload') throw new Error('bad unit')
    const state = contracts.get(Buffer.from(header.header.contract).toString('hex'))
    if (state === undefined) throw new Error('unknown contract')
    const { contract } = state
    const payload = payloadHalf.datagram.payload
    if (!verifyUnitSignature(header.raw, payload, a.publicKey)) throw new Error('bad signature')
    state.stream.accept(header.header.seq, unitCrc(header.raw, payload), header.header.prevCrc)
    const reply = (type: 'Signature' | 'Receipt' | 'Close', bytes: Uint8Array) => {
      const u = encodeUnit(
        {
          contract: contract.hash,
          sender: b.partyHash,
          receiver: a.partyHash,
          seq: state.seq++,
          type: UnitType[type],
          prevCrc: state.prev,
        },
        bytes,
        b.secretKey,
      )
      state.prev = u.crc
      return joinUnit(u)
    }
    if (header.header.type === UnitType.Signature) {
      if (!verifyContractSignature(contract, 0, decodePayload('Signature', payload).signature))
        throw new Error('bad contract signature')
      return reply('Signature', encodePayload('Signature', { signature: signContract(b, contract) }))
    }
    if (header.header.type === UnitType.Job) {
      const r = receiptFor(contract, b, a, payload, 0, 0)
      const rp = decodeHalf(r.payloadDatagram)
      if (rp.part !== 'payload') throw new Error('bad receipt')
      return reply('Receipt', rp.datagram.payload)
    }
    return reply('Close', payload)
  })
  say({ port: t.port })
  lines.on('line', (line) => {
    const cmd = JSON.parse(line) as { round: number; contract: ContractJson }
    const contract = contractFromJson(cmd.contract)
    contracts.set(contract.hashHex, { contract, stream: new ReceiveStream(), seq: 1, prev: 0 })
    say({ ready: cmd.round })
  })
  lines.on('close', () => process.exit(0))
} else {
  say({ error: `unknown mode ${mode}` })
  process.exit(2)
}
