import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EventQueue } from './event-queue.ts';
import { deliveryDelays } from './link.ts';
import { SeededRandom } from './random.ts';

test('same seed, same stream; different seeds differ', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const xs = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(
    Array.from({ length: 5 }, () => b.nextU32()),
    xs,
  );
  assert.notDeepEqual(
    Array.from({ length: 5 }, () => new SeededRandom(43).nextU32()),
    xs,
  );
  // mulberry32(1): 0.6270739405881613, 0.002735721180215478, 0.5274470399599522 as fractions of 2^32.
  const r = new SeededRandom(1);
  assert.deepEqual([r.nextU32(), r.nextU32(), r.nextU32()], [2693262067, 11749833, 2265367787]);
});

test('next() is in [0, 1), int() in [0, bound), chance() honours 0 and 1', () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), (seed, bound) => {
      const r = new SeededRandom(seed);
      const x = r.next();
      const n = r.int(bound);
      return x >= 0 && x < 1 && Number.isInteger(n) && n >= 0 && n < bound && !r.chance(0) && r.chance(1);
    }),
  );
  assert.throws(() => new SeededRandom(1).int(0), RangeError);
});

test('link impairments: loss, duplication and reordering happen at about their rates', () => {
  const r = new SeededRandom(7);
  let lost = 0;
  let dup = 0;
  let late = 0;
  for (let i = 0; i < 10_000; i++) {
    const d = deliveryDelays({ latencyMs: 10, loss: 0.1, duplicate: 0.05, reorder: 0.2, reorderDelayMs: 100 }, r);
    if (d.length === 0) lost++;
    if (d.length === 2) dup++;
    late += d.filter((x) => x >= 110).length;
  }
  assert.ok(lost > 900 && lost < 1100, `lost ${lost}`);
  assert.ok(dup > 350 && dup < 550, `duplicated ${dup}`);
  assert.ok(late > 1650 && late < 2100, `held back ${late}`);
  assert.deepEqual(deliveryDelays({ latencyMs: 3 }, r), [3]);
});

test('EventQueue: time order, insertion order on ties', () => {
  const q = new EventQueue<string>();
  q.push(5, 'c');
  q.push(1, 'a');
  q.push(5, 'd');
  q.push(1, 'b');
  q.push(3, 'x');
  const out: string[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.item);
  assert.deepEqual(out, ['a', 'b', 'x', 'c', 'd']);
  assert.equal(q.peekTime(), undefined);
});
