// The demo's attach time per phase (issue 6): `dsmip demo` run in process repeatedly on loopback; medians.
// Real sockets and real crypto, so the figures include kernel UDP round trips and timer scheduling.
import { runDemo } from '../../src/node/demo/index.ts';
import type { Bench, Figure } from '../harness.ts';

const RUNS = 9;
let samples: Promise<Map<string, number[]>> | undefined;

async function collect(): Promise<Map<string, number[]>> {
  const byPhase = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) {
    const { attach } = await runDemo();
    for (const p of attach.phases) byPhase.set(p.phase, [...(byPhase.get(p.phase) ?? []), p.endMs - p.startMs]);
    byPhase.set('total', [...(byPhase.get('total') ?? []), attach.totalMs]);
  }
  return byPhase;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const PHASES = ['discovery', 'ike-sa-init', 'eap-aka', 'child-sa', 'binding', 'dhcp', 'total'];

export const benches: Bench[] = [];

export const figures: Figure[] = PHASES.map((phase) => ({
  name: `demo-attach-${phase} (median of ${RUNS})`,
  unit: 'ms',
  measure: async () => {
    samples ??= collect();
    return median((await samples).get(phase) ?? []);
  },
}));
