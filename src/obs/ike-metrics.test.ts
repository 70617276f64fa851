import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { IkeMetrics } from './ike-metrics.ts';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('IKE metrics: drops by reason, cookies, half-open gauges, refusals by limit, attempts apart from results', async () => {
  const registry = new Registry();
  const counters = {
    droppedMalformed: 2,
    droppedIntegrity: 0,
    droppedUnknownSpi: 7,
    droppedMessageId: 0,
    droppedUnexpected: 0,
    droppedRateLimited: 1,
    invalidCookies: 3,
    cookiesSent: 20_000,
  };
  const m = new IkeMetrics(registry, {
    counters: () => counters,
    limits: () => ({ 'half-open-per-source': 19_990, 'eap-per-identity': 0 }),
    halfOpen: () => 10,
    halfOpenMaxPerSource: () => 10,
    attempts: () => 10_011,
  });
  for (let i = 0; i < 10; i++) m.countAttachResult('abandoned');
  m.countAttachResult('success');
  const text = await registry.metrics();
  assert.equal(sample(text, 'dsmip_ike_drops_total{reason="malformed"}'), 2);
  assert.equal(sample(text, 'dsmip_ike_drops_total{reason="unknown-spi"}'), 7);
  assert.equal(sample(text, 'dsmip_ike_drops_total{reason="invalid-cookie"}'), 3);
  assert.equal(sample(text, 'dsmip_ike_drops_total{reason="integrity"}'), undefined, 'zero series are left out');
  assert.equal(sample(text, 'dsmip_ike_cookies_sent_total'), 20_000);
  assert.equal(sample(text, 'dsmip_ike_rejected_by_limit_total{limit="half-open-per-source"}'), 19_990);
  assert.equal(sample(text, 'dsmip_ike_half_open_sas'), 10);
  assert.equal(sample(text, 'dsmip_ike_half_open_max_per_source'), 10);
  assert.equal(sample(text, 'dsmip_attach_attempts_total'), 10_011);
  assert.equal(sample(text, 'dsmip_attach_results_total{result="abandoned"}'), 10);
  assert.equal(sample(text, 'dsmip_attach_results_total{result="success"}'), 1);
  // Scraped twice, a copied counter does not double.
  assert.equal(sample(await registry.metrics(), 'dsmip_ike_cookies_sent_total'), 20_000);
});
