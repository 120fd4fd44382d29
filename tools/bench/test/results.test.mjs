import test from 'ava'
import { parseBenchLines, renderMarkdown } from '../results.mjs'

test('result lines are collected and chatter is ignored', (t) => {
  const out = [
    'warming up...',
    '{"bench":"decode-mcs","value":1234567,"unit":"ops/s","baseline":"hand-written DataView","baselineValue":1400000,"ratio":0.88}',
    '{"bench":"state-hash","value":12.5,"unit":"ms"}',
    '',
  ].join('\n')
  const { results, errors } = parseBenchLines(out)
  t.deepEqual(errors, [])
  t.is(results.length, 2)
  t.is(results[0].ratio, 0.88)
})

test('malformed result lines are reported with their line number', (t) => {
  const out = [
    '{"bench":"a","value":"fast","unit":"x"}',
    '{not json',
    '{"bench":"b","value":1,"unit":"x","baseline":"c"}',
  ].join('\n')
  const { results, errors } = parseBenchLines(out)
  t.is(results.length, 0)
  t.is(errors.length, 3)
  t.regex(errors[0], /^line 1: "a": "value" must be a finite number/)
  t.regex(errors[1], /^line 2: not JSON/)
  t.regex(errors[2], /^line 3: "b": a baseline needs a finite "baselineValue"/)
})

test('the markdown table carries every result, the machine and the reproduce command', (t) => {
  const md = renderMarkdown({
    packages: {
      '@atmosphere/att-wire': {
        measuredAt: '2026-11-21 20:00 UTC',
        machine: '2× Test CPU, Node v22.23.3',
        results: [
          {
            bench: 'decode-mcs',
            value: 1234567,
            unit: 'ops/s',
            baseline: 'DataView',
            baselineValue: 1400000,
            ratio: 0.8818,
          },
          { bench: 'a|b', value: 0.01234, unit: 'ms' },
        ],
      },
    },
  })
  t.true(md.includes('## @atmosphere/att-wire'))
  t.true(md.includes('`pnpm bench @atmosphere/att-wire`'))
  t.true(md.includes('| decode-mcs | 1,234,567 | ops/s | DataView | 1,400,000 | 0.88× |'))
  t.true(md.includes('| a\\|b | 0.0123 | ms |  |  |  |'))
  t.true(md.includes('2× Test CPU'))
})
