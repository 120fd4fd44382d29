// The z-test of the PoET 1.0 spec ("z-test" section), exactly as written there and in
// consensus_state.py validator_is_claiming_too_frequently.

/** One block of the z-test history: who won it and the population estimate it carried. */
export interface ZTestEntry {
  readonly validatorId: string
  readonly populationEstimate: number
}

/** Where and why a z-test failed. */
export interface ZTestFailure {
  readonly depth: number
  readonly zScore: number
  readonly observedWins: number
  readonly expectedWins: number
}

/**
 * Walks `history` newest first. At each win of `validatorId`, once observed wins exceed both
 * `minimumWinCount` and the expected wins, z = (observed − expected)/sqrt(n·p·(1−p)) with
 * p = expected/n; returns the first failure with z > `maximumWinDeviation`, else undefined.
 */
export function zTest(
  history: readonly ZTestEntry[],
  validatorId: string,
  maximumWinDeviation: number,
  minimumWinCount: number,
): ZTestFailure | undefined {
  let observed = 0
  let expected = 0
  let count = 0
  for (const entry of history) {
    count += 1
    expected += 1 / entry.populationEstimate
    if (entry.validatorId !== validatorId) continue
    observed += 1
    const failure = zStep(observed, expected, count, maximumWinDeviation, minimumWinCount)
    if (failure !== undefined) return failure
  }
  return undefined
}

/** One evaluation of the z-test at a win; shared by {@link zTest} and the incremental walk in consensus-state. */
export function zStep(
  observed: number,
  expected: number,
  count: number,
  maximumWinDeviation: number,
  minimumWinCount: number,
): ZTestFailure | undefined {
  if (!(observed > minimumWinCount && observed > expected)) return undefined
  const p = expected / count
  const sigma = Math.sqrt(count * p * (1 - p))
  const z = (observed - expected) / sigma
  return z > maximumWinDeviation
    ? { depth: count, zScore: z, observedWins: observed, expectedWins: expected }
    : undefined
}
