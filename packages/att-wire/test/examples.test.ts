// The README's examples run and print what they claim.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import test from 'ava'

const run = (name: string) =>
  spawnSync(process.execPath, [fileURLToPath(new URL(`../examples/${name}.js`, import.meta.url))], {
    encoding: 'utf8',
    timeout: 60_000,
  })

test('examples/frames prints the frame, its payload and the typed error', (t) => {
  const r = run('frames')
  t.is(r.status, 0, r.stderr)
  t.deepEqual(r.stdout.trim().split('\n'), [
    '0300001302f08064000603eb700568656c6c6f',
    '1003 hello',
    'OutOfRangeError channelId 10',
  ])
})

test('examples/connect connects two nodes and delivers a message', (t) => {
  const r = run('connect')
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), 'hi Bob')
})
