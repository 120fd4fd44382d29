// Every codec the package exports, for the property and fuzz suites.
import type { Codec } from '../../src/codec/codec.js'
import { endpointCodec } from '../../src/connection/identity.js'
import {
  attFrameCodec,
  attHeadCodec,
  attMessageCodec,
  attMessageHeaderCodec,
  tptpHeadCodec,
} from '../../src/layouts/att.js'
import { licenceRequestCodec, licenceResultCodec, securityHeaderCodec } from '../../src/layouts/licence.js'
import { loginCodec } from '../../src/layouts/login.js'
import {
  attachUserConfirmCodec,
  attachUserRequestCodec,
  channelJoinConfirmCodec,
  channelJoinRequestCodec,
  disconnectProviderUltimatumCodec,
  erectDomainRequestCodec,
} from '../../src/layouts/mcs.js'
import { tptpMessageCodec } from '../../src/layouts/messages.js'
import { shareDataCodec, shareDataHeaderCodec, shareHeadCodec } from '../../src/layouts/share.js'
import { connectInitialHeadCodec, connectResponseHeadCodec, domainParametersCodec } from '../../src/layouts/tptp.js'

// biome-ignore lint/suspicious/noExplicitAny: a table of heterogeneous codecs
export const ALL_CODECS: Codec<any, any>[] = [
  attHeadCodec,
  tptpHeadCodec,
  attMessageCodec,
  attMessageHeaderCodec,
  attFrameCodec,
  shareHeadCodec,
  shareDataHeaderCodec,
  shareDataCodec,
  domainParametersCodec,
  connectInitialHeadCodec,
  connectResponseHeadCodec,
  loginCodec,
  securityHeaderCodec,
  licenceRequestCodec,
  licenceResultCodec,
  tptpMessageCodec,
  endpointCodec,
  erectDomainRequestCodec,
  attachUserRequestCodec,
  attachUserConfirmCodec,
  channelJoinRequestCodec,
  channelJoinConfirmCodec,
  disconnectProviderUltimatumCodec,
]
