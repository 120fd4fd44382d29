// A lean decoder for the most common transaction shape: a signed EIP-1559 (type 2) call or
// transfer with an empty access list. It accepts only input that @ethereumjs/tx would accept
// with the same meaning, and declines (undefined) everything else, which then goes through
// ethereumjs: errors and unusual forms keep ethereumjs's behaviour. test/lean-tx.test.ts
// compares both on random and mutated transactions (decision 0064).
import { rlpEncode } from '@atmosphere/ledger'
import { RLP } from '@ethereumjs/rlp'
import { keccak_256 } from '@noble/hashes/sha3.js'

/** Half the secp256k1 group order: larger s values are invalid (EIP-2). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n

/** The fields of a type-2 transaction the fast path read, and what sender recovery needs. */
export interface LeanTransaction {
  readonly nonce: bigint
  readonly gasLimit: bigint
  readonly to: Uint8Array
  readonly value: bigint
  readonly data: Uint8Array
  /** keccak256(0x02 ‖ rlp(unsigned fields)): the digest the sender signed. */
  readonly signingHash: Uint8Array
  /** r ‖ s, 32 bytes each. */
  readonly rs: Uint8Array
  readonly recoveryId: 0 | 1
}

function uint(b: Uint8Array): bigint {
  let x = 0n
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i]!)
  return x
}

/** A minimal big-endian unsigned integer (no leading zero byte) of at most `max` bytes. */
function canonical(b: unknown, max: number): b is Uint8Array {
  return b instanceof Uint8Array && b.length <= max && (b.length === 0 || b[0] !== 0)
}

/** Minimal big-endian bytes of a chain id (as ethereumjs re-encodes it for the signing hash). */
export function chainIdBytes(chainId: bigint): Uint8Array {
  if (chainId === 0n) return new Uint8Array(0)
  let h = chainId.toString(16)
  if (h.length % 2 === 1) h = `0${h}`
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Reads a signed type-2 transaction to a 20-byte address with an empty access list, or
 * returns undefined for anything else (other types, contract creation, access lists, any
 * field ethereumjs would refuse or read differently, a chain id other than `chainId`).
 * Bounds are kept tighter than ethereumjs's (nonce below 2^56, gas limit below 2^64, fees
 * below 2^128) so that every accepted transaction is one ethereumjs accepts.
 */
export function leanDecode1559(raw: Uint8Array, chainId: Uint8Array): LeanTransaction | undefined {
  if (raw.length < 2 || raw[0] !== 2) return undefined
  let values: unknown
  try {
    values = RLP.decode(raw.subarray(1))
  } catch {
    return undefined
  }
  if (!Array.isArray(values) || values.length !== 12) return undefined
  const [cid, nonce, tip, maxFee, gasLimit, to, value, data, accessList, v, r, s] = values as unknown[]
  if (!(cid instanceof Uint8Array) || !sameBytes(cid, chainId)) return undefined
  if (!canonical(nonce, 7) || !canonical(tip, 16) || !canonical(maxFee, 16) || !canonical(gasLimit, 8)) return undefined
  if (!canonical(value, 32)) return undefined
  if (!(to instanceof Uint8Array) || to.length !== 20) return undefined
  if (!(data instanceof Uint8Array)) return undefined
  if (!Array.isArray(accessList) || accessList.length !== 0) return undefined
  if (!(v instanceof Uint8Array) || !(v.length === 0 || (v.length === 1 && v[0] === 1))) return undefined
  if (!canonical(r, 32) || r.length === 0 || !canonical(s, 32) || s.length === 0) return undefined
  if (uint(tip) > uint(maxFee)) return undefined
  const sv = uint(s)
  if (sv > HALF_N) return undefined
  const unsigned = rlpEncode([cid, nonce, tip, maxFee, gasLimit, to, value, data, []])
  const prefixed = new Uint8Array(unsigned.length + 1)
  prefixed[0] = 2
  prefixed.set(unsigned, 1)
  const rs = new Uint8Array(64)
  rs.set(r, 32 - r.length)
  rs.set(s, 64 - s.length)
  return {
    nonce: uint(nonce),
    gasLimit: uint(gasLimit),
    to,
    value: uint(value),
    data,
    signingHash: keccak_256(prefixed),
    rs,
    recoveryId: v.length === 0 ? 0 : 1,
  }
}
