import { readFileSync } from 'node:fs'

/** Source of one program of the suite in examples/programs/. */
export function programSource(name: string): string {
  return readFileSync(new URL(`../../examples/programs/${name}.s`, import.meta.url), 'utf8')
}

/** Expected outputs of the suite (computed independently of the simulator, by hand or in plain JS). */
export const SUITE: readonly { name: string; input: string; output: string }[] = [
  {
    name: 'factorial',
    input: '',
    output: `${Array.from({ length: 12 }, (_, i) => {
      let f = 1
      for (let k = 2; k <= i + 1; k++) f *= k
      return f
    }).join('\n')}\n`,
  },
  {
    name: 'fibonacci',
    input: '',
    output: `${(() => {
      const out: number[] = []
      let a = 0
      let b = 1
      for (let i = 0; i < 30; i++) {
        out.push(a)
        ;[a, b] = [b, a + b]
      }
      return out.join('\n')
    })()}\n`,
  },
  { name: 'bubble-sort', input: '', output: '-15 -3 0 4 8 11 17 23 29 42 \n' },
  { name: 'memcpy', input: '', output: 'The quick brown fox jumps over the lazy dog\nDLX copies words\n' },
  { name: 'string-reverse', input: '', output: '!XLD saltAsniahC ,olleH\n' },
  { name: 'sieve', input: '1000', output: '168\n' },
  { name: 'sieve', input: '10000', output: '1229\n' },
]

import type { ExecutionContext } from 'ava'
import fc from 'fast-check'

/** Runs a fast-check property and fails the test with the counterexample when it fails. */
export function holds<Ts>(t: ExecutionContext, property: fc.IProperty<Ts>, numRuns = 100): void {
  const details = fc.check(property, { numRuns })
  t.false(
    details.failed,
    details.failed ? `counterexample ${fc.stringify(details.counterexample)}: ${String(details.errorInstance)}` : '',
  )
  t.is(details.numRuns, numRuns)
}

/**
 * The same program with a `nop` after every control transfer, so it runs identically with and without
 * branch delay slots (with slots a call links past the nop; without, it returns onto it).
 */
export function withDelaySlotNops(source: string): string {
  const control = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*(j|jal|jr|jalr|beqz|bnez|b|call|ret)\b/i
  return source
    .split('\n')
    .flatMap((line) => (control.test(line.replace(/;.*$/, '')) ? [line, '        nop'] : [line]))
    .join('\n')
}
