import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureStrongswan } from '../../../scripts/peers/strongswan.ts';

const SCRIPT = new URL('../../../scripts/peers/install-strongswan.sh', import.meta.url).pathname;

test('once installed, the script only checks: prints the plugin path and exits 0', () => {
  const plugin = ensureStrongswan(); // installs and builds when missing
  assert.ok(existsSync(plugin));
  const r = spawnSync('bash', [SCRIPT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${plugin}\n`);
  assert.equal(r.stderr, ''); // nothing to install, nothing to say
});

test('without root and without a built plugin it names what is missing and fails', () => {
  const cache = mkdtempSync(join(tmpdir(), 'dsmip-peers-cache-'));
  chmodSync(cache, 0o755);
  try {
    // As root, drop to nobody for this run; otherwise the test already runs unprivileged.
    const asUser =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'] : [];
    const [cmd, ...args] = [...asUser, 'bash', SCRIPT];
    const r = spawnSync(cmd!, args, { encoding: 'utf8', env: { ...process.env, DSMIP_PEERS_CACHE: cache } });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /missing the eap-aka-3gpp plugin build: .*libstrongswan-eap-aka-3gpp\.so/);
    assert.match(r.stderr, /run this script as root once/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
