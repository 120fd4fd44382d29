// Runs the statistical PoET simulator: 50 validators, one of them forging certificates.
import { simulate } from '@atmosphere/poet-consensus'

const report = simulate({
  validators: 50,
  blocks: 2000,
  delayMs: 200,
  seed: 7,
  adversaries: [{ kind: 'forge', count: 1 }],
})
console.log('chi-square p-value of honest win shares:', report.winShares.chiSquarePValue.toFixed(3))
console.log('mean block interval / target:', report.interval.ratioToTarget.toFixed(3))
for (const a of report.adversaries)
  console.log(`${a.kind}: rejected ${a.rejected} blocks, blacklisted at height ${a.blacklistedAtHeight}`)
