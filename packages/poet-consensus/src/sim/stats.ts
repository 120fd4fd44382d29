// Goodness-of-fit statistics for the simulator report: Pearson's chi-square and its p-value
// through the regularized upper incomplete gamma function (Numerical Recipes §6.2).

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const xx = x - 1
  let a = c[0] as number
  const t = xx + 7.5
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (xx + i)
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x < 0 || a <= 0) return Number.NaN
  if (x === 0) return 1
  const gln = logGamma(a)
  if (x < a + 1) {
    let sum = 1 / a
    let del = sum
    let ap = a
    for (let n = 0; n < 10000; n++) {
      ap += 1
      del *= x / ap
      sum += del
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - gln)
  }
  let b = x + 1 - a
  let c = 1 / 1e-300
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < 1e-300) d = 1e-300
    c = b + an / c
    if (Math.abs(c) < 1e-300) c = 1e-300
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-15) break
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h
}

/** P(χ²_df ≥ statistic). */
export function chiSquarePValue(statistic: number, degreesOfFreedom: number): number {
  return gammaQ(degreesOfFreedom / 2, statistic / 2)
}

/** Pearson's statistic of observed counts against expected counts. */
export function chiSquareStatistic(observed: readonly number[], expected: readonly number[]): number {
  let s = 0
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number
    const d = (observed[i] as number) - e
    s += (d * d) / e
  }
  return s
}

/** Win shares of the honest validators and the chi-square test of equal chance on them. */
export function winShareReport(honestWins: readonly number[]) {
  const honestBlocks = honestWins.reduce((a, b) => a + b, 0)
  const expected = honestBlocks / honestWins.length
  const testable = honestWins.length > 1 && honestBlocks > 0
  const chi = testable
    ? chiSquareStatistic(
        honestWins,
        honestWins.map(() => expected),
      )
    : 0
  const df = Math.max(honestWins.length - 1, 1)
  return {
    honestBlocks,
    expectedShare: 1 / honestWins.length,
    minShare: honestBlocks > 0 ? Math.min(...honestWins) / honestBlocks : 0,
    maxShare: honestBlocks > 0 ? Math.max(...honestWins) / honestBlocks : 0,
    chiSquare: chi,
    degreesOfFreedom: df,
    chiSquarePValue: testable ? chiSquarePValue(chi, df) : 1,
  }
}
