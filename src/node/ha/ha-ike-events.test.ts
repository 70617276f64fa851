import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IkeMetrics } from '../../obs/ike-metrics.ts';
import { createMemoryLogger } from '../../obs/log.ts';
import { LogRateLimiter } from '../../obs/log-rate-limit.ts';
import { HaMetrics } from '../../obs/metrics.ts';
import { NotifyType } from '../../wire/ike/constants.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { attachOutcomeOf, HaIkeEvents } from './ha-ike-events.ts';

test('a flood of reclaimed half-open SAs: results say "abandoned", the warning lines are rate-limited', async () => {
  const { logger, lines } = createMemoryLogger({ level: 'info' });
  const metrics = new HaMetrics({ processMetrics: false });
  const ikeMetrics = new IkeMetrics(metrics.registry, {
    counters: () => undefined,
    limits: () => ({}),
    halfOpen: () => 0,
    halfOpenMaxPerSource: () => 0,
    attempts: () => 0,
  });
  let now = 0;
  const limitedLog = new LogRateLimiter(logger, { perWindow: 10, windowMs: 10_000, now: () => now });
  const events = new HaIkeEvents({
    registry: {} as MobilitySaRegistry, // not used by failure events
    metrics,
    log: logger,
    emit: () => {},
    ikeMetrics,
    limitedLog,
  });
  for (let i = 1; i <= 5000; i++) events.handle({ kind: 'ike-sa-failed', ikeSaId: i, reason: 'half-open-timeout' });
  now = 10_000;
  limitedLog.flush();
  assert.deepEqual(
    lines.map((l) => l.msg),
    [...Array(10).fill('IKE SA failed'), 'suppressed 4990 similar'],
  );
  const text = await metrics.scrape();
  assert.match(text, /^dsmip_attach_results_total\{result="abandoned"\} 5000$/m);
});

test('attach outcomes: limits, abandoned half-open SAs, EAP and AUTH failures are told apart', () => {
  const failed = (reason: string, notifyType?: number) =>
    attachOutcomeOf({ kind: 'ike-sa-failed', ikeSaId: 1, reason, ...(notifyType ? { notifyType } : {}) });
  assert.equal(failed('limit-eap-per-identity', NotifyType.AUTHENTICATION_FAILED), 'rejected-by-limit');
  assert.equal(failed('half-open-timeout'), 'abandoned');
  assert.equal(failed('eap-failure'), 'auth-failed');
  assert.equal(failed('sent-notify-24', NotifyType.AUTHENTICATION_FAILED), 'auth-failed');
  assert.equal(failed('sent-notify-14', NotifyType.NO_PROPOSAL_CHOSEN), 'no-proposal');
  assert.equal(failed('peer-unreachable'), 'timeout');
});
