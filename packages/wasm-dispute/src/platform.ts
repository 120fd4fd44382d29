// Typed access to the platform's WebAssembly engine (the JS API), without DOM typings.

export interface EngineMemory {
  readonly buffer: ArrayBuffer
  grow(delta: number): number
}
export interface EngineTable {
  readonly length: number
  get(i: number): unknown
}
export interface EngineGlobal {
  value: unknown
}
export type EngineImports = Record<string, Record<string, unknown>>
export interface EngineInstance {
  readonly exports: Record<string, unknown>
}
export interface WasmEngine {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports?: EngineImports) => EngineInstance
  Memory: new (d: { initial: number; maximum?: number }) => EngineMemory
  Table: new (d: { initial: number; maximum?: number; element: 'anyfunc' }) => EngineTable
  Global: new (d: { value: string; mutable?: boolean }, v?: unknown) => EngineGlobal
  RuntimeError: new (message?: string) => Error
  LinkError: new (message?: string) => Error
  CompileError: new (message?: string) => Error
}

export const engine: WasmEngine = (globalThis as unknown as { WebAssembly: WasmEngine }).WebAssembly
