// Graph measures over the peering topology: degree distribution, connected components and
// diameter (breadth-first search from every node; exact, O(n·(n+e))).

export interface GraphReport {
  readonly nodes: number
  readonly edges: number
  readonly degree: {
    readonly min: number
    readonly max: number
    readonly mean: number
    /** degree → number of nodes with that degree */
    readonly histogram: Record<string, number>
  }
  readonly components: number
  readonly largestComponent: number
  /** Longest shortest path; within the largest component when the graph is split. */
  readonly diameter: number
  readonly meanPathLength: number
}

/** Measures an undirected graph given as adjacency lists over node indices 0..n-1. */
export function measureGraph(adjacency: readonly (readonly number[])[]): GraphReport {
  const n = adjacency.length
  const histogram: Record<string, number> = {}
  let edges2 = 0
  let min = Number.POSITIVE_INFINITY
  let max = 0
  for (const list of adjacency) {
    const d = list.length
    edges2 += d
    min = Math.min(min, d)
    max = Math.max(max, d)
    histogram[d] = (histogram[d] ?? 0) + 1
  }
  const component = new Int32Array(n).fill(-1)
  const sizes: number[] = []
  const queue = new Int32Array(Math.max(1, n))
  for (let s = 0; s < n; s++) {
    if (component[s] !== -1) continue
    const id = sizes.length
    let head = 0
    let tail = 0
    queue[tail++] = s
    component[s] = id
    while (head < tail) {
      const u = queue[head++]!
      for (const v of adjacency[u]!) {
        if (component[v] === -1) {
          component[v] = id
          queue[tail++] = v
        }
      }
    }
    sizes.push(tail)
  }
  let largest = 0
  for (let i = 1; i < sizes.length; i++) if (sizes[i]! > sizes[largest]!) largest = i
  const dist = new Int32Array(n)
  let diameter = 0
  let pathSum = 0
  let pathCount = 0
  for (let s = 0; s < n; s++) {
    if (component[s] !== largest) continue
    dist.fill(-1)
    let head = 0
    let tail = 0
    queue[tail++] = s
    dist[s] = 0
    while (head < tail) {
      const u = queue[head++]!
      const du = dist[u]!
      for (const v of adjacency[u]!) {
        if (dist[v] === -1) {
          dist[v] = du + 1
          queue[tail++] = v
          pathSum += du + 1
          pathCount++
          if (du + 1 > diameter) diameter = du + 1
        }
      }
    }
  }
  return {
    nodes: n,
    edges: edges2 / 2,
    degree: { min: n === 0 ? 0 : min, max, mean: n === 0 ? 0 : edges2 / n, histogram },
    components: sizes.length,
    largestComponent: sizes[largest] ?? 0,
    diameter,
    meanPathLength: pathCount === 0 ? 0 : pathSum / pathCount,
  }
}
