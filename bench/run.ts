// `npm run bench [-- name-part ...]`: every figure on its own line as `name: value unit` (bench/cases/*.ts); rates
// measured on one core in process, plus the figures that measure themselves (e.g. user traffic through a real HA).
// A name part selects figures by name or a whole case by its file name (e.g. `strongswan-load`).
import { readdirSync } from 'node:fs';
import { type Bench, type Figure, formatFigure, measure } from './harness.ts';

const only = process.argv.slice(2);
const dir = new URL('./cases/', import.meta.url);
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith('.ts'))
  .sort()) {
  const mod = (await import(new URL(f, dir).href)) as { benches: Bench[]; figures?: Figure[] };
  const wanted = (name: string) => only.length === 0 || only.some((o) => name.includes(o) || f === `${o}.ts`);
  for (const b of mod.benches) {
    if (!wanted(b.name)) continue;
    console.log(formatFigure(b.name, measure(b), b.unit));
  }
  // Figures that are not rates (e.g. memory per binding) measure themselves.
  for (const fig of mod.figures ?? []) {
    if (!wanted(fig.name)) continue;
    console.log(formatFigure(fig.name, await fig.measure(), fig.unit));
  }
}
