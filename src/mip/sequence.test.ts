import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSequenceInRange, isSequenceNewer, nextSequence } from './sequence.ts';

test('RFC 6275 §9.5.1 example: with last = 15, 0..15 and 32783..65535 are not newer, 16..32782 are', () => {
  for (const stale of [0, 1, 15, 32783, 40000, 65535]) assert.equal(isSequenceNewer(stale, 15), false, String(stale));
  for (const fresh of [16, 17, 1000, 32782]) assert.equal(isSequenceNewer(fresh, 15), true, String(fresh));
});

test('the comparison wraps at 2^16', () => {
  assert.equal(nextSequence(0xffff), 0);
  assert.equal(isSequenceNewer(0, 0xffff), true);
  assert.equal(isSequenceNewer(0xffff, 0), false);
  assert.equal(isSequenceNewer(0x7ffe, 0xffff), true); // 32767 ahead
  assert.equal(isSequenceNewer(0x7fff, 0xffff), false); // one of the 32768 preceding values
  assert.equal(isSequenceNewer(0x8000, 0), false);
});

test('property: of two distinct numbers at most one is newer, and n+1..n+32767 are newer than n', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (a, b) => {
      if (a === b) return !isSequenceNewer(a, b);
      return !(isSequenceNewer(a, b) && isSequenceNewer(b, a));
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0x7fff }), (n, d) =>
      isSequenceNewer((n + d) & 0xffff, n),
    ),
  );
});

test('isSequenceInRange covers the numbers sent for one BU, across the wrap', () => {
  assert.equal(isSequenceInRange(5, 3, 7), true);
  assert.equal(isSequenceInRange(8, 3, 7), false);
  assert.equal(isSequenceInRange(2, 3, 7), false);
  assert.equal(isSequenceInRange(0, 0xfffe, 1), true);
  assert.equal(isSequenceInRange(0xffff, 0xfffe, 1), true);
  assert.equal(isSequenceInRange(2, 0xfffe, 1), false);
});
