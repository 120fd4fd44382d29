// Catch-up including a peer on another branch that is not taller than ours. ledger's
// catchUp starts at our height + 1, so a peer whose head is another branch at the same or a
// lower height yields nothing, and after a partition two equal-height branches would never
// meet. Here such a branch is fetched from its fork point and handed to receiveBlock, whose
// fork choice (the consensus engine's compareForks) decides. Requested of ledger: see report.
import type { Block } from '@atmosphere/interfaces'
import type { CatchUpPort, Ledger } from '@atmosphere/ledger'

/** Blocks applied or stored from `port`; uses ledger.catchUp when the peer is taller. */
export async function catchUpAnyBranch(ledger: Ledger, port: CatchUpPort, pageSize = 16): Promise<number> {
  const remote = await port.head()
  if (await ledger.chain.hasBlock(remote.id)) return 0
  if (remote.height > ledger.head.header.height) return ledger.catchUp(port, pageSize)
  // Step back from the peer's head until a page starts on a block we hold.
  let from = remote.height
  let step = 1n
  let blocks: readonly Block[] = await port.blocks(from, pageSize)
  while (blocks.length > 0 && !(await ledger.chain.hasBlock((blocks[0] as Block).header.parentId))) {
    if (from <= 1n) return 0
    from = from - step > 1n ? from - step : 1n
    step *= 2n
    blocks = await port.blocks(from, pageSize)
  }
  let received = 0
  while (blocks.length > 0) {
    for (const b of blocks) if ((await ledger.receiveBlock(b)) !== 'duplicate') received++
    const last = blocks[blocks.length - 1] as Block
    if (last.header.height >= remote.height) break
    blocks = await port.blocks(last.header.height + 1n, pageSize)
  }
  return received
}
