// The HA's drop metrics read from what the node counts for /status: the IPv6 reader (as rawStatus reports it) and
// the data SA counters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { registerDropMetrics } from '../../obs/drop-metrics.ts';
import { ipv6ReaderCountsOf } from '../net/transport-provider.ts';
import { newDataSaCounters } from '../tun/data-sa.ts';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('IPv6 reader and data SA drops are Prometheus counters with the typed reason as a label', async () => {
  const registry = new Registry();
  const reader = { packets: 10, fragments: 2, truncated: 1, unclaimed: 0, readErrors: 3 };
  const dataSas = newDataSaCounters();
  let raw: Parameters<typeof ipv6ReaderCountsOf>[0] = { sockets: [], kernelGuard: 'not needed' };
  registerDropMetrics(registry, { ipv6Reader: () => ipv6ReaderCountsOf(raw), dataSas: () => dataSas });
  // No reader yet (no raw IPv6): nothing to report, no error.
  assert.equal(sample(await registry.metrics(), 'dsmip_ipv6_reader_packets_total'), 0);
  raw = { ...raw, ipv6Reader: reader };
  dataSas.installed = 2;
  dataSas.opened = 5;
  dataSas.drops['source-not-bound'] = 4;
  dataSas.drops['malformed-outer'] = 1;
  const text = await registry.metrics();
  assert.equal(sample(text, 'dsmip_ipv6_reader_packets_total'), 10);
  assert.equal(sample(text, 'dsmip_ipv6_reader_drops_total{reason="fragment"}'), 2);
  assert.equal(sample(text, 'dsmip_ipv6_reader_drops_total{reason="truncated"}'), 1);
  assert.equal(sample(text, 'dsmip_ipv6_reader_drops_total{reason="read-error"}'), 3);
  assert.equal(sample(text, 'dsmip_ipv6_reader_drops_total{reason="unclaimed"}'), undefined, 'zero is not a sample');
  assert.equal(sample(text, 'dsmip_data_sa_events_total{event="installed"}'), 2);
  assert.equal(sample(text, 'dsmip_data_sa_opened_total'), 5);
  assert.equal(sample(text, 'dsmip_data_sa_drops_total{reason="source-not-bound"}'), 4);
  assert.equal(sample(text, 'dsmip_data_sa_drops_total{reason="malformed-outer"}'), 1);
  // Counters follow the running totals at each scrape.
  dataSas.drops['source-not-bound'] = 6;
  assert.equal(sample(await registry.metrics(), 'dsmip_data_sa_drops_total{reason="source-not-bound"}'), 6);
});
