// Population estimate and local mean, PoET 1.0 spec "Population Size and Local Mean
// Computation", as consensus_state.py computes them.
import type { PoetSettings } from './settings.js'

/** One entry of the local-mean sample: what a committed wait certificate says. */
export interface PopulationSample {
  /** Certificate duration, seconds. */
  readonly duration: number
  /** Certificate local mean, seconds. */
  readonly localMean: number
}

/** populationSize = Σ localMean / Σ (duration − minimumWaitTime) over the sample. */
export function populationEstimate(samples: readonly PopulationSample[], minimumWaitTime: number): number {
  let sumMeans = 0
  let sumWaits = 0
  for (const s of samples) {
    sumWaits += s.duration - minimumWaitTime
    sumMeans += s.localMean
  }
  return sumMeans / sumWaits
}

/**
 * Local mean after `claimed` PoET blocks whose newest `sampleSize` certificates are `samples`:
 * bootstrap (claimed < sampleSize): target·(1 − r²) + initial·r² with r = claimed/sampleSize;
 * otherwise target · populationEstimate(samples).
 */
export function localMean(claimed: number, samples: readonly PopulationSample[], settings: PoetSettings): number {
  const n = settings.populationEstimateSampleSize
  if (claimed < n) {
    const ratio = claimed / n
    return settings.targetWaitTime * (1 - ratio ** 2) + settings.initialWaitTime * ratio ** 2
  }
  return settings.targetWaitTime * populationEstimate(samples.slice(-n), settings.minimumWaitTime)
}

/** Population estimate recorded for one block in the z-test (wait_certificate.py): localMean / targetWaitTime. */
export function blockPopulationEstimate(certificateLocalMean: number, targetWaitTime: number): number {
  return certificateLocalMean / targetWaitTime
}
