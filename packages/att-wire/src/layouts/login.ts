// TPTP login structure (seed 5.3.3 "login network information"): [MS-RDPBCGR] 2.2.1.11.1.1
// TS_INFO_PACKET, little-endian, UTF-16LE strings each followed by a 00 00 terminator.

import type { DeriveType, Layout } from 'binary-layout'
import { defineCodec } from '../codec/codec.js'
import { utf16zSequence } from '../codec/items.js'
import { EncodeError, LengthMismatchError, MalformedFieldError } from '../errors.js'

/** INFO_UNICODE: strings are UTF-16LE (the only form the seed describes). */
export const INFO_UNICODE = 0x10
/** The seed's "auto login flag" values: normal logon and automatic logon. */
export const LOGIN_FLAGS_NORMAL = 0x33
export const LOGIN_FLAGS_AUTO = 0x28

export const LOGIN_STRING_NAMES = ['domain', 'userName', 'password', 'alternateShell', 'workingDir'] as const
const LENGTH_NAMES = ['cbDomain', 'cbUserName', 'cbPassword', 'cbAlternateShell', 'cbWorkingDir'] as const

export const loginLayout = [
  // Seed: "Idle bytes 4, 0x00000000" = CodePage (clients send an input locale such as 0x04090409).
  { name: 'codePage', binary: 'uint', size: 4, endianness: 'little' },
  // Seed: "Auto login flag 4, normal 0x33, auto 0x28" = the INFO_* flags.
  { name: 'flags', binary: 'uint', size: 4, endianness: 'little' },
  { name: 'cbDomain', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'cbUserName', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'cbPassword', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'cbAlternateShell', binary: 'uint', size: 2, endianness: 'little' },
  { name: 'cbWorkingDir', binary: 'uint', size: 2, endianness: 'little' },
  // The five strings, then the TS_EXTENDED_INFO_PACKET (not described by the seed) kept as `extra`.
  { name: 'strings', binary: 'bytes', custom: utf16zSequence(LOGIN_STRING_NAMES) },
] as const satisfies Layout

export type Login = DeriveType<typeof loginLayout>
export type LoginStrings = Login['strings']
export interface LoginInput {
  readonly codePage?: number
  readonly flags?: number
  readonly domain?: string
  readonly userName?: string
  readonly password?: string
  readonly alternateShell?: string
  readonly workingDir?: string
  readonly extra?: Uint8Array
}

function lengthError(i: number, s: string, cb: number): never {
  throw new LengthMismatchError({
    field: LENGTH_NAMES[i]!,
    offset: 8 + 2 * i,
    expected: `${s.length * 2} (2 × the characters before the 00 00 terminator)`,
    actual: cb,
  })
}

export const loginCodec = defineCodec('login', loginLayout, {
  check(v) {
    if (!(v.flags & INFO_UNICODE)) {
      throw new MalformedFieldError({
        field: 'flags',
        offset: 4,
        expected: 'INFO_UNICODE (0x10) set: the seed defines UTF-16LE strings only',
        actual: v.flags,
      })
    }
    const s = v.strings
    if (v.cbDomain !== s.domain.length * 2) lengthError(0, s.domain, v.cbDomain)
    if (v.cbUserName !== s.userName.length * 2) lengthError(1, s.userName, v.cbUserName)
    if (v.cbPassword !== s.password.length * 2) lengthError(2, s.password, v.cbPassword)
    if (v.cbAlternateShell !== s.alternateShell.length * 2) lengthError(3, s.alternateShell, v.cbAlternateShell)
    if (v.cbWorkingDir !== s.workingDir.length * 2) lengthError(4, s.workingDir, v.cbWorkingDir)
  },
  checkEncode(v) {
    for (let i = 0; i < 5; i++) {
      const cb = v[LENGTH_NAMES[i]!]
      const s = v.strings?.[LOGIN_STRING_NAMES[i]!] ?? ''
      if (cb !== s.length * 2) throw new EncodeError(LENGTH_NAMES[i]!, `${s.length * 2}`, cb)
    }
  },
})

/** Builds a login structure, computing the five lengths. */
export function login(input: LoginInput): Login {
  const strings = {
    domain: input.domain ?? '',
    userName: input.userName ?? '',
    password: input.password ?? '',
    alternateShell: input.alternateShell ?? '',
    workingDir: input.workingDir ?? '',
    extra: input.extra ?? new Uint8Array(0),
  }
  return {
    codePage: input.codePage ?? 0,
    flags: input.flags ?? LOGIN_FLAGS_NORMAL,
    cbDomain: strings.domain.length * 2,
    cbUserName: strings.userName.length * 2,
    cbPassword: strings.password.length * 2,
    cbAlternateShell: strings.alternateShell.length * 2,
    cbWorkingDir: strings.workingDir.length * 2,
    strings,
  }
}
