// The end-to-end tests' process helper: a child that exits before the awaited log line rejects the wait at once
// and leaves no timer behind (a pending one would keep the test runner alive for the whole timeout).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDsmip } from './dsmip-process.ts';

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('waitFor: the child exits first, the wait rejects and its timer is gone', async () => {
  const before = timeouts();
  const p = startDsmip(['no-such-command']);
  const started = Date.now();
  await assert.rejects(p.waitFor('home agent up', 60_000), /exited with/);
  assert.ok(Date.now() - started < 30_000);
  assert.equal(timeouts(), before);
});
