import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUeConfig, type UeConfig } from '../config/load.ts';
import { createMemoryLogger } from '../obs/log.ts';
import { ConfigError } from '../util/errors.ts';
import type { Ipv4Address } from '../util/ip-address.ts';
import { accessReload, configReload, reloadConfig } from './ue-reload.ts';

const CA = new URL('../../test/fixtures/pki/ca-ecdsa.pem', import.meta.url).pathname;

function ue(access: string): UeConfig {
  return loadUeConfig({
    name: 'ue.yaml',
    text: [
      'ue:',
      '  identity: { imsi: "001010000000001", k: 465b5ce8b199b49faa5f0a2ee238a6bc, opc: cd63cb71954a9f4e48a5994e37a02baf, mcc: "001", mnc: "01" }',
      '  apn: internet',
      '  discovery: { static: [{ ipv6: "2001:db8:1::1", ipv4: 192.0.2.1 }] }',
      `  ike: { caCertificate: "${CA}", haIdentity: ha.example.net }`,
      `  access: ${access}`,
    ].join('\n'),
  });
}

const A = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.100 } }').access;
const B = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.101 } }').access;

test('accessReload: a new CoA of the running family is a move; the family, the interface or the other CoA need a restart', () => {
  assert.deepEqual(accessReload(A, A), { careOf: undefined, needsRestart: [] });
  const moved = accessReload(A, B);
  assert.equal(moved.careOf?.toString(), '192.0.2.101');
  assert.deepEqual(moved.needsRestart, []);
  const wlan = ue('{ family: ipv4, interface: wlan0, ipv4: { careOfAddress: 192.0.2.100 } }').access;
  assert.deepEqual(accessReload(A, wlan), { careOf: undefined, needsRestart: ['ue.access.interface'] });
  const v6 = ue('{ family: ipv6, interface: eth0, ipv6: { careOfAddress: "2001:db8:2::1" } }').access;
  assert.deepEqual(accessReload(A, v6), {
    careOf: undefined,
    needsRestart: ['ue.access.family', 'ue.access.ipv4.careOfAddress', 'ue.access.ipv6.careOfAddress'],
  });
  // On IPv6 access a new IPv6 CoA is the move; the unused IPv4 one waits for a restart.
  const v6b = ue('{ family: ipv6, interface: eth0, ipv6: { careOfAddress: "2001:db8:2::2" } }').access;
  assert.equal(accessReload(v6, v6b).careOf?.toString(), '2001:db8:2::2');
  assert.deepEqual(accessReload(v6, v6b).needsRestart, []);
  const v6c = ue(
    '{ family: ipv6, interface: eth0, ipv4: { careOfAddress: 192.0.2.9 }, ipv6: { careOfAddress: "2001:db8:2::1" } }',
  ).access;
  assert.deepEqual(accessReload(v6, v6c), { careOf: undefined, needsRestart: ['ue.access.ipv4.careOfAddress'] });
});

test('configReload: every other changed section is listed for a restart, by key path', () => {
  const running = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.100 } }');
  const again = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.100 } }');
  assert.deepEqual(configReload(running, again), { careOf: undefined, needsRestart: [] }, 'the same file: nothing');
  const edited = {
    ...ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.101 } }'),
    apn: 'ims',
    mobility: { ...running.mobility, forceUdp: !running.mobility.forceUdp },
  };
  const r = configReload(running, edited);
  assert.equal(r.careOf?.toString(), '192.0.2.101');
  assert.deepEqual(r.needsRestart, ['ue.apn', 'ue.mobility']);
});

test('reloadConfig: moves on a new CoA, keeps the running config on a bad file or a failed move', async () => {
  const { logger, lines } = createMemoryLogger();
  const moves: string[] = [];
  const mover = {
    async changeCareOfAddress(a: Ipv4Address) {
      moves.push(a.toString());
      if (a.toString() === '192.0.2.66') throw new Error('no BA');
      return { changed: true };
    },
  };
  const A = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.100 } }');
  const B = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.101 } }');
  const next = await reloadConfig(A, { load: () => ({ ...B, apn: 'ims' }), ue: mover, log: logger });
  assert.equal(next.access.ipv4?.careOfAddress.toString(), '192.0.2.101');
  assert.equal(next.apn, 'internet', 'only the care-of address applies while running');
  assert.deepEqual(moves, ['192.0.2.101']);
  assert.ok(lines.some((l) => l.msg === 're-registered from the new care-of address'));
  const reread = lines.find((l) => l.msg === 'config re-read (SIGHUP)');
  assert.deepEqual(reread?.needsRestart, ['ue.apn']);
  const warned = lines.find((l) => l.msg === 'these changes take effect after a restart');
  assert.deepEqual(warned?.keys, ['ue.apn']);

  const bad = () => {
    throw new ConfigError('INVALID', 'ue.access.ipv4.careOfAddress', 'expected an IPv4 address');
  };
  assert.equal(await reloadConfig(B, { load: bad, ue: mover, log: logger }), B);
  const refused = lines.find((l) => l.msg === 'config reload failed: the running config stays');
  assert.match(String(refused?.problem), /ue\.access\.ipv4\.careOfAddress/);

  const C = ue('{ family: ipv4, interface: eth0, ipv4: { careOfAddress: 192.0.2.66 } }');
  assert.equal(await reloadConfig(B, { load: () => C, ue: mover, log: logger }), B);
  assert.ok(lines.some((l) => l.msg === 'care-of address change failed'));
  assert.equal(await reloadConfig(B, { load: () => B, ue: mover, log: logger }), B);
  assert.deepEqual(moves, ['192.0.2.101', '192.0.2.66'], 'no move when nothing changed');
});
