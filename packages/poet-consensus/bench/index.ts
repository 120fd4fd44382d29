// Benchmarks, each measured side by side with its baseline in the same run (CONTRIBUTING.md).
// Prints one JSON line per result.
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  decodeWaitCertificate,
  encodeWaitCertificate,
  NULL_CERTIFICATE_ID,
  seededRng,
  simulate,
  simulatedEnclave,
  verifyWaitCertificate,
} from '../src/index.js'

function line(bench: string, value: number, unit: string, baseline: string, baselineValue: number) {
  console.log(
    JSON.stringify({
      bench,
      value: Math.round(value),
      unit,
      baseline,
      baselineValue: Math.round(baselineValue),
      ratio: Number((value / baselineValue).toFixed(3)),
    }),
  )
}

/** Runs `fn` repeatedly for about `ms`, returns operations per second. */
function rate(fn: () => void, ms: number): number {
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) fn()
    ops += 20
    now = performance.now()
  }
  return (ops * 1000) / (now - start)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

// --- poet-sim-1000: simulated blocks per wall-second with 1,000 validators -----------------
// Baseline: the irreducible work of one round in the same model (every validator draws its
// wait and its network delay, then the earliest claim is found), with no consensus rules.
function bareRounds(validators: number, blocks: number, seed: number): number {
  const rng = seededRng(seed)
  const expiry = new Float64Array(validators)
  let last = 0
  const start = performance.now()
  for (let b = 0; b < blocks; b++) {
    let best = Number.POSITIVE_INFINITY
    for (let i = 0; i < validators; i++) {
      const e = last + 200 * (0.5 + rng.fast()) + 50 + (1 + 1000 * -Math.log(rng.fastOpen())) * 1000
      expiry[i] = e
      if (e < best) best = e
    }
    last = best
  }
  return (blocks * 1000) / (performance.now() - start)
}
{
  simulate({ validators: 1000, blocks: 500, delayMs: 200, seed: 1 }) // warm-up
  bareRounds(1000, 500, 1)
  const sim: number[] = []
  const bare: number[] = []
  const simCpu: number[] = []
  const bareCpu: number[] = []
  const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6
  for (let rep = 0; rep < 3; rep++) {
    let cpu = process.cpuUsage()
    const r = simulate({ validators: 1000, blocks: 5000, delayMs: 200, seed: 100 + rep })
    simCpu.push(r.blocks / cpuSeconds(process.cpuUsage(cpu)))
    sim.push((r.blocks * 1000) / r.wallMs)
    cpu = process.cpuUsage()
    bare.push(bareRounds(1000, 5000, 100 + rep))
    bareCpu.push(5000 / cpuSeconds(process.cpuUsage(cpu)))
  }
  line(
    'poet-sim-1000',
    median(sim),
    'blocks/s',
    'naive rounds: every one of 1,000 validators draws wait + delay, argmin, no rules',
    median(bare),
  )
  // The same runs per CPU-second: on a shared machine wall time includes waiting for a core.
  line(
    'poet-sim-1000-cpu',
    median(simCpu),
    'blocks/cpu-s',
    'naive rounds: every one of 1,000 validators draws wait + delay, argmin, no rules',
    median(bareCpu),
  )
}

// --- verify-wait-certificate: decode + sha256 + secp256k1 verify vs. bare verify ------------
{
  let now = 0
  const rng = seededRng(9)
  const enclave = simulatedEnclave({ clock: { now: () => now }, random: rng.bytes })
  const info = enclave.createSignupInfo(new Uint8Array(32), new Uint8Array(32))
  const validator = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(rng.bytes(48)), true)
  const timer = enclave.createWaitTimer(validator, NULL_CERTIFICATE_ID, 20)
  now += timer.duration * 1000
  const bytes = encodeWaitCertificate(enclave.createWaitCertificate(timer, sha256(new Uint8Array([1]))))
  const { certificate, body } = decodeWaitCertificate(bytes)
  const hash = sha256(body)
  if (verifyWaitCertificate(bytes, info.poetPublicKey) === undefined)
    throw new Error('benchmark certificate does not verify')
  const full = () => {
    if (verifyWaitCertificate(bytes, info.poetPublicKey) === undefined) throw new Error('verify failed')
  }
  const bareVerify = () => {
    if (!secp256k1.verify(certificate.signature, hash, info.poetPublicKey, { prehash: false }))
      throw new Error('verify failed')
  }
  rate(full, 200)
  rate(bareVerify, 200)
  const a: number[] = []
  const b: number[] = []
  for (let rep = 0; rep < 5; rep++) {
    a.push(rate(full, 400))
    b.push(rate(bareVerify, 400))
  }
  line('verify-wait-certificate', median(a), 'ops/s', 'bare secp256k1 verify of a precomputed hash', median(b))
}
