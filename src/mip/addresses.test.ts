import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import {
  ipv4FromInt,
  ipv4Int,
  ipv4IntAt,
  ipv6FromKey,
  ipv6Key,
  ipv6KeyAt,
  isUnicastIpv4,
  isUnicastRoutableIpv6,
  samePrefix,
} from './addresses.ts';
import { homeLinkAction } from './home-link.ts';
import { grantLifetime } from './lifetime.ts';
import { HOME_PREFIX, OTHER_PREFIX, VISITED_PREFIX, v4, v6 } from './test-fixtures.ts';

test('property: IPv6 keys and IPv4 integers round-trip and are 8 code units / small integers', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      const a = Ipv6Address.fromBytes(b);
      const k = ipv6Key(a);
      return k.length === 8 && ipv6FromKey(k).equals(a) && ipv6KeyAt(b, 0) === k;
    }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      const a = Ipv4Address.fromBytes(b);
      const n = ipv4Int(a);
      return n === (n | 0) && ipv4FromInt(n).equals(a) && ipv4IntAt(b, 0) === n;
    }),
  );
});

test('unicast routable IPv6 (RFC 6275 §6.1.7) and unicast IPv4', () => {
  for (const bad of ['::', '::1', 'ff02::1', 'fe80::1', '::ffff:192.0.2.1'])
    assert.equal(isUnicastRoutableIpv6(v6(bad)), false, bad);
  for (const good of ['2001:db8::1', 'fd00::1', '::2']) assert.equal(isUnicastRoutableIpv6(v6(good)), true, good);
  for (const bad of ['0.0.0.0', '0.1.2.3', '127.0.0.1', '224.0.0.1', '255.255.255.255', '240.0.0.1']) {
    assert.equal(isUnicastIpv4(ipv4Int(v4(bad))), false, bad);
  }
  for (const good of ['10.0.0.1', '192.0.2.1', '223.255.255.254'])
    assert.equal(isUnicastIpv4(ipv4Int(v4(good))), true, good);
});

test('home link detection decisions (TS 24.303 §5.1.2.3)', () => {
  assert.equal(homeLinkAction(HOME_PREFIX, [VISITED_PREFIX], false), 'register');
  assert.equal(homeLinkAction(HOME_PREFIX, [VISITED_PREFIX], true), 'register');
  assert.equal(homeLinkAction(HOME_PREFIX, [OTHER_PREFIX, HOME_PREFIX], false), 'stay-silent');
  assert.equal(homeLinkAction(HOME_PREFIX, [HOME_PREFIX], true), 'deregister');
  assert.equal(homeLinkAction(HOME_PREFIX, [], false), 'register', 'no RA (IPv4-only access): not at home');
  assert.equal(
    samePrefix(HOME_PREFIX, { prefix: v6('2001:db8:1::ffff'), prefixLength: 64 }),
    true,
    'host bits ignored',
  );
});

test('granted lifetime: min of request, operator cap and prefix validity in 4 s units; status 1 rules', () => {
  assert.deepEqual(grantLifetime(3600, 1800, HOME_PREFIX, 0), { lifetimeSec: 1800, status: 0 });
  assert.deepEqual(grantLifetime(3600, 3600, { ...HOME_PREFIX, validUntilMs: 2_003_000 }, 1_000_000), {
    lifetimeSec: 1000,
    status: 1,
  });
  assert.deepEqual(grantLifetime(100, 3600, { ...HOME_PREFIX, preferredUntilMs: 50_000 }, 0), {
    lifetimeSec: 100,
    status: 1,
  });
  assert.deepEqual(grantLifetime(100, 3600, { ...HOME_PREFIX, preferredUntilMs: 200_000, validUntilMs: 500_000 }, 0), {
    lifetimeSec: 100,
    status: 0,
  });
  assert.equal(grantLifetime(100, 3600, { ...HOME_PREFIX, validUntilMs: 3_999 }, 0), undefined);
});
