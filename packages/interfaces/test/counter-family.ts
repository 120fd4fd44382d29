// The example from src/index.ts's @example block, kept verbatim so the test proves the doc.
import type { TransactionFamily } from '../src/index.js'

export const counter: TransactionFamily = {
  name: 'counter',
  versions: ['1.0'],
  namespaces: ['c0ffee'],
  async apply(tx, state) {
    const address = `c0ffee${Buffer.from(tx.payload).toString('hex').padEnd(64, '0').slice(0, 64)}`
    const old = await state.get(address)
    const count = old === undefined ? 0n : BigInt(new TextDecoder().decode(old))
    await state.set(address, new TextEncoder().encode(String(count + 1n)))
    return { valid: true }
  },
}
