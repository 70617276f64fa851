// `npm run bench [-- name-part ...]`: every figure on its own line as `name: value unit` (bench/cases/*.ts); rates
// measured on one core in process, plus the figures that measure themselves (e.g. user traffic through a real HA).
import { readdirSync } from 'node:fs';
import { type Bench, type Figure, formatFigure, measure } from './harness.ts';

const only = process.argv.slice(2);
const dir = new URL('./cases/', import.meta.url);
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith('.ts'))
  .sort()) {
  const mod = (await import(new URL(f, dir).href)) as { benches: Bench[]; figures?: Figure[] };
  for (const b of mod.benches) {
    if (only.length && !only.some((o) => b.name.includes(o))) continue;
    console.log(formatFigure(b.name, measure(b), b.unit));
  }
  // Figures that are not rates (e.g. memory per binding) measure themselves.
  for (const fig of mod.figures ?? []) {
    if (only.length && !only.some((o) => fig.name.includes(o))) continue;
    console.log(formatFigure(fig.name, await fig.measure(), fig.unit));
  }
}
