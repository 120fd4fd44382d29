// Shared fixtures: deterministic identities and the paper's example contract.

import type { Contract } from '../src/contract.js'
import { paperExample } from '../src/example.js'
import { type Identity, identityFromSecret } from '../src/identity.js'

/** Identity number `i`: secret key = 32 bytes of (i + 1). Deterministic, for tests only. */
export function testIdentity(i: number): Identity {
  return identityFromSecret(new Uint8Array(32).fill(i + 1))
}

export function sixParties(): Identity[] {
  return Array.from({ length: 6 }, (_v, i) => testIdentity(i))
}

export function exampleContract(ids: readonly Identity[], deadlineMs = 2000): Contract {
  return paperExample(
    ids.map((id) => id.publicKey),
    new Uint8Array(16).fill(7),
    deadlineMs,
  )
}
