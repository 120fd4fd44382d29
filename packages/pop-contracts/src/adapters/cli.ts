#!/usr/bin/env node
// pop-party: runs one party of a contract as a process over UDP and logs JSON lines.
//   pop-party --deployment FILE (--secret HEX | --secret-file FILE) [--port 0] [--linger 3000] [--timeout 60000]
//             [--misbehave JSON] [--params JSON]
// Every line carries `node` (this party's index) and `t` (ms since start).
// The deployment file is {"contract": ContractJson, "endpoints": ["host:port", ...]}.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { contractFromJson } from '../contract.js'
import { DeploymentInvalidError } from '../errors.js'
import { hexToBytes, identityFromSecret } from '../identity.js'
import { type Misbehaviour, type PopParams, popNode } from '../node.js'
import { realClock, systemRandom } from '../ports.js'
import { createUdpTransport } from './udp.js'

function log(record: Record<string, unknown>): void {
  process.stdout.write(
    `${JSON.stringify(record, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}\n`,
  )
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      deployment: { type: 'string' },
      secret: { type: 'string' },
      'secret-file': { type: 'string' },
      port: { type: 'string', default: '0' },
      linger: { type: 'string', default: '3000' },
      timeout: { type: 'string', default: '60000' },
      misbehave: { type: 'string' },
      params: { type: 'string' },
    },
  })
  const secret =
    values['secret-file'] !== undefined ? readFileSync(values['secret-file'], 'utf8').trim() : values.secret
  if (values.deployment === undefined || secret === undefined) {
    throw new DeploymentInvalidError(
      'usage: pop-party --deployment FILE (--secret HEX | --secret-file FILE) [--port N]',
      { deployment: values.deployment ?? null },
    )
  }
  if (!/^[0-9a-f]{64}$/i.test(secret))
    throw new DeploymentInvalidError('the secret key must be 64 hex digits', secret.length)
  const deployment = JSON.parse(readFileSync(values.deployment, 'utf8')) as { contract: unknown; endpoints: unknown }
  const contract = contractFromJson(deployment.contract)
  const endpoints = deployment.endpoints
  if (
    !Array.isArray(endpoints) ||
    endpoints.length !== contract.parties.length ||
    !endpoints.every((e) => typeof e === 'string')
  ) {
    throw new DeploymentInvalidError('endpoints must list one "host:port" per party', endpoints)
  }
  const identity = identityFromSecret(hexToBytes(secret))
  const transport = await createUdpTransport({ port: Number(values.port) })
  const clock = realClock()
  const started = clock.now()
  let party = -1
  const misbehave = values.misbehave === undefined ? undefined : (JSON.parse(values.misbehave) as Misbehaviour)
  const params = values.params === undefined ? undefined : (JSON.parse(values.params) as Partial<PopParams>)
  const node = popNode<string>({
    contract,
    identity,
    endpoints: endpoints as string[],
    ...(misbehave === undefined ? {} : { misbehave }),
    ...(params === undefined ? {} : { params }),
    onEvent: (event) => log({ t: clock.now() - started, node: party, ...event }),
  })({ transport, clock, random: systemRandom() })
  party = node.me
  log({ t: 0, node: party, type: 'listening', port: transport.port, contract: contract.hashHex })
  node.start()
  const timeoutMs = Number(values.timeout)
  const outcome = await Promise.race([node.closed, clock.sleep(timeoutMs).then(() => undefined)])
  if (outcome === undefined) {
    log({ t: clock.now() - started, node: party, type: 'timeout', stats: node.stats })
    node.stop()
    await transport.close()
    return 3
  }
  log({
    t: clock.now() - started,
    node: party,
    type: 'outcome',
    hours: outcome.hours,
    faulty: outcome.faulty,
    disagreeing: outcome.disagreeing,
    receipts: outcome.receipts.length,
    violations: outcome.violations.length,
  })
  // Stay to answer retransmission requests until every peer acknowledged us, or the linger ends.
  const lingerEnd = clock.now() + Number(values.linger)
  while (!node.allAcknowledged && clock.now() < lingerEnd) await clock.sleep(50)
  log({ t: clock.now() - started, node: party, type: 'stats', acknowledged: node.allAcknowledged, stats: node.stats })
  node.stop()
  await transport.close()
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log({
      type: 'fatal',
      error: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    })
    process.exit(2)
  },
)
