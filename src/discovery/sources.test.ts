import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWireError } from '../util/errors.ts';
import { homeAgentKey } from './candidates.ts';
import { shouldSkipHomeAgent } from './skip-rules.ts';
import { homeAgentFromEpdgAttribute, homeAgentFromPco } from './sources.ts';

/**
 * PCO IE (TS 24.008 §10.5.6.3): IEI 27, length 2f, octet 3 = 80 (PPP), then
 * 0007 len 16: HA 2001:db8:ffff::1 | 0008 len 17: prefix 2001:db8:1:2::/64 | 0009 len 4: HA 198.51.100.1.
 */
const PCO_IE =
  '272f80' +
  '00071020010db8ffff00000000000000000001' +
  '000811' +
  '20010db8000100020000000000000000' +
  '40' +
  '000904c6336401';

test('PCO: the IPv6 HA (0x0007), IPv4 HA (0x0009) and home network prefix (0x0008) become one candidate', () => {
  const ha = homeAgentFromPco(PCO_IE);
  assert.ok(ha);
  assert.equal(homeAgentKey(ha), '2001:db8:ffff::1|198.51.100.1');
  assert.equal(ha.method, 'pco');
  assert.equal(`${ha.homeNetworkPrefix?.prefix}/${ha.homeNetworkPrefix?.prefixLength}`, '2001:db8:1:2::/64');
  assert.equal(ha.expiresAtMs, undefined);
});

test('PCO: a request-only IE gives no HA; malformed input is a WireError with its code', () => {
  assert.equal(homeAgentFromPco('270a80' + '000700' + '000800' + '000900'), undefined);
  assert.throws(
    () => homeAgentFromPco('272f80'),
    (e: unknown) => isWireError(e) && e.code === 'TRUNCATED',
  );
  assert.throws(
    () => homeAgentFromPco('2801'),
    (e: unknown) => isWireError(e) && e.code === 'BAD_VALUE',
  );
  assert.throws(
    () => homeAgentFromPco('27f'),
    (e: unknown) => isWireError(e) && e.layer === 'hex',
  );
});

test('ePDG HOME_AGENT_ADDRESS (CP attribute 19): 16 octets IPv6, 20 octets IPv6 + IPv4, else BAD_LENGTH', () => {
  assert.equal(homeAgentKey(homeAgentFromEpdgAttribute('20010db8ffff00000000000000000001')), '2001:db8:ffff::1|-');
  const dual = homeAgentFromEpdgAttribute('20010db8ffff00000000000000000001c6336401');
  assert.equal(homeAgentKey(dual), '2001:db8:ffff::1|198.51.100.1');
  assert.equal(dual.method, 'epdg');
  for (const bad of ['', 'c6336401', '20010db8ffff0000000000000000000100'])
    assert.throws(
      () => homeAgentFromEpdgAttribute(bad),
      (e: unknown) => isWireError(e) && e.code === 'BAD_LENGTH' && e.layer === 'ike',
      bad,
    );
});

test('which failures skip an HA (RFC 5026 §5.1.2; TS 24.303 §5.1.2.4: BA 129..133)', () => {
  const table: [Parameters<typeof shouldSkipHomeAgent>[0], boolean][] = [
    [{ kind: 'ike-no-response' }, true],
    [{ kind: 'ike-authentication-failed' }, true],
    [{ kind: 'binding-rejected', status: 128 }, false],
    [{ kind: 'binding-rejected', status: 129 }, true],
    [{ kind: 'binding-rejected', status: 130 }, true],
    [{ kind: 'binding-rejected', status: 131 }, true],
    [{ kind: 'binding-rejected', status: 132 }, true],
    [{ kind: 'binding-rejected', status: 133 }, true],
    [{ kind: 'binding-rejected', status: 134 }, false],
    [{ kind: 'binding-rejected', status: 0 }, false],
  ];
  for (const [failure, skip] of table) assert.equal(shouldSkipHomeAgent(failure), skip, JSON.stringify(failure));
});
