/**
 * scripts/ensure-peers.sh installs every peer before any test runs (scripts/test.mjs); here its check logic on
 * a simulated fresh machine: a PATH on which strongSwan's `pki` does not exist (every other program linked in),
 * in check-only mode, so nothing is installed or removed.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const SCRIPT = new URL('../../scripts/ensure-peers.sh', import.meta.url).pathname;
const SYSTEM_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];

/** A directory linking every program of the system directories except `hidden`, to use as the whole PATH. */
function pathWithout(dir: string, hidden: readonly string[]): string {
  for (const d of SYSTEM_DIRS) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (hidden.includes(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(d, name), join(dir, name));
    }
  }
  return dir;
}

function ensurePeers(path: string): SpawnSyncReturns<string> {
  return spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, PATH: path, DSMIP_PEERS_CHECK_ONLY: '1' },
  });
}

test('with every peer installed the check passes silently', () => {
  const r = ensurePeers(process.env.PATH ?? SYSTEM_DIRS.join(':'));
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
});

test('a machine without strongSwan pki: named with its Debian package, exit 1, nothing installed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsmip-ensure-peers-'));
  try {
    const r = ensurePeers(pathWithout(dir, ['pki']));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /strongSwan's pki.*\(Debian package strongswan-pki\)/);
    assert.match(r.stderr, /apt-get install strongswan-pki\)/);
    assert.doesNotMatch(r.stderr, /tshark|iperf3|dnsmasq/, 'only what is missing is named');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
