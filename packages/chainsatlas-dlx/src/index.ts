/**
 * @packageDocumentation
 * ChainsAtlas DLX: an assembler, disassembler and fast simulator for the DLX instruction set as dlxsim
 * encodes it, execution transfer (state dump/load), bytecode segmentation under a transaction size limit,
 * chained submission, virtualization and management units, chain profiles and the strategist.
 *
 * @example
 * ```ts
 * import { assemble, createMachine } from '@atmosphere/chainsatlas-dlx'
 * const m = createMachine(assemble('main: addi r14, r0, #42\n trap #1\n trap #0'))
 * m.run()
 * m.outputText() // '42'
 * ```
 */
export * from './assembler.js'
export * from './chained.js'
export * from './disassembler.js'
export * from './errors.js'
export * from './isa.js'
export * from './machine.js'
export * from './management.js'
export * from './program.js'
export * from './program-codec.js'
export * from './segmentation.js'
export * from './state.js'
export * from './strategist.js'
export * from './units.js'
