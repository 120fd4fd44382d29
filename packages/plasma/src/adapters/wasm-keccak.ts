// keccak256 through hash-wasm's WebAssembly Keccak: about 5× @noble/hashes on this machine
// and cheaper to call than a native addon (docs/plasma.md#operator-throughput). One hasher
// per thread (each worker loads its own module instance), re-initialised for every hash.
import { createKeccak } from 'hash-wasm'

const hasher = await createKeccak(256)

/** keccak256 (Ethereum's, padding 0x01; not SHA3-256) of `data`. */
export function keccak256Wasm(data: Uint8Array): Uint8Array {
  hasher.init()
  hasher.update(data)
  return hasher.digest('binary')
}
