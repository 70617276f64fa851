/**
 * Issue 16, end to end: a cookie-echo flood from one address (20,000 IKE_SA_INITs from 512 ports, every COOKIE
 * answered, no IKE_AUTH) against a real `dsmip ha` in a lab (test/e2e/netns), with a legitimate `dsmip ue`
 * attaching from its own access link while it runs. The HA must hold the per-source cap of half-open SAs (its
 * metrics say so), keep its RSS growth bounded, count the refusals, and still attach the UE. Needs root (network
 * namespaces) and the native addon (the UE's raw sockets on the routed IPv4 access).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLabRun } from '../netns/lab-run.ts';
import { runFlood, samplesOf } from './flood-run.ts';

const PER_SOURCE = 10;

test('cookie-echo flood from one address: half-open SAs capped, RSS bounded, a UE attaches meanwhile', async () => {
  const run = await startLabRun(
    'ipv4',
    'fl',
    { lifetime: '60s', refreshMargin: '10s' },
    { cookieThreshold: 5, limits: `{ halfOpenPerSource: ${PER_SOURCE}, halfOpenTotal: 5000 }` },
  );
  try {
    const f = await runFlood(run, { count: 20_000, ports: 512, rate: 2500, ueAfterMs: 2000 });
    const after = samplesOf(f.metrics);
    console.log(
      `flood: ${JSON.stringify(f.flooder)}; HA RSS ${f.rssBeforeKb} -> peak ${f.rssPeakKb} -> ${f.rssAfterKb} kB; ` +
        `attach ${f.attachMs} ms (${f.spawnToAttachedMs} ms from spawn); peak half-open ${f.peaks.dsmip_ike_half_open_sas}, per source ` +
        `${f.peaks.dsmip_ike_half_open_max_per_source}`,
    );
    assert.ok(f.flooder.sent === 20_000 && (f.flooder.cookieEchoes ?? 0) > 0, 'the flood ran and echoed cookies');
    assert.ok(f.attachMs !== undefined, 'the legitimate UE attached during the flood');
    assert.ok((f.peaks.dsmip_ike_half_open_max_per_source ?? Number.POSITIVE_INFINITY) <= PER_SOURCE);
    assert.ok(f.flooder.accepted !== undefined && f.flooder.accepted < 20_000);
    assert.ok((after.get('dsmip_ike_rejected_by_limit_total{limit="half-open-per-source"}') ?? 0) > 1000);
    assert.ok((after.get('dsmip_ike_cookies_sent_total') ?? 0) > 0);
    // Only authenticated SAs are "established": the UE's, not the flood's.
    assert.equal(after.get('dsmip_ike_sas'), 1);
    assert.ok((f.peaks.dsmip_ike_sas ?? 0) <= 1);
    assert.ok(f.rssPeakKb - f.rssBeforeKb < 40_000, `RSS grew ${f.rssPeakKb - f.rssBeforeKb} kB`);
  } catch (e) {
    console.error(await run.report());
    throw e;
  } finally {
    await run.close();
  }
});
