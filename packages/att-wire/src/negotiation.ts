// Extensibility of seeds 3.2.5 and 5.3.5: version and security-method negotiation, encodings a
// receiver ignores when unknown, and pseudo-encodings a sender treats as unsupported until confirmed.

import { NoCommonSecurityMethodError, UnsupportedVersionError } from './errors.js'

export interface Version {
  readonly major: number
  readonly minor: number
}

/** The protocol version this package speaks. */
export const PROTOCOL_VERSION: Version = { major: 1, minor: 0 }

/** Security method 1: X25519 + HKDF-SHA256 + ChaCha20-Poly1305 records, Ed25519-signed Hellos. */
export const SECURITY_X25519_CHACHA20POLY1305 = 1

/** Both sides use the same major version and the lower minor version. */
export function negotiateVersion(local: Version, remote: Version): Version {
  if (remote.major !== local.major) {
    throw new UnsupportedVersionError(remote, `${local.major}.x`)
  }
  return { major: local.major, minor: Math.min(local.minor, remote.minor) }
}

/** The first method in the offer (the offerer's preference order) that this side supports. */
export function chooseSecurityMethod(offered: readonly number[], supported: readonly number[]): number {
  const chosen = offered.find((m) => supported.includes(m))
  if (chosen === undefined) throw new NoCommonSecurityMethodError(offered, supported)
  return chosen
}

/** Pseudo-encodings are negative, as in RFB: they announce an extension, not a data format. */
export function isPseudoEncoding(encoding: number): boolean {
  return encoding < 0
}

/**
 * Receiver side of SetEncodings: unknown encodings and pseudo-encodings are ignored; the
 * confirmation lists only the pseudo-encodings this side supports.
 */
export function answerEncodings(
  requested: readonly number[],
  supported: ReadonlySet<number>,
): { readonly accepted: number[]; readonly confirm: number[] } {
  const accepted = requested.filter((e) => supported.has(e))
  return { accepted, confirm: accepted.filter(isPseudoEncoding) }
}

/** Sender side: an extension is assumed unsupported until the peer's confirmation names it. */
export class ExtensionTracker {
  readonly #requested = new Set<number>()
  readonly #confirmed = new Set<number>()
  request(encodings: readonly number[]): void {
    for (const e of encodings) if (isPseudoEncoding(e)) this.#requested.add(e)
  }
  confirm(encodings: readonly number[]): void {
    // Confirmation of something never requested is ignored, like any unknown encoding.
    for (const e of encodings) if (this.#requested.has(e)) this.#confirmed.add(e)
  }
  isSupported(encoding: number): boolean {
    return this.#confirmed.has(encoding)
  }
  get confirmed(): ReadonlySet<number> {
    return this.#confirmed
  }
}
