/**
 * Prometheus series whose values are plain numbers the hot path keeps (no prom-client call per packet or per
 * message), copied into the registry at scrape time. Shared by every metrics module of the HA, UE and AAA server.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** A counter read at scrape time: `read` gives each label set's running total (zero totals are left out). */
export function scrapedCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: () => readonly [Partial<Record<L, string>>, number][],
): Counter<L> {
  return new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect(this: Counter<L>) {
      this.reset();
      for (const [labels, value] of read()) if (value > 0) this.inc(labels, value);
    },
  });
}

/** A gauge set from `read` at scrape time; without `read` it is set by its owner. */
export function scrapedGauge(registry: Registry, name: string, help: string, read?: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    ...(read
      ? {
          collect(this: Gauge) {
            this.set(read());
          },
        }
      : {}),
  });
}
