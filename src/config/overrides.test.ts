import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../util/errors.ts';
import { applyOverrides, formatPath, overrideCovering, overridesFromEnv, parseSetFlag } from './overrides.ts';

test('environment variables map to camelCase key paths of their own root', () => {
  const env = {
    DSMIP_UE__MOBILITY__LIFETIME: '2h',
    DSMIP_UE__ACCESS__IPV4__CARE_OF_ADDRESS: '198.51.100.7',
    DSMIP_UE__DISCOVERY__STATIC__0__IPV6: '2001:db8:1::1',
    DSMIP_UE__TUN__ROUTES: '[0.0.0.0/0, "::/0"]',
    DSMIP_HA__BINDING__MAX_LIFETIME: '1h', // another program's
    DSMIP_CONFIG: 'x', // not a config path
    PATH: '/bin',
  };
  const o = overridesFromEnv(env, 'ue');
  assert.deepEqual(
    o.map((x) => [formatPath(x.path), x.value]),
    [
      ['ue.access.ipv4.careOfAddress', '198.51.100.7'],
      ['ue.discovery.static[0].ipv6', '2001:db8:1::1'],
      ['ue.mobility.lifetime', '2h'],
      ['ue.tun.routes', ['0.0.0.0/0', '::/0']],
    ],
  );
  assert.equal(o[0]!.origin, 'environment variable DSMIP_UE__ACCESS__IPV4__CARE_OF_ADDRESS');
  assert.throws(
    () => overridesFromEnv({ DSMIP_UE__bad: '1' }, 'ue'),
    (e: unknown) => e instanceof ConfigError && e.code === 'INVALID' && e.path === 'DSMIP_UE__bad',
  );
});

test('--set flags: dotted paths, indexes, YAML values', () => {
  const table: [string, string, unknown][] = [
    ['ue.mobility.lifetime=1h', 'ue.mobility.lifetime', '1h'],
    ['ue.discovery.static[1].ipv4=192.0.2.9', 'ue.discovery.static[1].ipv4', '192.0.2.9'],
    ['ue.discovery.static.0.ipv6=2001:db8::1', 'ue.discovery.static[0].ipv6', '2001:db8::1'],
    ['ue.tun.routes=[::/0]', 'ue.tun.routes', ['::/0']],
    ['ue.capture.pcap=~', 'ue.capture.pcap', undefined],
    ['ue.apn=a=b', 'ue.apn', 'a=b'],
    ['ue.dhcp.v6={enabled: false}', 'ue.dhcp.v6', { enabled: 'false' }],
  ];
  for (const [flag, path, value] of table) {
    const o = parseSetFlag(flag);
    assert.deepEqual([formatPath(o.path), o.value], [path, value], flag);
    assert.equal(o.origin, `--set ${flag}`);
  }
  for (const bad of ['ue.lifetime', '=1', 'ue..x=1', 'ue.a-b=1', 'ue.x[y]=1', 'ue.x=[1,']) {
    assert.throws(
      () => parseSetFlag(bad),
      (e: unknown) => e instanceof ConfigError && e.code === 'INVALID',
      bad,
    );
  }
});

test('overrides build missing sections, copy what they change and refuse gaps in lists', () => {
  const tree = { ue: { mobility: { lifetime: '1h' }, list: ['a'] } };
  const out = applyOverrides(tree, [
    parseSetFlag('ue.mobility.lifetime=2h'),
    parseSetFlag('ue.tun.mtu=1500'),
    parseSetFlag('ue.list[1]=b'),
  ]);
  assert.deepEqual(out, { ue: { mobility: { lifetime: '2h' }, list: ['a', 'b'], tun: { mtu: '1500' } } });
  assert.deepEqual(tree, { ue: { mobility: { lifetime: '1h' }, list: ['a'] } });
  assert.deepEqual(applyOverrides(undefined, [parseSetFlag('ha.x=1')]), { ha: { x: '1' } });
  assert.throws(
    () => applyOverrides(tree, [parseSetFlag('ue.list[3]=c')]),
    (e: unknown) => e instanceof ConfigError && e.path === 'ue.list[3]',
  );
  assert.throws(() => parseSetFlag('ue.__proto__.x=1'), ConfigError);
});

test('the last override covering a path is the one reported', () => {
  const a = parseSetFlag('ue.mobility={lifetime: 1h}');
  const b = parseSetFlag('ue.mobility.lifetime=2h');
  assert.equal(overrideCovering([a, b], ['ue', 'mobility', 'lifetime']), b);
  assert.equal(overrideCovering([a, b], ['ue', 'mobility', 'forceUdp']), a);
  assert.equal(overrideCovering([a, b], ['ue', 'tun']), undefined);
});
