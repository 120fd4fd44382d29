// Seeds 3.2.5 / 5.3.5: version and security negotiation, unknown encodings ignored, extensions
// assumed unsupported until confirmed.
import test from 'ava'
import { NoCommonSecurityMethodError, UnsupportedVersionError } from '../src/errors.js'
import { tptpMessageCodec } from '../src/layouts/messages.js'
import { answerEncodings, chooseSecurityMethod, ExtensionTracker, negotiateVersion } from '../src/negotiation.js'

test('versions: same major, lower minor; another major is refused', (t) => {
  t.deepEqual(negotiateVersion({ major: 1, minor: 3 }, { major: 1, minor: 1 }), { major: 1, minor: 1 })
  t.throws(() => negotiateVersion({ major: 1, minor: 0 }, { major: 2, minor: 0 }), {
    instanceOf: UnsupportedVersionError,
  })
})

test('security method: first offered that is supported; none is a typed error', (t) => {
  t.is(chooseSecurityMethod([9, 1, 2], [2, 1]), 1)
  t.throws(() => chooseSecurityMethod([9, 8], [1]), { instanceOf: NoCommonSecurityMethodError })
})

test('a receiver ignores encodings and pseudo-encodings it does not support', (t) => {
  const r = answerEncodings([0, 5, -239, -1000, 99], new Set([0, -239]))
  t.deepEqual(r.accepted, [0, -239])
  t.deepEqual(r.confirm, [-239])
})

test('a sender treats an extension as unsupported until confirmed, and ignores unsolicited confirmations', (t) => {
  const tracker = new ExtensionTracker()
  tracker.request([0, -239, -240])
  t.false(tracker.isSupported(-239))
  tracker.confirm([-239, -500])
  t.true(tracker.isSupported(-239))
  t.false(tracker.isSupported(-240))
  t.false(tracker.isSupported(-500))
})

test('S32 encodings survive the big-endian wire format of 5.3.5', (t) => {
  const bytes = tptpMessageCodec.encode({ type: 'setEncodings', encodings: [0, -239, 0x7fffffff, -0x80000000] })
  t.deepEqual([...bytes.subarray(0, 4)], [0x04, 0x00, 0x00, 0x04])
  t.deepEqual([...bytes.subarray(8, 12)], [0xff, 0xff, 0xff, 0x11])
  t.deepEqual(tptpMessageCodec.decode(bytes), { type: 'setEncodings', encodings: [0, -239, 0x7fffffff, -0x80000000] })
})

test('an unknown message type is a typed error naming the type field', (t) => {
  const e = t.throws(() => tptpMessageCodec.decode(Uint8Array.of(0x7e)))
  t.is((e as { field?: string }).field, 'type')
})
