#!/usr/bin/env node
// `atmo`: init, start, devnet, status. Progress goes to stdout as plain lines; a node's
// own logs are JSON lines (stdout of `atmo start`, node-i/node.log in a devnet).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { randomSecretKey } from '@atmosphere/ledger'
import { bytesToHex } from '@noble/hashes/utils.js'
import { fetchStatus, type NodeProcess, rpcAnswers, spawnNode } from './adapters/supervisor.js'
import { defaultConfig, parseConfig } from './config.js'
import { prepareDevnet, writeConfig } from './devnet.js'
import { ConfigFileError, NodeError, UsageError } from './errors.js'
import { addressOf, buildGenesis, devAccountKey } from './genesis.js'
import { type RunFile, startNode } from './node.js'

const USAGE = `usage:
  atmo devnet [--nodes 4] [--accounts 10] [--data-dir DIR] [--keep] [--engine poet|dev]
              [--switch-at HEIGHT] [--rpc-port PORT]
  atmo init   [--dir DIR] [--name NAME] [--genesis FILE] [--force]
  atmo start  --config FILE
  atmo status [--config FILE | --data-dir DIR | --url STATUS_URL]
`

const say = (line: string) => process.stdout.write(`${line}\n`)

function int(value: string | undefined, flag: string, min: number, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^[0-9]+$/.test(value) || Number(value) < min)
    throw new UsageError(`${flag} must be an integer >= ${min}`, value)
  return Number(value)
}

async function loadConfig(path: string) {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (cause) {
    throw new ConfigFileError(path, 'cannot read or parse', { cause })
  }
  return parseConfig(raw)
}

async function cmdStart(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true })
  if (values.config === undefined) throw new UsageError('start needs --config FILE', args)
  const path = resolve(values.config)
  const config = await loadConfig(path)
  const node = await startNode(config, dirname(path))
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    node.stop().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`error while stopping after ${signal}: ${String(e)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('disconnect', () => stop('disconnect'))
  const run: RunFile = {
    pid: process.pid,
    name: node.name,
    rpcUrl: node.rpcUrl,
    statusUrl: node.statusUrl,
    peerEndpoint: node.peerEndpoint,
    peerId: node.mesh.peerId,
  }
  process.send?.({ type: 'started', run })
}

async function cmdInit(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      name: { type: 'string' },
      genesis: { type: 'string' },
      force: { type: 'boolean' },
    },
    strict: true,
  })
  const dir = resolve(values.dir ?? '.atmo')
  await mkdir(dir, { recursive: true })
  const keyPath = join(dir, 'validator.key')
  const configPath = join(dir, 'config.json')
  const existing = await readFile(configPath, 'utf8').then(
    () => true,
    () => false,
  )
  if (existing && values.force !== true)
    throw new UsageError(`${configPath} exists; pass --force to overwrite`, configPath)
  const secretKey = randomSecretKey()
  await writeFile(keyPath, `${bytesToHex(secretKey)}\n`, { mode: 0o600 })
  const config = { ...defaultConfig(), name: values.name ?? 'node' }
  await writeConfig(configPath, config)
  if (values.genesis !== undefined) {
    await writeFile(join(dir, 'genesis.json'), await readFile(resolve(values.genesis)))
  } else {
    // A one-validator network of its own: this key validates, ten dev accounts are funded.
    const alloc: Record<string, bigint> = {}
    for (let i = 0; i < 10; i++) alloc[addressOf(devAccountKey(i))] = 10n ** 24n
    const genesis = buildGenesis({ timestamp: Date.now(), validators: [{ name: config.name, secretKey }], alloc })
    await writeFile(join(dir, 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`)
  }
  say(`› wrote ${configPath}, ${keyPath} and ${join(dir, 'genesis.json')}`)
  say(`› validator public key ${bytesToHex((await import('@atmosphere/seth')).fastSigner(secretKey).publicKey)}`)
  say(`› run: atmo start --config ${configPath}`)
}

async function cmdStatus(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, 'data-dir': { type: 'string' }, url: { type: 'string' } },
    strict: true,
  })
  let url = values.url
  if (url === undefined) {
    let dataDir = resolve(values['data-dir'] ?? '.atmo')
    if (values.config !== undefined) {
      const path = resolve(values.config)
      dataDir = resolve(dirname(path), (await loadConfig(path)).dataDir)
    }
    const runPath = join(dataDir, 'run.json')
    let run: RunFile
    try {
      run = JSON.parse(await readFile(runPath, 'utf8')) as RunFile
    } catch (cause) {
      throw new ConfigFileError(runPath, 'no run file: is the node running?', { cause })
    }
    url = run.statusUrl
  }
  const s = await fetchStatus(url)
  say(JSON.stringify(s, null, 2))
}

async function cmdDevnet(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      nodes: { type: 'string' },
      accounts: { type: 'string' },
      'data-dir': { type: 'string' },
      keep: { type: 'boolean' },
      engine: { type: 'string' },
      'switch-at': { type: 'string' },
      'rpc-port': { type: 'string' },
    },
    strict: true,
  })
  const nodes = int(values.nodes, '--nodes', 1, 4)
  const accounts = int(values.accounts, '--accounts', 1, 10)
  const engine = values.engine ?? 'poet'
  if (engine !== 'poet' && engine !== 'dev') throw new UsageError('--engine must be poet or dev', engine)
  const switchAt = values['switch-at'] === undefined ? undefined : BigInt(int(values['switch-at'], '--switch-at', 2, 0))
  const rpcPort = int(values['rpc-port'], '--rpc-port', 0, 0)
  const temporary = values['data-dir'] === undefined
  const dir = temporary ? await mkdtemp(join(tmpdir(), 'atmo-devnet-')) : resolve(values['data-dir'] as string)
  const keep = values.keep === true || !temporary
  const cli = fileURLToPath(import.meta.url)

  const prepared = await prepareDevnet(dir, {
    nodes,
    accounts,
    engine,
    rpcPort,
    ...(switchAt === undefined ? {} : { switchAt, switchEngine: engine === 'poet' ? 'dev' : 'poet' }),
  })
  say(`› devnet: ${nodes} nodes, chain id ${prepared.genesis.chainId}, data in ${dir}`)
  say(
    `› consensus: ${engine}${switchAt === undefined ? '' : ` until height ${switchAt - 1n}, then ${engine === 'poet' ? 'dev' : 'poet'}`}`,
  )

  const procs: NodeProcess[] = []
  let shuttingDown = false
  let resolveDone: (code: number) => void = () => {}
  const done = new Promise<number>((r) => {
    resolveDone = r
  })
  const shutdown = async (reason: string, code: number) => {
    if (shuttingDown) return
    shuttingDown = true
    say(`› stopping devnet (${reason})`)
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM')
    const forced = setTimeout(() => {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
    }, 30_000)
    const codes = await Promise.all(procs.map((p) => p.exited))
    clearTimeout(forced)
    const bad = procs.filter((_, i) => codes[i] !== 0 && codes[i] !== 'SIGTERM' && codes[i] !== 'SIGINT')
    for (const p of bad)
      say(`› ${p.name} ended with ${codes[procs.indexOf(p)]}; its log: ${join(dir, p.name, 'node.log')}`)
    if (!keep) await rm(dir, { recursive: true, force: true })
    else say(`› data kept in ${dir}`)
    // tools/fresh/lib.sh looks for "devnet stopped cleanly": behind `npm run`, a Ctrl-C makes
    // npm itself exit 130 whatever the devnet does, so the line is the devnet's own verdict.
    say(bad.length > 0 ? '› devnet stopped with errors' : '› devnet stopped cleanly')
    resolveDone(bad.length > 0 ? Math.max(code, 1) : code)
  }
  process.on('SIGINT', () => void shutdown('SIGINT', 0))
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0))

  const launch = (i: number): NodeProcess => {
    const n = prepared.nodes[i] as (typeof prepared.nodes)[number]
    const p = spawnNode(cli, n.name, n.configPath, join(n.dir, 'node.log'))
    procs.push(p)
    void p.exited.then((code) => {
      if (!shuttingDown) void shutdown(`${n.name} exited unexpectedly (${code}); see ${join(n.dir, 'node.log')}`, 1)
    })
    return p
  }

  try {
    const first = launch(0)
    const run0 = await first.started
    say(`› node-0 up: JSON-RPC ${run0.rpcUrl}, metrics ${run0.statusUrl}/metrics`)
    const runs: RunFile[] = [run0]
    if (nodes > 1) {
      for (const n of prepared.nodes.slice(1)) {
        await writeConfig(n.configPath, { ...n.config, p2p: { ...n.config.p2p, seeds: [run0.peerEndpoint] } })
      }
      const rest = prepared.nodes.slice(1).map((_, j) => launch(j + 1))
      for (const [j, p] of rest.entries()) {
        const run = await p.started
        runs.push(run)
        say(`› node-${j + 1} up: JSON-RPC ${run.rpcUrl}, metrics ${run.statusUrl}/metrics`)
      }
    }
    // Each node's config now names every other node as a seed, so a node restarted by hand
    // (node-0 included) finds the network again.
    for (const [i, n] of prepared.nodes.entries()) {
      const seeds = runs.filter((_, j) => j !== i).map((r) => r.peerEndpoint)
      await writeConfig(n.configPath, { ...n.config, p2p: { ...n.config.p2p, seeds } })
    }
    // Ready: every node answers JSON-RPC and has its minimum number of peers.
    const want = Math.min(3, nodes - 1)
    const deadline = Date.now() + 120_000
    let lastReport = ''
    for (;;) {
      if (shuttingDown) return await done
      const states = await Promise.all(
        runs.map(async (r) => {
          const [s, rpcOk] = await Promise.all([
            fetchStatus(r.statusUrl).catch(() => undefined),
            rpcAnswers(r.rpcUrl, prepared.genesis.chainId),
          ])
          return { peers: s?.peers ?? 0, rpcOk }
        }),
      )
      const report = states.map((s, i) => `node-${i}: ${s.peers} peers${s.rpcOk ? '' : ', rpc not ready'}`).join('; ')
      if (states.every((s) => s.rpcOk && s.peers >= want)) break
      if (report !== lastReport) say(`› peering: ${report}`)
      lastReport = report
      if (Date.now() > deadline) {
        await shutdown('nodes did not peer within 120 s', 1)
        return await done
      }
      await new Promise((r) => setTimeout(r, 500))
    }
    if (shuttingDown) return await done
    say(
      `atmo devnet ready: ${nodes} nodes, chain id ${prepared.genesis.chainId}, JSON-RPC ${runs.map((r) => r.rpcUrl).join(' ')}`,
    )
    say('› funded accounts (devnet keys, never for real funds):')
    for (const a of prepared.accounts.slice(0, 3)) say(`›   ${a.address}  key ${a.secretKey}`)
    if (prepared.accounts.length > 3) say(`›   … ${prepared.accounts.length - 3} more in ${join(dir, 'genesis.json')}`)
    say('› Ctrl-C stops the devnet')
  } catch (e) {
    // A Ctrl-C while starting makes the pending starts fail; that is not an error.
    if (!shuttingDown) {
      say(`› devnet failed: ${e instanceof Error ? e.message : String(e)}`)
      await shutdown('start failed', 1)
    }
  }
  return await done
}

async function main(argv: string[]): Promise<number> {
  const major = Number(process.versions.node.split('.')[0])
  if (major < 22)
    throw new UsageError(`atmo needs Node 22 or later (libp2p 3); this is ${process.version}`, process.version)
  const [command, ...rest] = argv
  switch (command) {
    case 'devnet':
      return cmdDevnet(rest)
    case 'init':
      await cmdInit(rest)
      return 0
    case 'start':
      await cmdStart(rest)
      return -1 // keeps running until a signal
    case 'status':
      await cmdStatus(rest)
      return 0
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command ${command}`, command)
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (e: unknown) => {
    if (
      e instanceof UsageError ||
      (e instanceof Error && e.name === 'TypeError' && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`atmo: ${(e as Error).message}\n${USAGE}`)
      process.exit(2)
    }
    const name = e instanceof NodeError ? e.name : e instanceof Error ? e.name : 'Error'
    process.stderr.write(`atmo: ${name}: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
