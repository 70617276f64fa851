/**
 * bin/dsmip runs the compiled dist/; in a source checkout it refuses a dist/ that is missing or older than src/
 * (it would run old code). Checked on a copy of the checkout's skeleton, so the real dist/ is never touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

test('bin/dsmip in a checkout: no dist/ or a stale one is refused by name; a current one runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-bin-stale-'));
  try {
    for (const d of ['bin', 'scripts', 'src/cli', 'dist/cli']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['bin/dsmip', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json']) {
      copyFileSync(join(root, f), join(dir, f));
    }
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'src/cli/main.ts'), 'export {};\n');
    const bin = () => spawnSync(process.execPath, [join(dir, 'bin/dsmip'), 'x'], { encoding: 'utf8' });

    let r = bin();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /dist\/ is not built: run `npm run build`/);

    writeFileSync(join(dir, 'dist/index.js'), '');
    writeFileSync(
      join(dir, 'dist/cli/main.js'),
      'export async function main(argv) { console.log(argv.at(-1)); return 0; }\n',
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'dist/index.js'), old, old);
    r = bin();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /dist\/ is older than src\/: run `npm run build`/);

    const past = new Date(Date.now() - 120_000);
    for (const f of ['src/cli/main.ts', 'tsconfig.json', 'tsconfig.build.json']) utimesSync(join(dir, f), past, past);
    r = bin();
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'x\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
