// Building transactions from a UTXO view: transfers with change, and atomic two-party swaps.
import { InvalidTransactionError } from './errors.js'
import { type Address, EMPTY_OUTPUT, type Output, type Transaction } from './transaction.js'

export interface Utxo {
  readonly pos: bigint
  readonly output: Output
}

/**
 * A transfer of `amount` of `token` from `from` to `to`, spending at most two of `utxos`
 * (largest first) and returning change to `from`.
 */
export function buildTransfer(
  utxos: readonly Utxo[],
  from: Address,
  to: Address,
  token: Address,
  amount: bigint,
): Transaction {
  if (amount <= 0n) throw new InvalidTransactionError('bad-output', `amount must be positive, got ${amount}`, amount)
  const mine = utxos
    .filter((u) => u.output.owner === from && u.output.token === token)
    .sort((a, b) => (a.output.amount > b.output.amount ? -1 : a.output.amount < b.output.amount ? 1 : 0))
  const picked: Utxo[] = []
  let total = 0n
  for (const u of mine) {
    if (total >= amount || picked.length === 2) break
    picked.push(u)
    total += u.output.amount
  }
  if (total < amount) {
    throw new InvalidTransactionError(
      'value-not-conserved',
      `${from} cannot pay ${amount} of ${token} from two outputs (best ${total})`,
      total,
    )
  }
  const change = total - amount
  return {
    inputs: [picked[0]?.pos ?? 0n, picked[1]?.pos ?? 0n],
    outputs: [{ owner: to, token, amount }, change > 0n ? { owner: from, token, amount: change } : EMPTY_OUTPUT],
  }
}

/**
 * An atomic exchange: `a` gives its whole output to `b`'s owner and receives `b`'s output.
 * Both inputs must be signed (each party signs its own input with signInput, then
 * mergeSignatures); the operator includes it whole or not at all.
 */
export function buildSwap(a: Utxo, b: Utxo): Transaction {
  if (a.output.owner === b.output.owner)
    throw new InvalidTransactionError('bad-output', 'a swap needs two different owners')
  if (a.output.token === b.output.token)
    throw new InvalidTransactionError('bad-output', 'a swap exchanges two different tokens')
  return {
    inputs: [a.pos, b.pos],
    outputs: [
      { owner: b.output.owner, token: a.output.token, amount: a.output.amount },
      { owner: a.output.owner, token: b.output.token, amount: b.output.amount },
    ],
  }
}
