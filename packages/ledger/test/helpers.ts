// Test helpers: a counter family with per-signer nonces, and quick builders.
import type { Signer, StateView } from '@atmosphere/interfaces'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  bytesToHex,
  createLedger,
  devConsensus,
  type Ledger,
  type LedgerFamily,
  memoryStore,
  randomSecretKey,
  secp256k1Signer,
  signBatch,
  signTransaction,
  systemClock,
} from '../src/index.js'
import type { StateReader } from '../src/state.js'

export const NS = 'c0ffee'
const utf8 = new TextEncoder()
const utf8d = new TextDecoder()

const nonceAddress = (signer: Uint8Array) => `${NS}00${bytesToHex(sha256(signer)).slice(0, 62)}`
export const counterAddress = (key: string) => `${NS}01${bytesToHex(sha256(utf8.encode(key))).slice(0, 62)}`

async function readNumber(state: StateReader | StateView, address: string): Promise<bigint> {
  const v = await state.get(address)
  return v === undefined ? 0n : BigInt(utf8d.decode(v))
}

/** Counts writes per key; payload "fail:..." is an invalid transaction; nonces must be in order. */
export const counter: LedgerFamily = {
  name: 'counter',
  versions: ['1.0'],
  namespaces: [NS],
  async apply(tx, state) {
    const key = utf8d.decode(tx.payload)
    if (key.startsWith('fail')) return { valid: false, reason: 'asked to fail' }
    const na = nonceAddress(tx.header.signerPublicKey)
    const nonce = await readNumber(state, na)
    if (nonce !== tx.header.nonce) return { valid: false, reason: `nonce ${tx.header.nonce} != ${nonce}` }
    await state.set(na, utf8.encode(String(nonce + 1n)))
    const a = counterAddress(key)
    const n = (await readNumber(state, a)) + 1n
    await state.set(a, utf8.encode(String(n)))
    return {
      valid: true,
      receipt: utf8.encode(String(n)),
      events: [{ type: 'counted', attributes: [['key', key]], data: new Uint8Array(0) }],
    }
  },
  nextNonce: (signer, state) => readNumber(state, nonceAddress(signer)),
}

export async function counterValue(state: StateReader, key: string): Promise<bigint> {
  return readNumber(state, counterAddress(key))
}

export async function makeBatch(batcher: Signer, user: Signer, nonce: bigint, key: string) {
  const tx = await signTransaction(user, {
    familyName: 'counter',
    familyVersion: '1.0',
    nonce,
    payload: utf8.encode(key),
    batcherPublicKey: batcher.publicKey,
    inputs: [NS],
    outputs: [NS],
  })
  return signBatch(batcher, [tx])
}

export function newSigner(): Signer {
  return secp256k1Signer(randomSecretKey())
}

export async function memoryLedger(signer = newSigner(), store = memoryStore()): Promise<Ledger> {
  return createLedger({
    store,
    families: [counter],
    consensus: devConsensus(),
    signer,
    clock: systemClock(),
    genesis: { timestamp: 1 },
  })
}
