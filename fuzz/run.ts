// `npm run fuzz [-- --per-family N --seed S --family F --node-inputs M]`: mutation fuzzing of every decoder family
// (fuzz/targets/*.ts). Each family gets at least N mutated inputs (default 1,000,000) split over its targets; any throw
// that is not a WireError is a finding, printed with the input as hex. Then the `ha-node` family (fuzz/ha-node.ts):
// M (default 100,000) mutated datagrams of a real attach into a live HA. Exit 1 when anything was found.
import { readdirSync } from 'node:fs';
import { fuzzHomeAgentNode } from './ha-node.ts';
import { type FuzzTarget, fuzzTarget } from './harness.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const perFamily = arg('per-family', 1_000_000);
const familyIndex = process.argv.indexOf('--family');
const onlyFamily = familyIndex >= 0 ? process.argv[familyIndex + 1] : undefined;
const seed = arg('seed', 0x5eed);
const dir = new URL('./targets/', import.meta.url);
const all: FuzzTarget[] = [];
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
  .sort()) {
  const mod = (await import(new URL(f, dir).href)) as { targets: FuzzTarget[] };
  all.push(...mod.targets);
}
const families = new Map<string, FuzzTarget[]>();
for (const t of all) {
  if (onlyFamily === undefined || t.family === onlyFamily)
    families.set(t.family, [...(families.get(t.family) ?? []), t]);
}
const runNode = onlyFamily === undefined || onlyFamily === 'ha-node';
if (families.size === 0 && !runNode) {
  console.error(`no fuzz family ${onlyFamily}`);
  process.exit(2);
}

let findings = 0;
let total = 0;
for (const [family, targets] of families) {
  const each = Math.ceil(perFamily / targets.length);
  const start = performance.now();
  let accepted = 0;
  for (const [i, t] of targets.entries()) {
    const res = fuzzTarget(t, each, seed + i);
    accepted += res.accepted;
    total += res.runs;
    for (const f of res.findings) {
      findings++;
      console.log(`FINDING ${f.target}: ${f.error.split('\n')[0]}\n  input: ${f.input}`);
    }
  }
  const secs = (performance.now() - start) / 1000;
  console.log(
    `fuzz ${family}: ${each * targets.length} inputs over ${targets.length} decoders in ${secs.toFixed(1)} s, ` +
      `${accepted} returned a value, the rest were rejected with a WireError`,
  );
}
if (runNode) {
  const r = await fuzzHomeAgentNode({ inputs: arg('node-inputs', 100_000), seed });
  for (const f of r.findings) console.log(`FINDING ha-node: ${f}`);
  findings += r.findings.length;
  total += r.inputs;
  console.log(
    `fuzz ha-node: ${r.inputs} mutated datagrams of a real attach (${r.seeds} seeds) into a live HA in ` +
      `${r.seconds.toFixed(1)} s; ${r.drops} counted drops; at the end ${r.ikeSas} IKE SAs, ${r.bindings} binding(s)`,
  );
}
console.log(`fuzz total: ${total} inputs, ${findings} findings`);
process.exitCode = findings > 0 ? 1 : 0;
