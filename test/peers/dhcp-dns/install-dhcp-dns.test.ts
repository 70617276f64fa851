import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ensureDhcpDnsPeers, INSTALL_SCRIPT } from './install.ts';

test('once installed, the script only checks: silent, exit 0', () => {
  ensureDhcpDnsPeers(); // installs when missing (as root on Debian)
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '');
});

test('without root and without the programs it names what is missing and fails', () => {
  // As root, drop to nobody for this run; the program root points at nothing, so everything is "missing".
  const asUser =
    process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'] : [];
  const [cmd, ...args] = [...asUser, 'bash', INSTALL_SCRIPT];
  const r = spawnSync(cmd!, args, {
    encoding: 'utf8',
    env: { ...process.env, DSMIP_PEERS_PROGRAM_ROOT: '/nonexistent-dsmip-root' },
  });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /missing Debian packages: dnsmasq-base kea-dhcp6-server kea-dhcp4-server iproute2 util-linux/);
  assert.match(r.stderr, /run this script as root/);
});
