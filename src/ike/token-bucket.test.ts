import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBuckets } from './token-bucket.ts';

test('token buckets: a burst, then one token per 60/perMinute s, per key', () => {
  const b = new TokenBuckets({ burst: 3, perMinute: 6 });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => b.take('a', 0)),
    [true, true, true, false],
  );
  assert.equal(b.take('b', 0), true, 'another key has its own bucket');
  assert.equal(b.take('a', 9_999), false);
  assert.equal(b.take('a', 10_000), true, 'one token every 10 s');
  assert.equal(b.tokens('a', 1_000_000), 3, 'never more than the burst');
});

test('token buckets: burst 0 turns the limit off; the key map stays bounded', () => {
  const off = new TokenBuckets({ burst: 0, perMinute: 0 });
  assert.ok([...Array(100)].every(() => off.take('x', 0)));
  const b = new TokenBuckets({ burst: 1, perMinute: 1 }, 100);
  for (let i = 0; i < 10_000; i++) b.take(`k${i}`, i);
  assert.equal(b.size, 100);
});
