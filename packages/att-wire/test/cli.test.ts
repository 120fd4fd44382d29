// The researcher CLI, run as a real process.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import test from 'ava'

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url))
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, ...args], { input: input ?? '', encoding: 'utf8', timeout: 60_000 })

const LICENCE = '80000000ff031400070000000200000004000000'

test('decode prints the structure as JSON, auto-detecting it', (t) => {
  const r = run(['decode', LICENCE])
  t.is(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  t.is(out.structure, 'licenceResult')
  t.is(out.value.errorCode, 7)
})

test('MCS domain PDUs decode with --as and encode back to the same bytes', (t) => {
  for (const [structure, hex] of [
    ['channelJoinConfirm', '3e00000603ef03ef'],
    ['disconnectProviderUltimatum', '2180'],
    ['erectDomainRequest', '0401000100'],
  ] as const) {
    const d = run(['decode', '--as', structure, hex])
    t.is(d.status, 0, d.stderr)
    const e = run(['encode', '-'], d.stdout)
    t.is(e.status, 0, e.stderr)
    t.is(e.stdout.trim(), hex)
  }
  const bad = run(['decode', '--as', 'disconnectProviderUltimatum', '2181'])
  t.is(bad.status, 1)
  t.regex(bad.stderr, /reason/)
})

test('decode reads stdin with -, and --as picks the structure', (t) => {
  const r = run(['decode', '--as', 'attMessageHeader', '-'], '64000603eb708192\n')
  t.is(r.status, 0, r.stderr)
  t.deepEqual(JSON.parse(r.stdout).value, {
    type: 0x64,
    initiator: 6,
    channelId: 0x3eb,
    flag: 0x70,
    payloadLength: 0x192,
  })
})

test('encode turns the JSON back into the same hex', (t) => {
  const decoded = run(['decode', LICENCE]).stdout
  const r = run(['encode', '-'], decoded)
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), LICENCE)
})

test('bad input exits non-zero with the typed error', (t) => {
  const r = run(['decode', '--as', 'attFrame', '0300000702f081'])
  t.is(r.status, 1)
  t.regex(r.stderr, /FixedValueError: .*field eot at offset 6/)
  const e = run([
    'encode',
    '{"structure":"attMessage","value":{"type":100,"initiator":0,"channelId":5,"flag":112,"payload":{"hex":""}}}',
  ])
  t.is(e.status, 1)
  t.regex(e.stderr, /EncodeError: cannot encode field channelId/)
  t.is(run(['decode', 'zz']).status, 1)
})
