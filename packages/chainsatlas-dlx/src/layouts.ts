// Byte layouts of the package's wire formats, declared once as binary-layout data (big-endian).
// docs/dlx.md has the same tables in prose.
import type { DeriveType, Layout } from 'binary-layout'

/** Header of every chained-submission chunk (42 bytes). */
export const chunkHeaderLayout = [
  { name: 'magic', binary: 'uint', size: 4 },
  { name: 'version', binary: 'uint', size: 1 },
  { name: 'flags', binary: 'uint', size: 1 },
  { name: 'index', binary: 'uint', size: 4 },
  { name: 'next', binary: 'bytes', size: 32 },
] as const satisfies Layout
export type ChunkHeader = DeriveType<typeof chunkHeaderLayout>

/** What the first chunk adds after its header (44 bytes + metadata). */
export const firstChunkLayout = [
  { name: 'chunkCount', binary: 'uint', size: 4 },
  { name: 'payloadLength', binary: 'uint', size: 4 },
  { name: 'contentHash', binary: 'bytes', size: 32 },
  { name: 'metadata', binary: 'bytes', lengthSize: 4 },
] as const satisfies Layout
export type FirstChunkHeader = DeriveType<typeof firstChunkLayout>

/** The program image ("bytecode") a client submits. */
export const programLayout = [
  { name: 'magic', binary: 'uint', size: 4 },
  { name: 'textBase', binary: 'uint', size: 4 },
  { name: 'dataBase', binary: 'uint', size: 4 },
  { name: 'entry', binary: 'uint', size: 4 },
  { name: 'text', binary: 'bytes', lengthSize: 4 },
  { name: 'data', binary: 'bytes', lengthSize: 4 },
] as const satisfies Layout
export type ProgramImage = DeriveType<typeof programLayout>

/** Fixed part of a state dump (168 bytes); the memory pages and the SHA-256 trailer follow. */
export const stateHeaderLayout = [
  { name: 'magic', binary: 'uint', size: 4 },
  { name: 'version', binary: 'uint', size: 1 },
  { name: 'flags', binary: 'uint', size: 1 },
  { name: 'reserved', binary: 'uint', size: 2 },
  { name: 'memorySize', binary: 'uint', size: 4 },
  { name: 'pc', binary: 'uint', size: 4 },
  { name: 'npc', binary: 'uint', size: 4 },
  { name: 'steps', binary: 'uint', size: 8 },
  { name: 'inputPos', binary: 'uint', size: 4 },
  { name: 'outputCount', binary: 'uint', size: 4 },
  { name: 'regs', binary: 'array', length: 32, layout: { binary: 'int', size: 4 } },
  { name: 'pageCount', binary: 'uint', size: 4 },
] as const satisfies Layout
export type StateHeader = DeriveType<typeof stateHeaderLayout>
