#!/usr/bin/env node
// `npm test`: installs or names missing test peers, builds what is missing or stale, then runs every *.test.ts under src/ and test/
// with Node's own test runner (Node 20's --test does not expand globs or find .ts files itself).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

const peers = spawnSync('bash', [join(root, 'scripts/ensure-peers.sh')], { stdio: 'inherit' });
if (peers.status !== 0) process.exit(peers.status ?? 1);
// The native addon (raw IP sockets, TUN) is built at `npm ci`; build it here if that could not happen then.
const native = spawnSync(process.execPath, [join(root, 'scripts/build-native.mjs'), '--strict'], { stdio: 'inherit' });
if (native.status !== 0) process.exit(native.status ?? 1);
// Tests spawn bin/dsmip, which runs the compiled dist/: compile it again when a source is newer.
const dist = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (dist.status !== 0) process.exit(dist.status ?? 1);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = ['src', 'test']
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(run.status ?? 1);
