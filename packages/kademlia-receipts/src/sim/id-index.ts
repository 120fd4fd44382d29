// A sorted index of node ids: the ids sharing a bit prefix form one contiguous range, which
// gives brute-force-free "closest n" queries and converged k-buckets for big simulations.
import { toHex } from '../bytes.js'
import { compareDistance, ID_BYTES } from '../id.js'

function bound(prefix: Uint8Array, bits: number, fill: 0 | 0xff): string {
  const out = new Uint8Array(ID_BYTES).fill(fill)
  const full = bits >> 3
  out.set(prefix.subarray(0, full))
  const rem = bits & 7
  if (rem > 0 && full < ID_BYTES) {
    const mask = (0xff << (8 - rem)) & 0xff
    out[full] = ((prefix[full] as number) & mask) | (fill & ~mask & 0xff)
  }
  return toHex(out)
}

export class SortedIds {
  /** Positions into the caller's array, in id order. */
  readonly order: number[]
  private readonly hex: string[]

  constructor(readonly ids: readonly Uint8Array[]) {
    const hexes = ids.map(toHex)
    this.order = hexes.map((_, i) => i).sort((a, b) => ((hexes[a] as string) < (hexes[b] as string) ? -1 : 1))
    this.hex = this.order.map((i) => hexes[i] as string)
  }

  get size(): number {
    return this.order.length
  }

  private lowerBound(h: string): number {
    let lo = 0
    let hi = this.hex.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.hex[mid] as string) < h) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private upperBound(h: string): number {
    let lo = 0
    let hi = this.hex.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.hex[mid] as string) <= h) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** [lo, hi) in sorted order of the ids whose first `bits` bits equal those of `prefix`. */
  range(prefix: Uint8Array, bits: number): [number, number] {
    return [this.lowerBound(bound(prefix, bits, 0)), this.upperBound(bound(prefix, bits, 0xff))]
  }

  /** Caller positions of the ids in sorted range [lo, hi). */
  slice(lo: number, hi: number): number[] {
    return this.order.slice(lo, hi)
  }

  /** Caller positions of the n ids closest to `target` by XOR, closest first. */
  closest(target: Uint8Array, n: number): number[] {
    let bits = 0
    let [lo, hi] = [0, this.order.length]
    while (bits < 256) {
      const [l2, h2] = this.range(target, bits + 1)
      if (h2 - l2 < n) break
      ;[lo, hi] = [l2, h2]
      bits++
    }
    // every id outside [lo, hi) differs from target before bit `bits`, so is farther than any inside
    const cand = this.order.slice(lo, hi)
    cand.sort((a, b) => compareDistance(target, this.ids[a] as Uint8Array, this.ids[b] as Uint8Array))
    return cand.slice(0, n)
  }
}

/**
 * Brute force: scans every id once, keeping the n closest seen so far by XOR distance (for
 * checking lookups; no index, no routing, no shortcuts).
 */
export function bruteForceClosest(ids: readonly Uint8Array[], target: Uint8Array, n: number): number[] {
  const best: number[] = []
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as Uint8Array
    if (best.length === n && compareDistance(target, id, ids[best[n - 1] as number] as Uint8Array) >= 0) continue
    let at = best.length
    while (at > 0 && compareDistance(target, id, ids[best[at - 1] as number] as Uint8Array) < 0) at--
    best.splice(at, 0, i)
    if (best.length > n) best.pop()
  }
  return best
}
