// Two Plasma chains synchronised only through master nodes bonded on both: the node copies
// block roots from one root contract to the other; anyone with both chains checks them.
import type { Hex, RootChain } from './root-chain.js'

export interface RelayMismatch {
  readonly blknum: bigint
  readonly relayed: Hex
  readonly actual: Hex
  readonly relayer: string
}

/** Relays every submitted child-block root of `source` from `fromBlknum` on into `dest`. Returns the numbers relayed. */
export async function relayRoots(source: RootChain, dest: RootChain, fromBlknum: bigint): Promise<bigint[]> {
  const chainId = BigInt(await source.chainId())
  const current = await source.currentChildBlock()
  const out: bigint[] = []
  for (let blknum = fromBlknum; blknum < current; blknum += 1000n) {
    const { root, timestamp } = await source.blockRoot(blknum)
    if (timestamp === 0n) continue
    await dest.relayRoot(chainId, source.address, blknum, root)
    out.push(blknum)
  }
  return out
}

/** Compares the roots relayed into `dest` with `source`'s own; returns every mismatch. */
export async function checkRelayedRoots(
  source: RootChain,
  dest: RootChain,
  blknums: readonly bigint[],
): Promise<RelayMismatch[]> {
  const chainId = BigInt(await source.chainId())
  const out: RelayMismatch[] = []
  for (const blknum of blknums) {
    const [{ root: actual }, relayed] = await Promise.all([
      source.blockRoot(blknum),
      dest.relayedRoot(chainId, source.address, blknum),
    ])
    if (relayed.root !== actual) out.push({ blknum, relayed: relayed.root, actual, relayer: relayed.relayer })
  }
  return out
}
