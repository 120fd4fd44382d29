// A development consensus engine for single-node use and tests: always publishes, accepts
// every block, and prefers the taller chain (ties broken by the lower block id).
import type { ConsensusEngine, ForkChoice } from '@atmosphere/interfaces'

/** Options of {@link devConsensus}. */
export interface DevConsensusInit {
  /** Consensus bytes written into published blocks; empty by default. */
  readonly payload?: Uint8Array
}

/** The development engine: no peers needed, no waiting, deterministic fork choice. */
export function devConsensus(init: DevConsensusInit = {}): ConsensusEngine {
  const payload = init.payload ?? new Uint8Array(0)
  return {
    name: 'dev',
    version: '1.0',
    async initialize() {},
    async chainHeadUpdated() {},
    async blockReceived() {
      return { valid: true }
    },
    async shouldPublish() {
      return { publish: true, consensus: payload }
    },
    async compareForks(current, candidate): Promise<ForkChoice> {
      if (candidate.header.height !== current.header.height) {
        return candidate.header.height > current.header.height ? 'switch' : 'keep'
      }
      return candidate.id < current.id ? 'switch' : 'keep'
    },
  }
}
