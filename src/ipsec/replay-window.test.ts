import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ReplayWindow } from './replay-window.ts';

const TWO_32 = 2 ** 32;

test('anti-replay table (RFC 4303 §3.4.3): in window, duplicate, too old, ahead, never-sent 0', () => {
  const w = new ReplayWindow(64);
  for (const s of [1, 2, 3, 10]) {
    assert.ok(w.check(s));
    w.accept(s);
  }
  assert.equal(w.highest, 10);
  const cases: [number, boolean, string][] = [
    [5, true, 'in window, not yet seen'],
    [3, false, 'duplicate'],
    [10, false, 'duplicate of the right edge'],
    [11, true, 'ahead of the window'],
    [1000, true, 'far ahead'],
    [0, false, 'sequence 0 is never sent (RFC 4303 §3.3.3)'],
  ];
  for (const [s, want, why] of cases) assert.equal(w.check(s), want, why);
  w.accept(100);
  assert.equal(w.check(36), false, 'left of the window [37, 100]');
  assert.equal(w.check(37), true, 'left edge, not seen');
  assert.equal(w.check(10), false, 'seen long ago and now left of the window');
  assert.equal(w.check(100), false);
});

test('the window only moves on accept: a checked but unauthenticated number stays acceptable', () => {
  const w = new ReplayWindow(32);
  assert.ok(w.check(7));
  assert.ok(w.check(7));
  assert.equal(w.highest, 0);
  w.accept(7);
  assert.equal(w.check(7), false);
});

test('advancing by more than the window clears every remembered bit', () => {
  const w = new ReplayWindow(128);
  for (let s = 1; s <= 128; s++) w.accept(s);
  w.accept(128 + 200);
  for (let s = 201; s < 328; s++) assert.ok(w.check(s), `seq ${s}`);
  assert.equal(w.check(200), false);
});

test('the ring agrees with a set-based model of RFC 4303 §3.4.3 for any arrival order', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(32, 64, 96, 128),
      fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 400 }),
      (size, arrivals) => {
        const w = new ReplayWindow(size);
        const seen = new Set<number>();
        let top = 0;
        for (const s of arrivals) {
          const want = s > 0 && (s > top || (s > top - size && !seen.has(s)));
          assert.equal(w.check(s), want, `seq ${s} with top ${top}`);
          if (want) {
            w.accept(s);
            seen.add(s);
            top = Math.max(top, s);
          }
        }
      },
    ),
  );
});

test('ESN high bits (RFC 4303 Appendix A2.2), cases A and B', () => {
  const w = new ReplayWindow(128);
  w.accept(TWO_32 + 1000); // Th = 1, Tl = 1000: case A, Bl = 873
  assert.equal(w.inferSequence(950, true), TWO_32 + 950);
  assert.equal(w.inferSequence(873, true), TWO_32 + 873);
  assert.equal(w.inferSequence(872, true), 2 * TWO_32 + 872, 'below Bl: next subspace');
  assert.equal(w.inferSequence(5000, true), TWO_32 + 5000, 'ahead in the same subspace');
  const b = new ReplayWindow(128);
  b.accept(TWO_32 + 10); // Tl = 10 < W - 1: case B, Bl wraps to 2^32 - 117
  assert.equal(b.inferSequence(TWO_32 - 50, true), TWO_32 - 50, 'older part of the window: Th - 1');
  assert.equal(b.inferSequence(5, true), TWO_32 + 5);
  assert.equal(b.inferSequence(500, true), TWO_32 + 500);
  const fresh = new ReplayWindow(128);
  assert.equal(fresh.inferSequence(TWO_32 - 5, true), -1, 'before the first subspace');
  assert.equal(fresh.inferSequence(7, true), 7);
  assert.equal(fresh.inferSequence(TWO_32 - 5, false), TWO_32 - 5, 'without ESN the field is the number');
});

test('ESN window across a subspace boundary rejects duplicates and accepts the new subspace', () => {
  const w = new ReplayWindow(64);
  w.accept(TWO_32 - 2);
  const next = w.inferSequence(3, true);
  assert.equal(next, TWO_32 + 3);
  assert.ok(w.check(next));
  w.accept(next);
  assert.equal(w.check(w.inferSequence(0xfffffffe, true)), false, 'duplicate from the previous subspace');
  assert.ok(w.check(w.inferSequence(0xffffffff, true)), 'missing one from the previous subspace');
});

test('a disabled window (size 0) checks nothing but still infers ESN', () => {
  const w = new ReplayWindow(0);
  assert.equal(w.enabled, false);
  w.accept(5);
  assert.ok(w.check(5));
  assert.ok(w.check(0));
  assert.equal(w.highest, 5);
  assert.equal(w.inferSequence(6, true), 6);
});

test('window sizes outside [32, 65536] or not a multiple of 32 are RangeErrors', () => {
  for (const bad of [16, 33, 65568, -32, 1.5]) assert.throws(() => new ReplayWindow(bad), RangeError);
  assert.equal(new ReplayWindow().size, 128);
  assert.equal(new ReplayWindow(4096).size, 4096);
});
