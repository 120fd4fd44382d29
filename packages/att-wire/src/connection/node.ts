// The contract-mediated connection of seed 1.9 as a pure core over ports: A posts a request, B
// accepts, A seals its endpoint to B's key, B dials and sends a signed Hello, A answers with its own,
// B replies SUCCESS inside the encrypted session. Then both exchange sealed ATT frames.

import type { Clock } from '@atmosphere/interfaces'
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js'
import { ConnectionError, ReplayedHelloError, UnexpectedMessageError, WrongKeyError } from '../errors.js'
import { ATT_FLAG_HIGH, ATT_RECEIVE, ATT_SEND, decodeAttFrame, encodeAttFrame } from '../layouts/att.js'
import { type TptpMessage, type TptpMessageOf, type TptpMessageType, tptpMessageCodec } from '../layouts/messages.js'
import {
  answerEncodings,
  chooseSecurityMethod,
  ExtensionTracker,
  negotiateVersion,
  PROTOCOL_VERSION,
  SECURITY_X25519_CHACHA20POLY1305,
} from '../negotiation.js'
import { createSession, type Role, type Session } from '../session/session.js'
import { FrameReader } from './frame-reader.js'
import { createHelloInitiator, createHelloResponder, verifyHelloInitiator, verifyHelloResponder } from './handshake.js'
import { addressOf, type Identity, identityFromSecret, openEndpoint, sealEndpoint } from './identity.js'
import type { ByteStream, ConnectionRequestRecord, ContractPort, ContractRecord, NetworkPort } from './ports.js'

export interface AttNodeInit {
  /** Ed25519 secret key (PrivKey of seed 1.9). */
  readonly secretKey: Uint8Array
  /** B's choice: accept a request or ignore it (default: accept). */
  readonly accept?: (request: ConnectionRequestRecord) => boolean | Promise<boolean>
  /** Per-step timeout of the handshake in ms of the injected clock (default 10 000). */
  readonly timeoutMs?: number
  /** Encodings (and negative pseudo-encodings) this node supports as a receiver. */
  readonly encodings?: readonly number[]
  /** Encodings this node asks for when it dials. */
  readonly requestEncodings?: readonly number[]
}

export interface AttNodeComponents {
  readonly contract: ContractPort
  readonly network: NetworkPort
  readonly clock: Clock
  readonly random?: (n: number) => Uint8Array
}

/** An established, encrypted peer-to-peer connection. */
export interface AttConnection {
  readonly role: Role
  readonly requestId: string
  readonly peer: string
  readonly peerKey: Uint8Array
  /** Pseudo-encodings the peer confirmed (empty on the side that did not ask). */
  readonly extensions: ReadonlySet<number>
  send(data: Uint8Array, channelId?: number): void
  onMessage(handler: (data: Uint8Array, channelId: number) => void): void
  onClose(handler: (error?: Error) => void): void
  close(): void
}

export interface AttNode {
  readonly identity: Identity
  readonly address: string
  /** As A: asks `to` through the contract and resolves once the encrypted session stands. */
  connect(to: string, reason: string): Promise<AttConnection>
  /** As B: connections this node accepted. */
  onConnection(handler: (connection: AttConnection) => void): void
  /** Failed attempts that no `connect` call awaits (refused Hellos, bad endpoints...). */
  onError(handler: (error: Error) => void): void
  stop(): Promise<void>
}

function plainFrame(role: Role, message: TptpMessage): Uint8Array {
  return encodeAttFrame({
    type: role === 'responder' ? ATT_SEND : ATT_RECEIVE,
    initiator: 0,
    channelId: 0x03eb,
    flag: ATT_FLAG_HIGH,
    payload: tptpMessageCodec.encode(message),
  })
}

function expect<K extends TptpMessageType>(state: string, message: TptpMessage, type: K): TptpMessageOf<K> {
  if (message.type !== type) throw new UnexpectedMessageError(state, message.type)
  return message as TptpMessageOf<K>
}

/** Data messages an established connection holds until the application attaches a handler. */
const MAX_EARLY_MESSAGES = 1024

function establish(
  role: Role,
  stream: ByteStream,
  reader: FrameReader,
  session: Session,
  request: { id: string; peer: string; peerKey: Uint8Array },
  extensions: ReadonlySet<number>,
): AttConnection {
  const messageHandlers: ((d: Uint8Array, c: number) => void)[] = []
  const closeHandlers: ((e?: Error) => void)[] = []
  // Frames that arrived with the handshake's last frame (or before the application attached a
  // handler) wait here: reader.listen() flushes queued frames at once, before the caller of
  // establish() has had a chance to call onMessage.
  const early: Array<[Uint8Array, number]> = []
  let closed = false
  const finish = (error?: Error) => {
    if (closed) return
    closed = true
    stream.close()
    for (const h of closeHandlers) h(error)
  }
  reader.onError = (e) => finish(e instanceof ConnectionError && e.message === 'stream closed' ? undefined : e)
  reader.listen((frame) => {
    if (closed) return
    try {
      const record = session.open(frame)
      const message = tptpMessageCodec.decode(record.plaintext)
      if (message.type !== 'data') throw new UnexpectedMessageError('established', message.type)
      if (messageHandlers.length === 0) {
        if (early.length >= MAX_EARLY_MESSAGES)
          throw new ConnectionError('too many messages before a handler', hexToBytes(request.id))
        early.push([message.data, record.channelId])
        return
      }
      for (const h of messageHandlers) h(message.data, record.channelId)
    } catch (e) {
      finish(e as Error)
    }
  })
  return {
    role,
    requestId: request.id,
    peer: request.peer,
    peerKey: request.peerKey,
    extensions,
    send(data, channelId) {
      if (closed) throw new ConnectionError('connection closed', hexToBytes(request.id))
      stream.write(session.seal(tptpMessageCodec.encode({ type: 'data', data }), channelId))
    },
    onMessage(h) {
      messageHandlers.push(h)
      for (const [data, channelId] of early.splice(0)) h(data, channelId)
    },
    onClose(h) {
      closeHandlers.push(h)
    },
    close() {
      finish()
    },
  }
}

export function createAttNode(init: AttNodeInit) {
  return (components: AttNodeComponents): AttNode => {
    const identity = identityFromSecret(init.secretKey)
    const random = components.random ?? ((n: number) => randomBytes(n))
    const timeout = init.timeoutMs ?? 10_000
    const supported = new Set(init.encodings ?? [])
    const { contract, network, clock } = components
    const connectionHandlers: ((c: AttConnection) => void)[] = []
    const errorHandlers: ((e: Error) => void)[] = []
    const reportError = (e: Error) => {
      for (const h of errorHandlers) h(e)
    }
    /** A's pending requests: id → waiters for the accept record. */
    const outgoing = new Map<string, { to: string; onAccept: (r: ContractRecord & { kind: 'accept' }) => void }>()
    /** B's accepted requests waiting for the endpoint. */
    const accepted = new Map<string, ConnectionRequestRecord>()
    /** Requests whose Hello A already answered: a second Hello is a replay. */
    const answered = new Set<string>()
    const stopping: (() => Promise<void>)[] = []

    const onRecord = (record: ContractRecord) => {
      if (record.kind === 'accept') outgoing.get(record.id)?.onAccept(record)
      else if (record.kind === 'request' && record.to === identity.address) considerRequest(record).catch(reportError)
      else if (record.kind === 'endpoint' && accepted.has(record.id)) {
        const request = accepted.get(record.id)!
        accepted.delete(record.id)
        void dial(request, record.sealed).catch(reportError)
      }
    }
    const unsubscribe = contract.subscribe(onRecord)

    async function considerRequest(request: ConnectionRequestRecord) {
      if (addressOf(request.fromKey) !== request.from) {
        reportError(
          new WrongKeyError(`request ${request.id}: key does not match address ${request.from}`, request.fromKey),
        )
        return
      }
      const yes = init.accept ? await init.accept(request) : true
      if (!yes) return // Seed 1.9: B may simply not answer.
      accepted.set(request.id, request)
      await contract.submit({ kind: 'accept', id: request.id, by: identity.address, key: identity.publicKey })
    }

    /** B's side: dial A, negotiate, Hello, verify A's Hello, SUCCESS, encodings. */
    async function dial(request: ConnectionRequestRecord, sealed: Uint8Array) {
      const requestId = hexToBytes(request.id)
      const endpoint = openEndpoint(sealed, identity, requestId)
      const stream = await network.dial(endpoint)
      const reader = new FrameReader(stream, clock)
      const next = async () => tptpMessageCodec.decode(decodeAttFrame(await reader.next(timeout)).payload)
      try {
        stream.write(plainFrame('responder', { type: 'version', ...PROTOCOL_VERSION }))
        const version = expect('await-version', await next(), 'version')
        negotiateVersion(PROTOCOL_VERSION, version)
        const methods = expect('await-security', await next(), 'securityMethods')
        const method = chooseSecurityMethod(methods.methods, [SECURITY_X25519_CHACHA20POLY1305])
        stream.write(plainFrame('responder', { type: 'securityChoice', method }))
        const own = createHelloResponder(identity, requestId, random)
        stream.write(plainFrame('responder', own.hello))
        const frame = decodeAttFrame(await reader.next(timeout))
        const helloA = expect('await-hello', tptpMessageCodec.decode(frame.payload), 'helloInitiator')
        const keys = verifyHelloInitiator(helloA, frame.payload, request.fromKey, {
          bytes: own.bytes,
          ephemeralSecret: own.ephemeralSecret,
          requestId,
        })
        const session = createSession({ role: 'responder', keys })
        stream.write(session.seal(tptpMessageCodec.encode({ type: 'success' })))
        const tracker = new ExtensionTracker()
        const asked = init.requestEncodings ?? []
        tracker.request(asked)
        stream.write(session.seal(tptpMessageCodec.encode({ type: 'setEncodings', encodings: [...asked] })))
        const confirm = expect(
          'await-encodings',
          tptpMessageCodec.decode(session.open(await reader.next(timeout)).plaintext),
          'encodingsConfirm',
        )
        tracker.confirm(confirm.encodings)
        const connection = establish(
          'responder',
          stream,
          reader,
          session,
          { id: request.id, peer: request.from, peerKey: request.fromKey },
          tracker.confirmed,
        )
        for (const h of connectionHandlers) h(connection)
      } catch (e) {
        stream.close()
        throw e
      }
    }

    /** A's side of one incoming TCP connection. */
    async function serve(
      stream: ByteStream,
      request: { id: string; to: string; key: Uint8Array },
    ): Promise<AttConnection> {
      const reader = new FrameReader(stream, clock)
      const next = async () => tptpMessageCodec.decode(decodeAttFrame(await reader.next(timeout)).payload)
      try {
        const version = expect('await-version', await next(), 'version')
        const agreed = negotiateVersion(PROTOCOL_VERSION, version)
        stream.write(plainFrame('initiator', { type: 'version', ...agreed }))
        stream.write(plainFrame('initiator', { type: 'securityMethods', methods: [SECURITY_X25519_CHACHA20POLY1305] }))
        const choice = expect('await-choice', await next(), 'securityChoice')
        chooseSecurityMethod([choice.method], [SECURITY_X25519_CHACHA20POLY1305])
        const frame = decodeAttFrame(await reader.next(timeout))
        const helloB = expect('await-hello', tptpMessageCodec.decode(frame.payload), 'helloResponder')
        const helloId = bytesToHex(helloB.requestId)
        if (answered.has(helloId)) throw new ReplayedHelloError(helloB.requestId, 'this request was already answered')
        if (helloId !== request.id) throw new ReplayedHelloError(helloB.requestId, 'no such pending request')
        verifyHelloResponder(helloB, request.key, hexToBytes(request.id))
        answered.add(helloId)
        const mine = createHelloInitiator(identity, frame.payload, helloB, random)
        stream.write(plainFrame('initiator', mine.hello))
        const session = createSession({ role: 'initiator', keys: mine.keys })
        const open = async () => tptpMessageCodec.decode(session.open(await reader.next(timeout)).plaintext)
        expect('await-success', await open(), 'success')
        const asked = expect('await-encodings', await open(), 'setEncodings')
        const { confirm } = answerEncodings(asked.encodings, supported)
        stream.write(session.seal(tptpMessageCodec.encode({ type: 'encodingsConfirm', encodings: confirm })))
        return establish(
          'initiator',
          stream,
          reader,
          session,
          { id: request.id, peer: request.to, peerKey: request.key },
          new Set(),
        )
      } catch (e) {
        stream.close()
        throw e
      }
    }

    return {
      identity,
      address: identity.address,
      async connect(to, reason) {
        const listener = await network.listen()
        stopping.push(() => listener.close())
        const requestId = random(32)
        const id = bytesToHex(requestId)
        const accept = new Promise<ContractRecord & { kind: 'accept' }>((resolve, reject) => {
          const timer = clock.setTimeout(
            () => reject(new ConnectionError(`request ${id} not accepted in time`, requestId)),
            timeout,
          )
          outgoing.set(id, {
            to,
            onAccept: (r) => {
              timer.cancel()
              resolve(r)
            },
          })
        })
        await contract.submit({
          kind: 'request',
          id,
          from: identity.address,
          fromKey: identity.publicKey,
          to,
          time: clock.now(),
          reason,
        })
        try {
          const acceptance = await accept
          if (acceptance.by !== to || addressOf(acceptance.key) !== to) {
            throw new WrongKeyError(`acceptance of ${id} is not from ${to}`, acceptance.key)
          }
          const established = new Promise<AttConnection>((resolve, reject) => {
            let first = true
            // B must dial within one step's time after the endpoint is posted.
            const timer = clock.setTimeout(
              () => reject(new ConnectionError(`request ${id}: the peer did not dial in time`, requestId)),
              timeout,
            )
            listener.onConnection((stream) => {
              const attempt = serve(stream, { id, to, key: acceptance.key })
              if (first) {
                first = false
                timer.cancel()
                attempt.then(resolve, reject)
              } else attempt.then((c) => c.close(), reportError)
            })
          })
          await contract.submit({
            kind: 'endpoint',
            id,
            sealed: sealEndpoint(listener.endpoint, acceptance.key, requestId, random),
          })
          return await established
        } finally {
          outgoing.delete(id)
        }
      },
      onConnection(h) {
        connectionHandlers.push(h)
      },
      onError(h) {
        errorHandlers.push(h)
      },
      async stop() {
        unsubscribe()
        await Promise.all(stopping.map((s) => s()))
      },
    }
  }
}
