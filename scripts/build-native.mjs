#!/usr/bin/env node
// Builds native/*.c into build/dsmip_native.node (run by `npm ci` as the install script, and by
// `npm test` when the file is missing). A plain C compiler call: the addon uses N-API only, so Node's own
// node_api.h is all it needs (no node-gyp, no Python, no header download). Without a compiler or headers the
// install still succeeds and says what is missing: dsmip then runs without raw sockets and TUN (the demo asks the
// HA for UDP encapsulation, F = 1), and the commands that need them stop with that same message.
// `--strict` makes a failed build an error (CI, and npm test on a machine where it is expected to work).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nativeDir = join(root, 'native');
const sourceFiles = readdirSync(nativeDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
const sources = sourceFiles.filter((f) => f.endsWith('.c')).map((f) => join(nativeDir, f));
const output = join(root, 'build/dsmip_native.node');
const strict = process.argv.includes('--strict');

function fail(message) {
  console.error(`dsmip: native addon not built: ${message}`);
  console.error('dsmip: raw IP sockets and TUN devices are unavailable until it is (npm run build:native).');
  process.exit(strict ? 1 : 0);
}

if (process.platform !== 'linux')
  fail(`raw sockets and TUN are implemented for Linux only (this is ${process.platform})`);
const newestSource = Math.max(...sourceFiles.map((f) => statSync(join(nativeDir, f)).mtimeMs));
if (existsSync(output) && statSync(output).mtimeMs >= newestSource) process.exit(0);

const headerDirs = [
  join(dirname(dirname(process.execPath)), 'include/node'),
  '/usr/include/node',
  '/usr/local/include/node',
];
const headers = headerDirs.find((d) => existsSync(join(d, 'node_api.h')));
if (!headers) fail(`Node's C headers (node_api.h) were not found in ${headerDirs.join(', ')}`);

const cc = process.env.CC || 'cc';
mkdirSync(dirname(output), { recursive: true });
const args = [
  '-O2',
  '-Wall',
  '-Wextra',
  '-shared',
  '-fPIC',
  '-DNODE_GYP_MODULE_NAME=dsmip_native',
  '-DNAPI_VERSION=8',
  `-I${headers}`,
  '-o',
  output,
  ...sources,
];
const run = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.error) fail(`no C compiler (${cc}: ${run.error.code}); on Debian: apt install gcc libc6-dev`);
if (run.status !== 0) fail(`${cc} exited with ${run.status}`);
console.log(`dsmip: built ${output.slice(root.length)}`);
