#!/usr/bin/env node
// mesh-node: runs one validator network node and logs state changes and received messages
// as JSON lines on stdout. Commands arrive as JSON lines on stdin:
//   {"cmd":"publish","id":"m1"}  {"cmd":"status"}  {"cmd":"stop"}
// The payload it publishes is the application's business: {"id","sentAt"} as JSON, so a
// receiver can log the message id and the one-way latency (same host, same clock).
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { createMeshNode, type MeshNodeEvent } from '../adapters/index.js'
import { MeshError } from '../errors.js'

const USAGE = `usage: mesh-node [--listen MA]... [--seed ENDPOINT]... [--static ENDPOINT]...
                 [--min 3] [--max 10] [--topic atmosphere/mesh/v1] [--mode dynamic|static]
                 [--check-interval-ms 1000] [--linger-ms 3000] [--max-message-bytes 262144]
                 [--ban-threshold 5] [--no-message-log]`

const { values } = parseArgs({
  options: {
    listen: { type: 'string', multiple: true },
    seed: { type: 'string', multiple: true },
    static: { type: 'string', multiple: true },
    min: { type: 'string' },
    max: { type: 'string' },
    topic: { type: 'string' },
    mode: { type: 'string' },
    'check-interval-ms': { type: 'string' },
    'linger-ms': { type: 'string' },
    'max-message-bytes': { type: 'string' },
    'ban-threshold': { type: 'string' },
    'no-message-log': { type: 'boolean' },
    help: { type: 'boolean' },
  },
})

if (values.help === true) {
  console.log(USAGE)
  process.exit(0)
}

const now = () => performance.timeOrigin + performance.now()
// Lines are batched into one write per event-loop turn: at 100 messages/s a write per line
// was a measurable share of a node's CPU (and blocks while the reader is slow).
let pending = ''
let flushScheduled = false
const flush = () => {
  flushScheduled = false
  if (pending === '') return
  const chunk = pending
  pending = ''
  process.stdout.write(chunk)
}
const log = (event: string, fields: Record<string, unknown> = {}) => {
  pending += `${JSON.stringify({ t: Math.round(now() * 1000) / 1000, event, ...fields })}\n`
  if (!flushScheduled) {
    flushScheduled = true
    setImmediate(flush)
  }
}
const errorJson = (e: unknown) =>
  e instanceof MeshError
    ? e.toJSON()
    : e instanceof Error
      ? { name: e.name, message: e.message }
      : { message: String(e) }
const int = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) {
    log('fatal', { error: { name: 'InvalidConfigError', message: `--${name} ${JSON.stringify(v)} is not an integer` } })
    flush()
    process.exit(2)
  }
  return n
}

process.on('uncaughtException', (e) => log('uncaught', { error: errorJson(e) }))
process.on('unhandledRejection', (e) => log('uncaught', { error: errorJson(e) }))

const topic = values.topic ?? 'atmosphere/mesh/v1'
const mode = values.mode === 'static' ? 'static' : 'dynamic'
const messageLog = values['no-message-log'] !== true

let node: Awaited<ReturnType<typeof createMeshNode>>
try {
  node = await createMeshNode({
    mode,
    ...(values.listen === undefined ? {} : { listen: values.listen }),
    seeds: values.seed ?? [],
    staticPeers: values.static ?? [],
    ...stripUndefined({
      minPeers: int('min', values.min),
      maxPeers: int('max', values.max),
      checkIntervalMs: int('check-interval-ms', values['check-interval-ms']),
      topologyLingerMs: int('linger-ms', values['linger-ms']),
      maxMessageBytes: int('max-message-bytes', values['max-message-bytes']),
      banThreshold: int('ban-threshold', values['ban-threshold']),
    }),
  })
} catch (e) {
  log('fatal', { error: errorJson(e) })
  flush()
  process.exit(2)
}

const decoder = new TextDecoder()
node.on((e: MeshNodeEvent) => {
  switch (e.type) {
    case 'message': {
      if (!messageLog) return
      let id: unknown
      let latencyMs: number | undefined
      try {
        const body = JSON.parse(decoder.decode(e.payload)) as { id?: unknown; sentAt?: unknown }
        id = body.id
        if (typeof body.sentAt === 'number') latencyMs = Math.round((now() - body.sentAt) * 1000) / 1000
      } catch {
        // not one of ours: log size only
      }
      log('message', { topic: e.topic, id, latencyMs, from: e.meta.from, via: e.meta.via, bytes: e.payload.length })
      return
    }
    case 'state':
      log('state', { peer: e.peerId, endpoint: e.endpoint, from: e.from, to: e.to, peers: e.peerCount })
      return
    case 'bad-input':
      log('bad-input', { peer: e.peerId, error: errorJson(e.error), penalty: e.penalty })
      return
    case 'gossip-rejected':
      log('gossip-rejected', { peer: e.peerId, error: errorJson(e.error) })
      return
    default: {
      const { type, ...rest } = e
      log(type, rest)
    }
  }
})
node.subscribe(topic, () => {})
log('ready', {
  endpoint: node.endpoint,
  peerId: node.peerId,
  mode,
  topic,
  min: node.peering?.config.minPeers,
  max: node.peering?.config.maxPeers,
})

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(0), 5_000).unref()
  await node.stop().catch(() => {})
  log('stopped')
  flush()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())

const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  let cmd: { cmd?: string; id?: string; size?: number; hex?: string }
  try {
    cmd = JSON.parse(line)
  } catch {
    log('command-error', { line })
    return
  }
  if (cmd.cmd === 'publish') {
    const body = { id: cmd.id ?? String(Math.random()), sentAt: now(), pad: 'x'.repeat(Math.max(0, cmd.size ?? 0)) }
    node.publish(topic, new TextEncoder().encode(JSON.stringify(body))).then(
      (r) => log('published', { id: body.id, recipients: r.recipients }),
      (e) => log('publish-error', { id: body.id, error: errorJson(e) }),
    )
  } else if (cmd.cmd === 'status') {
    const peers = node.peers()
    log('status', {
      peerCount: peers.length,
      peers: peers.map((p) => p.peerId),
      endpoints: peers.map((p) => p.endpoint),
      connections: node.connections(),
      ...node.topicPeers(topic),
    })
  } else if (cmd.cmd === 'stop') {
    void stop()
  } else {
    log('command-error', { line })
  }
})
// If the parent dies without closing our stdin, stop anyway.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent) void stop()
}, 2_000).unref()
rl.on('close', () => {
  // stdin closed: the parent is gone or done with us.
  void stop()
})

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never
}
