/**
 * Metrics of the node's own outputs (the live capture, the key log): write failures, records lost and whether the
 * output is stopped, read from their `OutputHealth` at scrape time. Registered next to HaMetrics in its registry.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { OutputHealth } from './output-guard.ts';

/** Outputs by name (`capture`, `keylog`); a getter so an output opened later is still seen. */
export type OutputSources = () => Readonly<Record<string, OutputHealth | undefined>>;

export function registerOutputMetrics(registry: Registry, outputs: OutputSources): void {
  const each = (pick: (h: OutputHealth) => number) => {
    const out: [string, number][] = [];
    for (const [name, h] of Object.entries(outputs())) if (h) out.push([name, pick(h)]);
    return out;
  };
  new Counter({
    name: 'dsmip_output_write_failures_total',
    help: 'Failed writes of an observability output (capture, keylog), e.g. a full disk; the node keeps serving.',
    labelNames: ['output'],
    registers: [registry],
    collect(this: Counter<'output'>) {
      this.reset();
      for (const [output, n] of each((h) => h.failures)) if (n > 0) this.inc({ output }, n);
    },
  });
  new Counter({
    name: 'dsmip_output_dropped_total',
    help: 'Records (packets, key lines) an observability output could not write.',
    labelNames: ['output'],
    registers: [registry],
    collect(this: Counter<'output'>) {
      this.reset();
      for (const [output, n] of each((h) => h.dropped)) if (n > 0) this.inc({ output }, n);
    },
  });
  new Gauge({
    name: 'dsmip_output_suspended',
    help: '1 while an observability output is stopped after a write error (retried after a back-off).',
    labelNames: ['output'],
    registers: [registry],
    collect(this: Gauge<'output'>) {
      this.reset();
      for (const [output, v] of each((h) => (h.suspended ? 1 : 0))) this.set({ output }, v);
    },
  });
}
