// One PoET engine publishing a block on a genesis block, and a second engine checking it.
import type { ChainBlock } from '@atmosphere/interfaces'
import {
  defaultHeaderDigest,
  memoryRegistry,
  originatorPublicKeyHash,
  poet,
  signupNonce,
  simulatedEnclave,
  virtualClock,
} from '@atmosphere/poet-consensus'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToHex } from '@noble/hashes/utils.js'

const ZERO = '00'.repeat(32)
const genesis: ChainBlock = {
  id: ZERO,
  header: {
    height: 0n,
    parentId: ZERO,
    stateRoot: new Uint8Array(32),
    batchIds: [],
    consensus: new Uint8Array(),
    signerPublicKey: new Uint8Array(33),
    timestamp: 0,
  },
  headerSignature: new Uint8Array(),
}
const clock = virtualClock(0)
const registry = memoryRegistry()
const chain = { getBlock: async (id: string) => (id === ZERO ? genesis : undefined), getSetting: async () => undefined }

async function validator() {
  const secretKey = secp256k1.utils.randomSecretKey()
  const publicKey = secp256k1.getPublicKey(secretKey, true)
  const enclave = simulatedEnclave({ clock })
  const id = bytesToHex(publicKey)
  registry.register({
    validatorId: id,
    signupInfo: enclave.createSignupInfo(originatorPublicKeyHash(id), signupNonce(ZERO)),
    signupBlockId: ZERO,
    signupHeight: 0,
    commitHeight: 0,
  })
  const engine = poet({ settings: { targetWaitTime: 5 } })({ enclave, registry })
  await engine.initialize({
    chainHead: genesis,
    chain,
    clock,
    signer: { scheme: 'secp256k1', publicKey, sign: (m) => secp256k1.sign(m, secretKey) },
  })
  return { engine, publicKey, secretKey }
}

const alice = await validator()
const bob = await validator()
for (;;) {
  const header = {
    ...genesis.header,
    height: 1n,
    parentId: ZERO,
    signerPublicKey: alice.publicKey,
    timestamp: clock.now(),
  }
  const decision = await alice.engine.shouldPublish({ parent: genesis, digest: defaultHeaderDigest(header) })
  if (!decision.publish) {
    await clock.advance(decision.retryAfterMs ?? 1000) // virtual time: the wait costs nothing
    continue
  }
  const block: ChainBlock = {
    id: 'ab'.repeat(32),
    header: { ...header, consensus: decision.consensus },
    headerSignature: secp256k1.sign(defaultHeaderDigest(header), alice.secretKey),
  }
  console.log(`alice waited ${(clock.now() / 1000).toFixed(1)} s (virtual) and published`)
  console.log('bob says:', await bob.engine.blockReceived(block))
  break
}
