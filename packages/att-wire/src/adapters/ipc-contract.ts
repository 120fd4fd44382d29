// A contract port for a node running in a child process: records travel over the Node IPC channel
// to a parent that hosts the contract (in tests, the in-memory contract; structured-clone IPC keeps
// Uint8Array fields intact, so fork with `serialization: 'advanced'`).

import type { ContractPort, ContractRecord } from '../connection/ports.js'

export interface IpcChannel {
  send(message: unknown): unknown
  on(event: 'message', listener: (message: unknown) => void): unknown
}

/** Message shapes between child and parent. */
export type ContractIpcMessage =
  | { readonly t: 'contract-submit'; readonly record: ContractRecord }
  | { readonly t: 'contract-record'; readonly record: ContractRecord }

/** Child side. */
export function createIpcContract(channel: IpcChannel): ContractPort {
  const seen: ContractRecord[] = []
  const handlers = new Set<(r: ContractRecord) => void>()
  channel.on('message', (m) => {
    const message = m as ContractIpcMessage
    if (message?.t !== 'contract-record') return
    seen.push(message.record)
    for (const h of [...handlers]) h(message.record)
  })
  return {
    async submit(record) {
      channel.send({ t: 'contract-submit', record } satisfies ContractIpcMessage)
    },
    subscribe(handler) {
      handlers.add(handler)
      for (const r of seen) handler(r)
      return () => {
        handlers.delete(handler)
      }
    },
  }
}

/** Parent side: forwards submissions to `contract` and broadcasts its records to every child. */
export function serveIpcContract(contract: ContractPort, children: readonly IpcChannel[]): () => void {
  for (const child of children) {
    child.on('message', (m) => {
      const message = m as ContractIpcMessage
      if (message?.t === 'contract-submit') void contract.submit(message.record)
    })
  }
  return contract.subscribe((record) => {
    for (const child of children) child.send({ t: 'contract-record', record } satisfies ContractIpcMessage)
  })
}
