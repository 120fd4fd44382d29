// The gas schedule: a cost per opcode (the seed leaves the price model open; decision 0080).

/** Gas schedule: cost per opcode. */
export type GasSchedule = Uint32Array

/** The default schedule: 1 per instruction; memory 2; mul 2; div/rem/sqrt 4; calls 5; memory.grow 100. */
export function defaultGasSchedule(): GasSchedule {
  const g = new Uint32Array(256).fill(1)
  for (let o = 0x28; o <= 0x3e; o++) g[o] = 2
  for (const o of [0x6c, 0x7e, 0x94, 0xa2]) g[o] = 2
  for (const o of [0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82, 0x91, 0x95, 0x9f, 0xa3]) g[o] = 4
  g[0x10] = 5
  g[0x11] = 5
  g[0x40] = 100
  return g
}

/** Default and (for normal mode) maximum gas limit of one invocation: 2^31 − 1. */
export const DEFAULT_GAS_LIMIT = 2n ** 31n - 1n
