/**
 * The subscriber store on a full disk (ENOSPC), for real: a 64 KiB tmpfs mounted in a private mount namespace
 * (unshare(1) from util-linux; as non-root with a user namespace), so nothing outside this test sees it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('disk full: vectors within the reserved range only, failures counted and reported once, no temporaries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-full-'));
  try {
    const child = new URL('./store-full-disk-child.ts', import.meta.url).pathname;
    const asRoot = process.getuid?.() === 0;
    const out = execFileSync(
      'unshare',
      [
        ...(asRoot ? ['--mount'] : ['--mount', '--map-root-user']),
        'sh',
        '-c',
        'mount -t tmpfs -o size=64k,mode=0700 dsmip-test "$1" && exec "$2" --import tsx "$3" "$1"',
        'sh',
        dir,
        process.execPath,
        child,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    assert.equal(out, 'ok\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
