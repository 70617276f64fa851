import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryLogger } from './log.ts';
import { LogRateLimiter } from './log-rate-limit.ts';

test('log rate limit: the first N per window, then one "suppressed K similar" line per window', () => {
  const { logger, lines } = createMemoryLogger({ level: 'info' });
  let now = 0;
  const limited = new LogRateLimiter(logger, { perWindow: 3, windowMs: 1000, now: () => now });
  for (let i = 0; i < 1000; i++) limited.warn('ike-sa-failed:half-open-timeout', { i }, 'IKE SA failed');
  limited.info('other', {}, 'another key is counted apart');
  assert.equal(lines.length, 4);
  now = 999;
  limited.flush();
  assert.equal(lines.length, 4, 'the window has not ended');
  now = 1000;
  limited.flush();
  const summary = lines.at(-1)!;
  assert.equal(summary.msg, 'suppressed 997 similar');
  assert.equal(summary.suppressed, 997);
  assert.equal(summary.key, 'ike-sa-failed:half-open-timeout');
  // A new window writes again; a window that ends with nothing suppressed adds no summary.
  limited.warn('ike-sa-failed:half-open-timeout', {}, 'IKE SA failed');
  now = 5000;
  limited.flush();
  assert.equal(lines.length, 6);
});

test('log rate limit: a later line of an ended window writes the summary first', () => {
  const { logger, lines } = createMemoryLogger({ level: 'info' });
  let now = 0;
  const limited = new LogRateLimiter(logger, { perWindow: 1, windowMs: 100, now: () => now });
  limited.warn('k', {}, 'a');
  limited.warn('k', {}, 'a');
  now = 150;
  limited.warn('k', {}, 'b');
  assert.deepEqual(
    lines.map((l) => l.msg),
    ['a', 'suppressed 1 similar', 'b'],
  );
});
