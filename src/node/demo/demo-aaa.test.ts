import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadHaConfig } from '../../config/load.ts';
import { ConfigError } from '../../util/errors.ts';
import { describeAaa, haAaaYaml, parseAaaUrl } from './demo-aaa.ts';

test('--aaa radius://SECRET@HOST[:PORT] and diameter://HOST[:PORT]/REALM', () => {
  const r = parseAaaUrl('radius://s%40cret@127.0.0.1');
  assert.ok(r.kind === 'radius');
  assert.deepEqual([r.secret, r.host.toString(), r.port], ['s@cret', '127.0.0.1', 1812]);
  const r6 = parseAaaUrl('radius://x@[::1]:11812');
  assert.deepEqual([r6.host.toString(), r6.port], ['::1', 11812]);
  const d = parseAaaUrl('diameter://192.0.2.10/epc.example.net');
  assert.ok(d.kind === 'diameter');
  assert.deepEqual([d.host.toString(), d.port, d.realm], ['192.0.2.10', 3868, 'epc.example.net']);
  assert.equal(describeAaa(d), 'Diameter 192.0.2.10:3868, realm epc.example.net (RFC 4072)');
  assert.equal(describeAaa(r6), 'RADIUS [::1]:11812 (RFC 3579)');
  assert.match(describeAaa(undefined), /^embedded/);
});

test('--aaa: bad URLs are ConfigErrors on --aaa saying what is wrong', () => {
  for (const [url, why] of [
    ['radius://127.0.0.1', /shared secret/],
    ['radius://a:b@127.0.0.1', /shared secret/],
    ['radius://s@aaa.example.net', /not an IP address/],
    ['radius://s@127.0.0.1:0', /port/],
    ['radius://s@127.0.0.1/x', /no path/],
    ['diameter://127.0.0.1', /realm/],
    ['diameter://127.0.0.1/bad_realm', /realm/],
    ['diameter://u@127.0.0.1/r.example', /no user/],
    ['tacacs://127.0.0.1', /scheme/],
    ['not a url', /not a URL/],
  ] as const) {
    assert.throws(
      () => parseAaaUrl(url),
      (e) => e instanceof ConfigError && e.path === '--aaa' && why.test(e.message),
      url,
    );
  }
});

test('--aaa becomes a valid ha.aaa section of the demo HA', () => {
  const base = (aaa: string) =>
    `ha:\n  addresses: { ipv6: "2001:db8:1::1" }\n  ike: { identity: ha.test, certificate: c, privateKey: k }\n  aaa: ${aaa}\n  homePrefixPool: { base: "2001:db8:100::/40" }\n`;
  const radius = loadHaConfig({ text: base(haAaaYaml(parseAaaUrl('radius://s"q@[::1]'), 's.json', 'ha.test')) });
  assert.equal(radius.aaa.mode, 'radius');
  assert.equal(radius.aaa.radius!.servers[0]!.secret, 's"q');
  const diameter = loadHaConfig({
    text: base(haAaaYaml(parseAaaUrl('diameter://::1/x.example'.replace('::1', '[::1]')), 's.json', 'ha.test')),
  });
  assert.equal(diameter.aaa.diameter!.destinationRealm, 'x.example');
  assert.equal(loadHaConfig({ text: base(haAaaYaml(undefined, 's.json', 'ha.test')) }).aaa.mode, 'embedded');
});
