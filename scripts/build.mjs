#!/usr/bin/env node
// Compiles src/ into dist/ (JavaScript + .d.ts, tsconfig.build.json: no tests), the code bin/dsmip and
// `import 'dsmip'` run. `npm ci` runs it through the `prepare` script; `npm test` runs it with --if-stale
// (tests spawn bin/dsmip). `staleReason()` says why dist/ is missing or older than its sources, or undefined.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(root, 'dist/index.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Why dist/ must be rebuilt (missing, or a source or tsconfig newer than it), or undefined when it is current. */
export function staleReason() {
  if (!existsSync(STAMP)) return 'dist/ is not built';
  const built = statSync(STAMP).mtimeMs;
  const configs = ['tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs);
  if (Math.max(newestSource(join(root, 'src')), ...configs) > built) return 'dist/ is older than src/';
  return undefined;
}

/** Removes dist/ and compiles it again; returns tsc's exit status. */
export function build() {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const why = staleReason();
  if (ifStale && why === undefined) process.exit(0);
  if (ifStale) console.error(`build: ${why}; compiling (tsc -p tsconfig.build.json)`);
  process.exit(build());
}
