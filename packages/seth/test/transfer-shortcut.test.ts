// Plain value transfers skip the EVM (family.ts, runNow). Two chains with the same genesis,
// one with the shortcut and one sending every transfer through @ethereumjs/evm, get the same
// random transfers (to other accounts, to self, to fresh addresses, to a contract that
// accepts value, to one that reverts, to a precompile; too little balance, too little gas,
// a sender without the send permission); admission errors, blocks, receipts and state roots
// must be the same.
import { memoryStore, randomSecretKey } from '@atmosphere/ledger'
import test from 'ava'
import { getCreateAddress, Wallet } from 'ethers'
import fc from 'fast-check'
import { createDevChain, type DevChain, Permission } from '../src/index.js'

const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
]
const wallets = KEYS.map((k) => new Wallet(k))
const BALANCES = [10n ** 18n, 5000n, 1n, 10n ** 18n]

/** Init code that deploys `runtime` (at most 32 bytes). */
function deploy(runtime: string): string {
  const n = runtime.length / 2
  const h = (x: number) => x.toString(16).padStart(2, '0')
  return `0x${h(0x5f + n)}${runtime}600052${`60${h(n)}`}${`60${h(32 - n)}`}f3`
}
const ACCEPTS = '00' // STOP: takes any value
const REVERTS = '60006000fd' // REVERT(0, 0)

const raw = (hex: string) => Uint8Array.from(Buffer.from(hex.slice(2), 'hex'))

async function send(chain: DevChain, tx: string): Promise<string> {
  try {
    return await chain.node.sendRawTransaction(raw(tx))
  } catch (e) {
    return `error: ${(e as Error).message}`
  }
}

async function pair(secretKey: Uint8Array): Promise<[DevChain, DevChain]> {
  const init = {
    secretKey,
    alloc: Object.fromEntries(wallets.map((w, i) => [w.address, BALANCES[i]!])),
    // The last account may call contracts but not send to accounts.
    permissions: { [wallets[3]!.address]: Permission.call },
    mining: { mode: 'manual' as const },
    genesisTimestamp: 1_000,
  }
  const a = await createDevChain({ ...init, store: memoryStore() })
  const b = await createDevChain({ ...init, store: memoryStore() })
  b.family.plainTransferShortcut = false
  return [a, b]
}

const op = fc.record({
  from: fc.nat(3),
  to: fc.constantFrom('other', 'self', 'fresh', 'accepts', 'reverts', 'precompile'),
  other: fc.nat(3),
  value: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 3000n }), fc.bigInt({ min: 1n, max: 10n ** 18n })),
  gas: fc.constantFrom(21000n, 21000n, 21000n, 20999n, 60000n),
  mine: fc.boolean(),
})

test('plain transfers give the same admissions, receipts and state roots with and without the EVM', async (t) => {
  t.timeout(300_000)
  let compared = 0
  let included = 0
  let refused = 0
  await fc.assert(
    fc.asyncProperty(
      fc.array(op, { minLength: 4, maxLength: 14 }),
      fc.uint8Array({ minLength: 20, maxLength: 20 }),
      async (ops, fresh) => {
        const chains = await pair(randomSecretKey())
        try {
          const nonces = [0, 0, 0, 0]
          // Both contracts from account 0.
          const contracts: string[] = []
          for (const code of [ACCEPTS, REVERTS]) {
            const tx = await wallets[0]!.signTransaction({
              type: 2,
              chainId: 31337n,
              nonce: nonces[0]!,
              data: deploy(code),
              gasLimit: 100_000n,
              maxFeePerGas: 0n,
              maxPriorityFeePerGas: 0n,
            })
            contracts.push(getCreateAddress({ from: wallets[0]!.address, nonce: nonces[0]! }))
            for (const c of chains) t.regex(await send(c, tx), /^0x/)
            nonces[0]!++
          }
          for (const c of chains) await c.node.mine()
          const sent: string[] = []
          const mineBoth = async () => {
            const blocks = await Promise.all(chains.map((c) => c.node.mine()))
            t.is(blocks[0]?.header.stateRoot.toString(), blocks[1]?.header.stateRoot.toString())
            t.deepEqual(
              blocks[0]?.batches.flatMap((b) => b.transactions.map((x) => x.id)),
              blocks[1]?.batches.flatMap((b) => b.transactions.map((x) => x.id)),
            )
            compared++
          }
          for (const o of ops) {
            const w = wallets[o.from]!
            const to =
              o.to === 'other'
                ? wallets[o.other]!.address
                : o.to === 'self'
                  ? w.address
                  : o.to === 'fresh'
                    ? `0x${Buffer.from(fresh).toString('hex')}`
                    : o.to === 'accepts'
                      ? contracts[0]!
                      : o.to === 'reverts'
                        ? contracts[1]!
                        : '0x0000000000000000000000000000000000000004'
            const tx = await w.signTransaction({
              type: 2,
              chainId: 31337n,
              nonce: nonces[o.from]!,
              to,
              value: o.value,
              gasLimit: o.gas,
              maxFeePerGas: 0n,
              maxPriorityFeePerGas: 0n,
            })
            const [ra, rb] = await Promise.all(chains.map((c) => send(c, tx)))
            t.is(ra, rb, `${o.to} ${o.value}`)
            if (ra!.startsWith('0x')) {
              nonces[o.from]!++
              sent.push(ra!.slice(2))
            } else refused++
            if (o.mine) await mineBoth()
          }
          await mineBoth()
          for (const id of sent) {
            const [x, y] = await Promise.all(chains.map((c) => c.node.transaction(id)))
            t.is(x === undefined, y === undefined)
            if (x === undefined || y === undefined) continue
            included++
            t.deepEqual(
              {
                status: x.receipt.status,
                gasUsed: x.receipt.gasUsed,
                error: x.receipt.error,
                block: x.block.header.height,
              },
              {
                status: y.receipt.status,
                gasUsed: y.receipt.gasUsed,
                error: y.receipt.error,
                block: y.block.header.height,
              },
            )
          }
          for (const w of [...wallets.map((x) => x.address), ...contracts, `0x${Buffer.from(fresh).toString('hex')}`]) {
            const a = w.slice(2).toLowerCase()
            t.deepEqual(await chains[0].node.account(a), await chains[1].node.account(a), a)
          }
        } finally {
          for (const c of chains) await c.close()
        }
      },
    ),
    { numRuns: 25 },
  )
  t.log(`${compared} blocks compared, ${included} transactions included, ${refused} refused at admission`)
  t.true(included > 50)
  t.true(refused > 5)
})
