// The forwarder's plain counters reach Prometheus at scrape time (src/obs/metrics.ts), not per packet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN6 } from '../../mip/test-fixtures.ts';
import { HaMetrics } from '../../obs/metrics.ts';
import { buildTunnelWorld, HOA, ping } from './test-support.ts';

test('data-plane counters are scraped: packets and bytes by direction, drops by reason, ICMP errors', async () => {
  const w = buildTunnelWorld('nat');
  let attached = false;
  const metrics = new HaMetrics({
    processMetrics: false,
    sources: { dataPlane: () => (attached ? w.ha.counters : undefined) },
  });
  assert.doesNotMatch(await metrics.scrape(), /dsmip_data_packets_total\{/, 'no device, no series');
  attached = true;
  w.haDevice.inject(ping(CN6, HOA, 100), ping(CN6, HOA, 60), ping(CN6, CN6));
  w.net.runUntilQuiescent();
  w.ueDevice.inject(ping(HOA, CN6, 80));
  w.net.runUntilQuiescent();
  const text = await metrics.scrape();
  assert.match(text, /^dsmip_data_packets_total\{direction="downlink"\} 2$/m);
  assert.match(text, /^dsmip_data_bytes_total\{direction="downlink"\} 160$/m);
  assert.match(text, /^dsmip_data_packets_total\{direction="uplink"\} 1$/m);
  assert.match(text, /^dsmip_data_bytes_total\{direction="uplink"\} 80$/m);
  assert.match(text, /^dsmip_data_drops_total\{reason="no-binding"\} 1$/m);
  assert.match(text, /^dsmip_data_icmp_errors_total 0$/m);
  // A second scrape reports totals, not increments.
  assert.match(await metrics.scrape(), /^dsmip_data_packets_total\{direction="downlink"\} 2$/m);
});
