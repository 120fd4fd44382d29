// Node metrics: counters kept from commit events, rendered in the Prometheus text format.

/** What `/status` and `atmo status` report. */
export interface NodeStatus {
  readonly name: string
  readonly chainId: string
  readonly height: string
  readonly head: string
  readonly stateRoot: string
  readonly peers: number
  readonly peerIds: readonly string[]
  readonly pool: number
  readonly consensus: string
  readonly rpcUrl: string
  readonly peerEndpoint: string
}

/** Counters and windows fed by the node. */
export class NodeMetrics {
  blocksCommitted = 0
  transactionsCommitted = 0
  forkSwitches = 0
  blocksPublished = 0
  blocksRejected = 0
  batchesGossipedIn = 0
  lastBlockIntervalMs = 0
  private lastCommitAt: number | undefined
  /** (time ms, transactions) of recent commits, for tx/s over the window. */
  private readonly recent: [number, number][] = []

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  committed(transactions: number, switched: boolean): void {
    const t = this.now()
    this.blocksCommitted++
    this.transactionsCommitted += transactions
    if (switched) this.forkSwitches++
    if (this.lastCommitAt !== undefined) this.lastBlockIntervalMs = t - this.lastCommitAt
    this.lastCommitAt = t
    this.recent.push([t, transactions])
    while (this.recent.length > 0 && (this.recent[0] as [number, number])[0] < t - this.windowMs) this.recent.shift()
  }

  /** Committed transactions per second over the last window. */
  txPerSecond(): number {
    const t = this.now()
    let n = 0
    for (const [at, count] of this.recent) if (at >= t - this.windowMs) n += count
    return n / (this.windowMs / 1000)
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(status: NodeStatus): string {
    const lines: string[] = []
    const metric = (name: string, type: 'gauge' | 'counter', help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}{node="${status.name}"} ${value}`)
    }
    metric('atmo_chain_height', 'gauge', 'Height of the committed chain head.', Number(status.height))
    metric('atmo_peers', 'gauge', 'Peers in the peering set.', status.peers)
    metric('atmo_pool_batches', 'gauge', 'Batches waiting in the transaction pool.', status.pool)
    metric(
      'atmo_block_interval_seconds',
      'gauge',
      'Time between the last two committed blocks.',
      this.lastBlockIntervalMs / 1000,
    )
    metric(
      'atmo_transactions_per_second',
      'gauge',
      'Committed transactions per second over the last minute.',
      this.txPerSecond(),
    )
    metric('atmo_blocks_committed_total', 'counter', 'Blocks committed (own and received).', this.blocksCommitted)
    metric('atmo_blocks_published_total', 'counter', 'Blocks this node published.', this.blocksPublished)
    metric('atmo_blocks_rejected_total', 'counter', 'Blocks from peers that failed validation.', this.blocksRejected)
    metric('atmo_transactions_committed_total', 'counter', 'Transactions committed.', this.transactionsCommitted)
    metric('atmo_fork_switches_total', 'counter', 'Fork switches.', this.forkSwitches)
    metric('atmo_batches_gossip_received_total', 'counter', 'Batches admitted from gossip.', this.batchesGossipedIn)
    return `${lines.join('\n')}\n`
  }
}
