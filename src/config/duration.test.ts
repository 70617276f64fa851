import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { durationOfMs, formatDuration, parseDuration } from './duration.ts';

test('durations parse with units, largest first', () => {
  const table: [string, number | undefined][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1h0m5s', 3_605_000],
    [' 90s ', 90_000],
    ['0s', 0],
    ['3600', undefined], // no unit: ambiguous
    ['1s1h', undefined], // units out of order
    ['1s2s', undefined], // repeated unit
    ['1.5s', undefined],
    ['-1s', undefined],
    ['1 h', undefined],
    ['', undefined],
    ['h', undefined],
  ];
  for (const [text, ms] of table) assert.equal(parseDuration(text)?.ms, ms, text);
  assert.equal(parseDuration('1h30m')?.sec, 5400);
});

test('formatDuration gives the largest units, and parses back', () => {
  assert.equal(formatDuration(durationOfMs(5_400_000)), '1h30m');
  assert.equal(formatDuration(durationOfMs(1_500)), '1s500ms');
  assert.equal(formatDuration(durationOfMs(0)), '0s');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
      assert.equal(parseDuration(formatDuration(durationOfMs(ms)))?.ms, ms);
    }),
  );
});
