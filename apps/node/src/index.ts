/**
 * The Atmosphere reference node: configuration, genesis, the scheduled consensus, the block
 * producer and the node composition behind the `atmo` command.
 *
 * @example Prepare a 4-node devnet's files (then run each node with `atmo start --config`).
 * ```ts
 * import { prepareDevnet } from '@atmosphere/node'
 * const devnet = await prepareDevnet('/tmp/my-devnet', { nodes: 4 })
 * console.log(devnet.nodes.map((n) => n.configPath), devnet.accounts[0])
 * ```
 *
 * @packageDocumentation
 */
export * from './config.js'
export * from './consensus-schedule.js'
export * from './devnet.js'
export * from './errors.js'
export * from './genesis.js'
export * from './log.js'
export * from './metrics.js'
export { type AtmoNode, type RunFile, readGenesis, readKeyFile, startNode } from './node.js'
export * from './producer.js'
