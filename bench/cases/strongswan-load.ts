// The HA's attach cost under a real generator: strongSwan's load-tester (EAP-AKA with Milenage, X25519, the
// responder's ECDSA P-256 certificate, a tunnel-mode Child SA in IKE_AUTH) against a strongSwan responder and
// against `dsmip ha`, one core each (bench/strongswan-load/). Needs root (a network namespace) and the strongSwan
// builds of scripts/peers/install-strongswan.sh. Counts from the environment:
//   DSMIP_LOAD_SAS          IKE SAs set up and held per responder (default 2000; also the subscriber count)
//   DSMIP_LOAD_INITIATORS   generator threads (default 4)
//   DSMIP_LOAD_CPUS         "responder,generator" cores (default "1,0")
//   DSMIP_LOAD_NODE_ARGS    extra node arguments for `dsmip ha`, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"

import type { Bench, Figure } from '../harness.ts';
import { type LoadResult, runLoad } from '../strongswan-load/run-load.ts';

export const benches: Bench[] = [];

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer: ${v}`);
  return n;
}

let results: Promise<{ s: LoadResult; d: LoadResult }> | undefined;

/** Both runs, once, shared by every figure below; a run with failures is reported on stderr. */
function measured(): Promise<{ s: LoadResult; d: LoadResult }> {
  results ??= (async () => {
    const [responderCpu, generatorCpu] = (process.env.DSMIP_LOAD_CPUS ?? '1,0').split(',').map(Number);
    const options = {
      count: envInt('DSMIP_LOAD_SAS', 2000),
      initiators: envInt('DSMIP_LOAD_INITIATORS', 4),
      responderCpu,
      generatorCpu,
      nodeArgs: (process.env.DSMIP_LOAD_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
    };
    const s = await runLoad('strongswan', options);
    const d = await runLoad('dsmip', options);
    for (const r of [s, d]) {
      console.error(
        `strongswan-load: ${r.responder}: ${r.established} IKE SAs, ${r.children} Child SAs, ${r.failed} failed in ` +
          `${r.seconds.toFixed(1)} s (load average ${r.load})`,
      );
      if (r.failed > 0) console.error(r.problems.join('\n'));
    }
    return { s, d };
  })();
  return results;
}

export const figures: Figure[] = [
  {
    name: 'ha-attach-cpu-vs-strongswan',
    unit: 'ratio x',
    measure: async () => {
      const { s, d } = await measured();
      return d.cpuMsPerSa / s.cpuMsPerSa;
    },
  },
  { name: 'dsmip-ha-cpu-per-ike-sa', unit: 'ms', measure: async () => (await measured()).d.cpuMsPerSa },
  { name: 'strongswan-cpu-per-ike-sa', unit: 'ms', measure: async () => (await measured()).s.cpuMsPerSa },
  { name: 'dsmip-ha-rss-per-held-sa', unit: 'KiB', measure: async () => (await measured()).d.rssKiBPerSa },
  { name: 'strongswan-rss-per-held-sa', unit: 'KiB', measure: async () => (await measured()).s.rssKiBPerSa },
  { name: 'dsmip-ha-ike-sa-rate', unit: 'SA/s', measure: async () => (await measured()).d.saPerSecond },
  { name: 'strongswan-ike-sa-rate', unit: 'SA/s', measure: async () => (await measured()).s.saPerSecond },
  {
    name: 'strongswan-load-failures',
    unit: 'SAs',
    measure: async () => {
      const { s, d } = await measured();
      return s.failed + d.failed;
    },
  },
];
// The machine is shared: the 1-minute load average at the end of each run, beside the figures above.
figures.push(
  {
    name: 'strongswan-load-average-strongswan-run',
    unit: 'loadavg',
    measure: async () => Number((await measured()).s.load),
  },
  {
    name: 'strongswan-load-average-dsmip-run',
    unit: 'loadavg',
    measure: async () => Number((await measured()).d.load),
  },
);
