// Every codec the package exports, in one list: the CLI looks structures up in it by name, and the
// property and fuzz suites run over it.
import type { Codec } from './codec/codec.js'
import { endpointCodec } from './connection/identity.js'
import { attFrameCodec, attHeadCodec, attMessageCodec, attMessageHeaderCodec, tptpHeadCodec } from './layouts/att.js'
import { licenceRequestCodec, licenceResultCodec, securityHeaderCodec } from './layouts/licence.js'
import { loginCodec } from './layouts/login.js'
import {
  attachUserConfirmCodec,
  attachUserRequestCodec,
  channelJoinConfirmCodec,
  channelJoinRequestCodec,
  disconnectProviderUltimatumCodec,
  erectDomainRequestCodec,
} from './layouts/mcs.js'
import { tptpMessageCodec } from './layouts/messages.js'
import { shareDataCodec, shareDataHeaderCodec, shareHeadCodec } from './layouts/share.js'
import { connectInitialHeadCodec, connectResponseHeadCodec, domainParametersCodec } from './layouts/tptp.js'

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
