// Iterative node lookup (Kademlia §2.3) with α requests in flight and the paper's
// termination rule — stop once the k closest contacts seen have all been queried and have
// answered — extended to d disjoint paths (S/Kademlia §4.4): the k closest known contacts
// are dealt into d paths and each node is used by one path only.
import { compareDistance } from './id.js'
import type { Contact } from './messages.js'

export interface LookupOptions {
  readonly target: Uint8Array
  readonly k: number
  readonly alpha: number
  /** Number of disjoint paths d (1 = plain Kademlia). */
  readonly paths: number
  /** Starting contacts (normally the k closest in our routing table). */
  readonly seeds: readonly Contact[]
  /** Our own id, never queried. */
  readonly selfIdHex: string
  /** Asks one contact for the contacts it knows closest to the target. */
  readonly query: (c: Contact) => Promise<readonly Contact[]>
  /** Optional early stop (e.g. a value was found); checked after each answer. */
  readonly done?: () => boolean
}

export interface PathResult {
  /** The k closest contacts that answered on this path, closest first. */
  readonly closest: Contact[]
  /** Depth (hops) at which each contact in `closest` was reached. */
  readonly hops: number[]
}

export interface LookupResult {
  /** The k closest contacts that answered, over all paths, closest first. */
  readonly closest: Contact[]
  readonly paths: PathResult[]
  /** Hops to the closest responsive contact (its depth in the query tree). */
  readonly hops: number
  /** Requests sent. */
  readonly queried: number
  /** Requests that failed (timeout, malformed answer, bad signature). */
  readonly failures: number
}

interface Entry {
  contact: Contact
  state: 'new' | 'inflight' | 'ok' | 'failed'
  depth: number
}

/** Runs a (disjoint-path) iterative lookup. */
export async function iterativeLookup(o: LookupOptions): Promise<LookupResult> {
  const claimed = new Set<string>([o.selfIdHex])
  let queried = 0
  let failures = 0
  const d = Math.max(1, Math.min(o.paths, o.seeds.length || 1))
  const lists: Entry[][] = Array.from({ length: d }, () => [])
  const ordered = [...o.seeds].sort((a, b) => compareDistance(o.target, a.id, b.id))
  ordered.forEach((c, i) => {
    if (claimed.has(c.idHex)) return
    claimed.add(c.idHex)
    ;(lists[i % d] as Entry[]).push({ contact: c, state: 'new', depth: 1 })
  })

  const insert = (list: Entry[], e: Entry): void => {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareDistance(o.target, (list[mid] as Entry).contact.id, e.contact.id) < 0) lo = mid + 1
      else hi = mid
    }
    list.splice(lo, 0, e)
  }

  const runPath = async (list: Entry[]): Promise<void> => {
    let inflight = 0
    let wake: (() => void) | undefined
    const pick = (): Entry | undefined => {
      let live = 0
      for (const e of list) {
        if (e.state === 'failed') continue
        if (live++ >= o.k) return undefined
        if (e.state === 'new') return e
      }
      return undefined
    }
    for (;;) {
      if (o.done?.()) return
      while (inflight < o.alpha) {
        const e = pick()
        if (e === undefined) break
        e.state = 'inflight'
        inflight++
        queried++
        o.query(e.contact).then(
          (found) => {
            e.state = 'ok'
            for (const c of found) {
              if (claimed.has(c.idHex)) continue
              claimed.add(c.idHex)
              insert(list, { contact: c, state: 'new', depth: e.depth + 1 })
            }
            inflight--
            wake?.()
          },
          () => {
            e.state = 'failed'
            failures++
            inflight--
            wake?.()
          },
        )
      }
      if (inflight === 0) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  }

  await Promise.all(lists.map(runPath))

  const paths: PathResult[] = lists.map((list) => {
    const ok = list.filter((e) => e.state === 'ok').slice(0, o.k)
    return { closest: ok.map((e) => e.contact), hops: ok.map((e) => e.depth) }
  })
  const all: Entry[] = lists.flat().filter((e) => e.state === 'ok')
  all.sort((a, b) => compareDistance(o.target, a.contact.id, b.contact.id))
  const top = all.slice(0, o.k)
  return {
    closest: top.map((e) => e.contact),
    paths,
    hops: top[0]?.depth ?? 0,
    queried,
    failures,
  }
}
