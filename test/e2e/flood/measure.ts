/**
 * Prints the figures of one cookie-echo flood run (flood-run.ts) as `name: value unit` lines, for the report and for
 * comparing revisions (root; not a test). `node --import tsx test/e2e/flood/measure.ts [--limits '{...}']`
 */
import { parseArgs } from 'node:util';
import { startLabRun } from '../netns/lab-run.ts';
import { runFlood, samplesOf } from './flood-run.ts';

const { values } = parseArgs({
  options: {
    limits: { type: 'string' },
    cookieThreshold: { type: 'string', default: '5' },
    count: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '2500' },
  },
});

const run = await startLabRun(
  'ipv4',
  'fm',
  { lifetime: '60s', refreshMargin: '10s' },
  { cookieThreshold: Number(values.cookieThreshold), ...(values.limits ? { limits: values.limits } : {}) },
);
try {
  const f = await runFlood(run, {
    count: Number(values.count),
    ports: 512,
    rate: Number(values.rate),
    ueAfterMs: 2000,
  });
  const after = samplesOf(f.metrics);
  console.log(`flooder: ${JSON.stringify(f.flooder)}`);
  console.log(`ike-cookie-flood-half-open-per-source: ${f.flooder.accepted} SAs (flooder's accepted IKE_SA_INITs)`);
  console.log(`ike-cookie-flood-half-open-peak: ${f.peaks.dsmip_ike_half_open_sas ?? 'n/a'} SAs (metrics)`);
  console.log(`ike-cookie-flood-ike-sas-peak: ${f.peaks.dsmip_ike_sas} SAs (dsmip_ike_sas)`);
  console.log(`ike-cookie-flood-rss-growth: ${Math.round((f.rssPeakKb - f.rssBeforeKb) / 1024)} MB (peak)`);
  console.log(`ike-cookie-flood-rss-after: ${Math.round((f.rssAfterKb - f.rssBeforeKb) / 1024)} MB`);
  console.log(`ike-cookie-flood-legit-attach: ${f.attachMs ?? 'failed'} ms (UE's totalMs)`);
  console.log(`ike-cookie-flood-legit-spawn-to-attached: ${f.spawnToAttachedMs ?? 'failed'} ms`);
  for (const [k, v] of after) if (/limit|cookies|attach|drops_total\{reason/.test(k)) console.log(`  ${k} ${v}`);
} finally {
  await run.close();
}
