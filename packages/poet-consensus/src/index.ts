/**
 * Proof of Elapsed Time (PoET 1.0) as Hyperledger Sawtooth specifies it: a simulated enclave
 * behind the {@link PoetEnclave} interface, wait timers and certificates, local mean and
 * population estimate, z/c/k validity tests, fork resolution by aggregate local mean, an
 * `@atmosphere/interfaces` ConsensusEngine, and a deterministic simulator with adversaries.
 *
 * @example Run the statistical simulator and read the report.
 * ```ts
 * import { simulate } from '@atmosphere/poet-consensus'
 *
 * const report = simulate({ validators: 50, blocks: 2000, delayMs: 200, seed: 7, adversaries: [{ kind: 'forge', count: 1 }] })
 * console.log(report.winShares.chiSquarePValue, report.adversaries)
 * ```
 *
 * @packageDocumentation
 */
export * from './codec.js'
export * from './consensus-state.js'
export * from './enclave.js'
export * from './engine.js'
export * from './errors.js'
export * from './fork-resolver.js'
export * from './local-mean.js'
export * from './registry.js'
export * from './rules.js'
export * from './settings.js'
export { type CliOptions, parseArgs, USAGE } from './sim/cli.js'
export { type SimulationOptions, simulate } from './sim/fast.js'
export { type FullSimulationOptions, simulateFull } from './sim/full.js'
export * from './sim/report.js'
export { type Rng, seededRng } from './sim/rng.js'
export { chiSquarePValue, chiSquareStatistic, gammaQ, logGamma } from './sim/stats.js'
export { virtualClock } from './sim/virtual-clock.js'
export * from './ztest.js'
