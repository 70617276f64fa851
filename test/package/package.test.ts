/**
 * The published package as a user gets it: `npm pack` holds only what users need; the tarball installs into a
 * throw-away project without the internet (its dependencies come from npm's cache, pinned by a lockfile made from
 * this repository's, so the versions are the ones tested here); plain Node imports it and runs its CLI; a
 * TypeScript program compiles against its .d.ts with strict NodeNext and runs an attach on loopback through the
 * public API (HA + DNS + UE in one process).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (cmd: string, args: readonly string[], cwd: string, timeout = 600_000): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });

interface PackedFile {
  readonly path: string;
}
let dir = '';
let files: string[] = [];
let consumer = '';

/** A lockfile for a project depending on the tarball: dsmip, and this repository's runtime dependencies as locked. */
function consumerLock(tgz: string): unknown {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { dsmip: `file:${tgz}` } },
    'node_modules/dsmip': {
      version: pkg.version,
      resolved: `file:${tgz}`,
      integrity,
      hasInstallScript: true,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dsmip-package-'));
  // dist/ must be current (npm test builds it; this makes the file runnable alone too).
  run(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], root);
  // --ignore-scripts: `prepare` would compile dist/ again, which was just checked.
  const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as {
    filename: string;
    files: PackedFile[];
  }[];
  files = packed[0]!.files.map((f) => f.path).sort();
  consumer = join(dir, 'consumer');
  execFileSync('mkdir', [consumer]);
  const tgz = `../${packed[0]!.filename}`;
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      dependencies: { dsmip: `file:${tgz}` },
    }),
  );
  writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify(consumerLock(join(consumer, tgz)), null, 2));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], consumer);
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds the compiled library, the CLI, the native sources and docs, and nothing else', () => {
  for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/dsmip', 'dist/index.js', 'dist/index.d.ts']) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  assert.ok(files.includes('dist/cli/main.js') && files.includes('dist/node/ha/home-agent.d.ts'));
  assert.ok(files.includes('native/dsmip-native.c') && files.includes('scripts/build-native.mjs'));
  assert.ok(files.includes('examples/demo-pki/ha-ecdsa.pem'), 'the demo reads its PKI from examples/');
  const unwanted = files.filter(
    (f) =>
      /^(src|test|fuzz|bench|\.ci|docs|build)\//.test(f) ||
      /(^|\/)(test-[^/]*|[^/]*\.test|[^/]*-test-support|arbitraries)\.(js|d\.ts|ts)$/.test(f) ||
      /^scripts\/(?!build-native\.mjs$)/.test(f) ||
      /^tsconfig|\.map$|\.pem\.key$|^\.|node_modules/.test(f),
  );
  assert.deepEqual(unwanted, []);
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
  assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).license, 'Apache-2.0');
});

test('installed offline: no TypeScript runner at run time, the native addon built at install', () => {
  for (const dev of ['tsx', 'esbuild', 'typescript', 'fast-check', '@biomejs']) {
    assert.equal(existsSync(join(consumer, 'node_modules', dev)), false, `${dev} is not a runtime dependency`);
  }
  // The install script compiles the addon where a C compiler exists (ensure-peers.sh made sure one does).
  assert.ok(existsSync(join(consumer, 'node_modules/dsmip/build/dsmip_native.node')));
});

test('plain Node imports it (ESM) and runs its CLI', () => {
  const script = "import * as d from 'dsmip'; console.log(JSON.stringify(Object.keys(d).sort()))";
  const names = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], consumer)) as string[];
  for (const name of ['HomeAgent', 'UserEquipment', 'loadHaConfig', 'loadUeConfig', 'DnsServer', 'ConfigFileError']) {
    assert.ok(names.includes(name), `${name} is exported`);
  }
  assert.match(run(join(consumer, 'node_modules/.bin/dsmip'), ['--help'], consumer), /Usage: dsmip/);
});

test('a strict NodeNext TypeScript program compiles against the .d.ts and attaches on loopback', () => {
  copyFileSync(join(root, 'test/package/consumer-attach.ts.txt'), join(consumer, 'attach.ts'));
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')], // @types/node, which a Node program has anyway
      skipLibCheck: false, // the package's own .d.ts are checked too
      outDir: 'out',
    },
    files: ['attach.ts'],
  };
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
  run(process.execPath, [TSC, '-p', 'tsconfig.json'], consumer);
  const work = join(dir, 'work');
  execFileSync('mkdir', [work]);
  const out = run(process.execPath, ['out/attach.js', join(consumer, 'node_modules/dsmip'), work], consumer, 120_000);
  const r = JSON.parse(out) as Record<string, unknown>;
  assert.match(String(r.ipv4HomeAddress), /^10\.10\.0\.\d+$/);
  assert.match(String(r.ipv6HomeAddress), /^2001:db8:1[0-9a-f]{2}:/);
  assert.equal(r.dhcpv6, true);
  assert.equal(r.dhcpv4, true);
  assert.equal(r.ikeSas, 1);
  assert.deepEqual(r.bindings, [r.ipv4HomeAddress]);
  assert.deepEqual(r.acks, [0, 0]); // the registration and the deregistration, accepted
  assert.equal(r.ueState, 'attached');
  assert.equal(r.ueStateAfterDetach, 'detached');
  for (const kind of ['binding', 'binding-ack', 'binding-update', 'datagram', 'dhcp', 'ike']) {
    assert.ok((r.haEventKinds as string[]).includes(kind), `HA event ${kind}`);
  }
});
