// Seth's state layout under the ledger: one address per account, per code and per storage
// slot, all under Seth's namespace prefix a68b06 (Sawtooth Seth's namespace).
import { rlpEncode } from '@atmosphere/ledger'
import { RLP } from '@ethereumjs/rlp'
import { Account, bigIntToUnpaddedBytes, bytesToBigInt, KECCAK256_NULL, KECCAK256_RLP } from '@ethereumjs/util'

/** Sawtooth Seth's namespace: the first 6 hex digits of SHA-512("seth"). */
export const SETH_NAMESPACE = 'a68b06'

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
export function hex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!]
  return s
}

/** `addr` is 40 lowercase hex digits. */
export const accountKey = (addr: string): string => `${SETH_NAMESPACE}${addr}00`
export const codeKey = (addr: string): string => `${SETH_NAMESPACE}${addr}02`
export const permissionsKey = (addr: string): string => `${SETH_NAMESPACE}${addr}03`
/** `slot` is 64 lowercase hex digits. */
export const storageKey = (addr: string, slot: string): string => `${SETH_NAMESPACE}${addr}01${slot}`

/** Account bytes: RLP [nonce, balance, codeHash or empty when there is no code]. */
export function encodeAccount(a: Account): Uint8Array {
  const hasCode = !equalBytes(a.codeHash, KECCAK256_NULL)
  return rlpEncode([
    bigIntToUnpaddedBytes(a.nonce),
    bigIntToUnpaddedBytes(a.balance),
    hasCode ? a.codeHash : new Uint8Array(0),
  ])
}

export function decodeAccount(b: Uint8Array): Account {
  const [n, bal, ch] = RLP.decode(b) as Uint8Array[]
  return new Account(bytesToBigInt(n!), bytesToBigInt(bal!), KECCAK256_RLP, ch!.length === 0 ? KECCAK256_NULL : ch!)
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
