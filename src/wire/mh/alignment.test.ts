// The alignment table against the RFC text, and the padding arithmetic the emitter relies on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { OPTION_ALIGNMENT, optionAlignment, paddingBefore } from './alignment.ts';

test('OPTION_ALIGNMENT pins each RFC-stated xn+y', () => {
  const expected: [keyof typeof OPTION_ALIGNMENT, number, number][] = [
    ['binding-refresh-advice', 2, 0], // RFC 6275 §6.2.4
    ['alternate-care-of-address', 8, 6], // RFC 6275 §6.2.5
    ['nonce-indices', 2, 0], // RFC 6275 §6.2.6
    ['binding-authorization-data', 8, 2], // RFC 6275 §6.2.7 (implicit)
    ['mobile-network-prefix', 8, 4], // RFC 3963 §4.3
    ['dns-update', 1, 0], // RFC 5026 §8.1: none stated, one-octet fields
    ['ipv4-home-address', 4, 0], // RFC 5555 §3.1.1
    ['ipv4-address-acknowledgement', 4, 0], // RFC 5555 §3.2.1
    ['nat-detection', 4, 0], // RFC 5555 §3.2.2
    ['ipv4-care-of-address', 4, 0], // RFC 5555 §3.1.2
    ['binding-identifier', 2, 0], // RFC 5648 §4.3, no CoA
    ['binding-identifier-with-care-of-address', 8, 2], // RFC 5648 §4.3, with CoA
    ['unknown', 1, 0],
  ];
  assert.equal(Object.keys(OPTION_ALIGNMENT).length, expected.length);
  for (const [key, x, y] of expected) assert.deepEqual(OPTION_ALIGNMENT[key], { x, y }, key);
});

test('optionAlignment picks the Binding Identifier row by the presence of a care-of address (either family)', () => {
  const bid = { kind: 'binding-identifier', bindingId: 1, status: 0, simultaneousHomeAndForeign: false } as const;
  assert.deepEqual(optionAlignment(bid), { x: 2, y: 0 });
  assert.deepEqual(optionAlignment({ ...bid, careOfAddress: Ipv4Address.ANY }), { x: 8, y: 2 });
  assert.deepEqual(optionAlignment({ ...bid, careOfAddress: Ipv6Address.ANY }), { x: 8, y: 2 });
});

test('paddingBefore: the least padding reaching x·n + y', () => {
  const altCoa = OPTION_ALIGNMENT['alternate-care-of-address'];
  assert.equal(paddingBefore(altCoa, 12), 2); // SPEC-NOTES §1.6 with no IPv4 HoA before it: 14 ≡ 6 (mod 8)
  assert.equal(paddingBefore(altCoa, 20), 2); // §1.6: after the IPv4 HoA, PadN(2) then Alt-CoA at 22
  assert.equal(paddingBefore(altCoa, 22), 0);
  assert.equal(paddingBefore(altCoa, 23), 7);
  assert.equal(paddingBefore(OPTION_ALIGNMENT['ipv4-home-address'], 13), 3);
  assert.equal(paddingBefore(OPTION_ALIGNMENT['mobile-network-prefix'], 12), 0);
  assert.equal(paddingBefore(OPTION_ALIGNMENT.unknown, 13), 0);
  for (let offset = 0; offset < 64; offset++) {
    for (const { x, y } of Object.values(OPTION_ALIGNMENT)) {
      const pad = paddingBefore({ x, y }, offset);
      assert.ok(pad >= 0 && pad < x && (offset + pad) % x === y);
    }
  }
});
