// Seth's receipt bytes (stored by the ledger per transaction) and revert-reason decoding.
import { rlpEncode, utf8Bytes } from '@atmosphere/ledger'
import { RLP } from '@ethereumjs/rlp'
import { bigIntToUnpaddedBytes, bytesToBigInt } from '@ethereumjs/util'

/** An EVM log: emitting address, topics, data. */
export type EvmLog = readonly [address: Uint8Array, topics: readonly Uint8Array[], data: Uint8Array]

/** The outcome of one EVM transaction. */
export interface SethReceipt {
  /** 1 success, 0 reverted or failed. */
  readonly status: 0 | 1
  readonly gasUsed: bigint
  readonly contractAddress?: Uint8Array
  readonly logs: readonly EvmLog[]
  /** Return or revert bytes. */
  readonly output: Uint8Array
  /** Why execution failed (EVM error name), if it did. */
  readonly error?: string
}

const utf8d = new TextDecoder()

/** RLP [status, gasUsed, contractAddress | empty, logs, output, error | empty]. */
export function encodeSethReceipt(r: SethReceipt): Uint8Array {
  return rlpEncode([
    bigIntToUnpaddedBytes(BigInt(r.status)),
    bigIntToUnpaddedBytes(r.gasUsed),
    r.contractAddress ?? new Uint8Array(0),
    r.logs.map(([a, t, d]) => [a, [...t], d]),
    r.output,
    utf8Bytes(r.error ?? ''),
  ])
}

export function decodeSethReceipt(b: Uint8Array): SethReceipt {
  const f = RLP.decode(b) as unknown as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    [Uint8Array, Uint8Array[], Uint8Array][],
    Uint8Array,
    Uint8Array,
  ]
  const error = utf8d.decode(f[5])
  return {
    status: bytesToBigInt(f[0]) === 1n ? 1 : 0,
    gasUsed: bytesToBigInt(f[1]),
    ...(f[2].length > 0 ? { contractAddress: f[2] } : {}),
    logs: f[3].map(([a, t, d]) => [a, t, d] as const),
    output: f[4],
    ...(error === '' ? {} : { error }),
  }
}

/** Decodes Solidity's Error(string) revert payload (selector 0x08c379a0); undefined for anything else. */
export function revertReason(output: Uint8Array): string | undefined {
  if (output.length < 4 + 64) return undefined
  if (output[0] !== 0x08 || output[1] !== 0xc3 || output[2] !== 0x79 || output[3] !== 0xa0) return undefined
  const body = output.subarray(4)
  const offset = Number(bytesToBigInt(body.subarray(0, 32)))
  if (offset + 32 > body.length) return undefined
  const length = Number(bytesToBigInt(body.subarray(offset, offset + 32)))
  if (offset + 32 + length > body.length) return undefined
  return utf8d.decode(body.subarray(offset + 32, offset + 32 + length))
}
