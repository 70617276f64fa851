import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confValue } from '../../../scripts/peers/strongswan.ts';
import { renderStrongswanConf } from '../../../scripts/peers/strongswan-conf.ts';
import { toHex } from '../../../src/util/hex.ts';
import { haSwanctlConf, mip6HomePrefixValue } from './ha-responder.ts';
import { akaSecret, haApn, rootNai, TEST_HA_APN, TEST_NAI, TEST_SUBSCRIBER } from './identities.ts';
import { ueSwanctlConf } from './ue-initiator.ts';

const BASE = {
  name: 'ha',
  port: 15500,
  natTPort: 14500,
  viciSocketPath: '/tmp/x/charon.vici',
  logPath: '/tmp/x/charon.log',
};

test('strongswan.conf: ports, private socket, ike = 4 file log with IKE_SA names, fips-prf, AKA knobs', () => {
  const conf = renderStrongswanConf(BASE);
  for (const line of [
    '  port = 15500',
    '  port_nat_t = 14500',
    '      socket = unix:///tmp/x/charon.vici',
    '      path = /tmp/x/charon.log',
    '      ike_name = yes',
    '      ike = 4',
    '      request_identity = no',
    '      seq_check = no',
    '  routing_table = 0',
  ]) {
    assert.ok(conf.split('\n').includes(line), `missing: ${line}`);
  }
  const load = conf
    .split('\n')
    .find((l) => l.startsWith('  load = '))!
    .split(' ')
    .slice(4);
  for (const p of ['openssl', 'fips-prf', 'kernel-netlink', 'vici', 'eap-aka', 'eap-aka-3gpp'])
    assert.ok(load.includes(p), p);
  assert.ok(!load.includes('kernel-libipsec'));
  // Balanced braces: charon refuses a file that is not.
  assert.equal(conf.split('{').length, conf.split('}').length);
});

test('strongswan.conf: kernel-libipsec comes before kernel-netlink; options override the defaults', () => {
  const conf = renderStrongswanConf({
    ...BASE,
    kernel: 'libipsec',
    akaRequestIdentity: true,
    akaSeqCheck: true,
    logLevels: { enc: 3 },
    extraPlugins: ['attr'],
  });
  const load = conf.split('\n').find((l) => l.startsWith('  load = '))!;
  assert.ok(load.indexOf('kernel-libipsec') < load.indexOf('kernel-netlink'));
  assert.ok(load.endsWith(' attr'));
  assert.ok(conf.includes('      request_identity = yes\n'));
  assert.ok(conf.includes('      seq_check = yes\n'));
  assert.ok(conf.includes('      enc = 3\n'));
  assert.ok(conf.includes('      allow_peer_ts = yes\n'));
});

test('strongswan.conf refuses values that would break its syntax', () => {
  assert.throws(() => renderStrongswanConf({ ...BASE, port: 70000 }), RangeError);
  assert.throws(() => renderStrongswanConf({ ...BASE, natTPort: -1 }), RangeError);
  assert.throws(() => renderStrongswanConf({ ...BASE, logPath: 'relative.log' }), RangeError);
  assert.throws(() => renderStrongswanConf({ ...BASE, viciSocketPath: '/tmp/a b/charon.vici' }), RangeError);
  assert.throws(() => confValue('id', 'a}b'), RangeError);
  assert.throws(() => confValue('id', ''), RangeError);
  assert.equal(confValue('ts', 'dynamic[135]'), 'dynamic[135]');
});

test('TS 23.003 identities: root NAI (§19.3.2), HA-APN (§21.2), MNC padded to three digits', () => {
  assert.equal(rootNai('001010123456789', '001', '01'), '0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org');
  assert.equal(rootNai('234150999999999', '234', '15'), '0234150999999999@nai.epc.mnc015.mcc234.3gppnetwork.org');
  assert.equal(haApn('internet', '345', '12'), 'internet.ha-apn.mnc012.mcc345.pub.3gppnetwork.org'); // §21.2 example
  assert.equal(TEST_NAI, '0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org');
  assert.throws(() => rootNai('12ab', '001', '01'), RangeError);
  assert.throws(() => haApn('internet', '001', '1'), RangeError);
});

test('the eap-aka-3gpp secret is 0x K ‖ OPc (TS 35.208 set 1)', () => {
  assert.equal(akaSecret(TEST_SUBSCRIBER), '0x465b5ce8b199b49faa5f0a2ee238a6bccd63cb71954a9f4e48a5994e37a02baf');
  assert.throws(() => akaSecret({ ...TEST_SUBSCRIBER, k: 'abcd' }), RangeError);
});

test('MIP6_HOME_PREFIX value: lifetime ‖ prefix ‖ length, 21 bytes (RFC 5026 §8.2)', () => {
  assert.equal(
    toHex(mip6HomePrefixValue('2001:db8:1:2::', 64, 86400)),
    '00015180' + '20010db8000100020000000000000000' + '40',
  );
  assert.equal(mip6HomePrefixValue('::', 0, 0xffffffff).length, 21);
  assert.throws(() => mip6HomePrefixValue('2001:db8::', 129, 1), RangeError);
  assert.throws(() => mip6HomePrefixValue('2001:db8::', 64, 2 ** 32), RangeError);
  assert.throws(() => mip6HomePrefixValue('2001:db8::/64', 64, 1), RangeError);
});

test('swanctl.conf of the two roles: certificate + EAP-AKA, IDi = root NAI, IDr = HA-APN, virtual IP asked', () => {
  const ha = haSwanctlConf({ identity: TEST_HA_APN });
  for (const line of [
    '      auth = pubkey',
    `      id = ${TEST_HA_APN}`,
    '      auth = eap-aka',
    '    send_cert = always',
    '    pools = mip6',
    `    id = ${TEST_NAI}`,
    '    secret = 0x465b5ce8b199b49faa5f0a2ee238a6bccd63cb71954a9f4e48a5994e37a02baf',
    '        mode = transport',
    '        local_ts = dynamic[135]',
  ]) {
    assert.ok(ha.split('\n').includes(line), `HA missing: ${line}`);
  }
  assert.ok(!ha.includes('eap_id'), 'IDi is the EAP identity unless an EAP-Identity round is asked for');
  assert.ok(haSwanctlConf({ identity: TEST_HA_APN, eapIdentityRound: true }).includes('      eap_id = %any\n'));

  const ue = ueSwanctlConf({ remoteHost: '127.0.0.1', remotePort: 15500, caCertPem: '' });
  for (const line of [
    '    remote_addrs = 127.0.0.1',
    '    remote_port = 15500',
    '    vips = ::',
    '    mobike = yes',
    '      auth = eap-aka',
    `      id = ${TEST_NAI}`,
    '      auth = pubkey',
    `      id = ${TEST_HA_APN}`,
  ]) {
    assert.ok(ue.split('\n').includes(line), `UE missing: ${line}`);
  }
  const plain = ueSwanctlConf({ remoteHost: '::1', remotePort: 500, caCertPem: '', vips: [], mobike: false });
  assert.ok(!plain.includes('vips'));
  assert.ok(plain.includes('    mobike = no\n'));
  assert.throws(() => ueSwanctlConf({ remoteHost: 'a b', remotePort: 500, caCertPem: '' }), RangeError);
  for (const conf of [ha, ue]) assert.equal(conf.split('{').length, conf.split('}').length);
});

test('strongswan.conf: load-tester comes before kernel-netlink (its fake kernel), with its settings and enable = yes', () => {
  const conf = renderStrongswanConf({
    ...BASE,
    loadTester: { fake_kernel: true, initiators: 4, initiator_id: '000101%.10d@nai.epc.mnc001.mcc001.3gppnetwork.org' },
    charonSettings: { block_threshold: 1000 },
  });
  const load = conf.split('\n').find((l) => l.startsWith('  load = '))!;
  assert.ok(load.includes(' load-tester '));
  assert.ok(load.indexOf('load-tester') < load.indexOf('kernel-netlink'));
  for (const line of [
    '    load-tester {',
    '      enable = yes',
    '      fake_kernel = yes',
    '      initiators = 4',
    '      initiator_id = 000101%.10d@nai.epc.mnc001.mcc001.3gppnetwork.org',
    '  block_threshold = 1000',
  ]) {
    assert.ok(conf.split('\n').includes(line), `missing: ${line}`);
  }
  assert.equal(conf.split('{').length, conf.split('}').length);
  assert.ok(!renderStrongswanConf(BASE).includes('load-tester'));
  assert.throws(() => renderStrongswanConf({ ...BASE, loadTester: { 'bad key': 1 } }), RangeError);
  assert.throws(() => renderStrongswanConf({ ...BASE, charonSettings: { x: 'a}b' } }), RangeError);
});
