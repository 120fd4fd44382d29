// att-wire benchmarks: each contender measured in alternating rounds within one run; the median of
// the rounds is reported with its ratio to the baseline.
import { createCipheriv, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { deserialize, serialize } from 'binary-layout'
import { attFrame, attFrameCodec, attFrameLayout } from '../src/layouts/att.js'
import { loginCodec, loginLayout } from '../src/layouts/login.js'
import { createSession } from '../src/session/session.js'
import { handDecodeAttFrame, handDecodeLogin, handEncodeAttFrame } from './handwritten.js'

const ROUNDS = Number(process.env.ATT_BENCH_ROUNDS ?? 7)
const ROUND_MS = Number(process.env.ATT_BENCH_ROUND_MS ?? 250)
let sink = 0

/** Operations per second of `fn` over about ROUND_MS. */
function measure(fn: () => unknown): number {
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 256; i++) {
      const r = fn() as { length?: number }
      sink ^= r ? 1 : 0
    }
    n += 256
    now = performance.now()
  }
  return (n * 1000) / (now - start)
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function compare(contenders: Record<string, () => unknown>): Record<string, number> {
  const samples: Record<string, number[]> = {}
  for (const name of Object.keys(contenders)) {
    samples[name] = []
    measure(contenders[name]!) // warm-up
  }
  for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(contenders)) samples[name]!.push(measure(fn))
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}

function report(bench: string, unit: string, value: number, baseline: string, baselineValue: number) {
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

// ATT head + TPTP head + ATT message + 64-byte payload.
const frameValue = attFrame({ type: 0x64, initiator: 6, channelId: 0x03eb, flag: 0x70, payload: randomBytes(64) })
const frameBytes = attFrameCodec.encode(frameValue)
// Sanity: the three decoders agree before anything is timed.
const same = JSON.stringify
if (
  same(attFrameCodec.decode(frameBytes)) !== same(handDecodeAttFrame(frameBytes)) ||
  same(deserialize(attFrameLayout, frameBytes)) !== same(handDecodeAttFrame(frameBytes)) ||
  Buffer.compare(Buffer.from(handEncodeAttFrame(frameValue)), Buffer.from(frameBytes)) !== 0 ||
  Buffer.compare(Buffer.from(serialize(attFrameLayout, frameValue)), Buffer.from(frameBytes)) !== 0
) {
  throw new Error('contenders disagree on the ATT frame')
}

const decode = compare({
  fast: () => attFrameCodec.decode(frameBytes),
  layout: () => deserialize(attFrameLayout, frameBytes),
  hand: () => handDecodeAttFrame(frameBytes),
})
report('decode-att-frame', 'ops/s', decode.fast!, 'plain binary-layout deserialize', decode.layout!)
report('decode-att-frame', 'ops/s', decode.fast!, 'hand-written DataView', decode.hand!)

const encode = compare({
  fast: () => attFrameCodec.encode(frameValue),
  layout: () => serialize(attFrameLayout, frameValue),
  hand: () => handEncodeAttFrame(frameValue),
})
report('encode-att-frame', 'ops/s', encode.fast!, 'plain binary-layout serialize', encode.layout!)
report('encode-att-frame', 'ops/s', encode.fast!, 'hand-written DataView', encode.hand!)

// The TS_INFO_PACKET from IronRDP's test suite (5 strings + extended info).
const vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/ironrdp-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Record<string, string> }
const loginBytes = Uint8Array.from(Buffer.from(vectors.vectors['CLIENT_INFO_BUFFER_UNICODE']!, 'hex'))
if (same(loginCodec.decode(loginBytes)) !== same(handDecodeLogin(loginBytes))) {
  throw new Error('contenders disagree on the login structure')
}
const login = compare({
  fast: () => loginCodec.decode(loginBytes),
  layout: () => deserialize(loginLayout, loginBytes),
  hand: () => handDecodeLogin(loginBytes),
})
report('decode-tptp-login', 'ops/s', login.fast!, 'plain binary-layout deserialize', login.layout!)
report('decode-tptp-login', 'ops/s', login.fast!, 'hand-written DataView', login.hand!)

// Sealing 1 KiB records: the whole att-wire record (frame + noble ChaCha20-Poly1305) against
// node:crypto's native ChaCha20-Poly1305 over the same plaintext and associated data.
const RECORD = 1024
const key = new Uint8Array(randomBytes(32))
const session = createSession({ role: 'initiator', keys: { send: key, receive: key } })
const plaintext = new Uint8Array(randomBytes(RECORD))
const aad = new Uint8Array(23)
let counter = 0n
const nonce = Buffer.alloc(12)
const seal = compare({
  att: () => session.seal(plaintext),
  node: () => {
    nonce.writeBigUInt64BE(counter++, 4)
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    c.setAAD(aad, { plaintextLength: RECORD })
    const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()])
    return out
  },
})
const mb = (opsPerSecond: number) => (opsPerSecond * RECORD) / 1e6
report('session-seal', 'MB/s', mb(seal.att!), 'node:crypto chacha20-poly1305 (AEAD only)', mb(seal.node!))
if (sink === 42) console.error('')
