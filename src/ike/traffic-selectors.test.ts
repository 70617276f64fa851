import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { encodeIkePayloads } from '../wire/ike/message.ts';
import type { TrafficSelector } from '../wire/ike/traffic-selector.ts';
import {
  ANY_IPV4_SELECTOR,
  ANY_IPV6_SELECTOR,
  addressSelector,
  intersectSelector,
  mobilitySelectors,
  narrowSelectors,
  prefixSelector,
  rangeSelector,
  selectorContains,
  selectorsExcluding,
  singleAddress,
} from './traffic-selectors.ts';

const v6 = Ipv6Address.parse;

test('BU/BA selectors (RFC 4877 §7.3): protocol 135, MH Type in the high byte of the ports, BU..BA', () => {
  const { tsi, tsr } = mobilitySelectors(v6('2001:db8:1::42'), v6('2001:db8:ffff::1'));
  // TSi body: #TS 1 | reserved | type 8 (IPv6 range), protocol 135, length 40, ports 0x0500-0x0600, HoA..HoA
  const bytes = encodeIkePayloads([{ kind: 'tsi', selectors: [tsi] }]);
  assert.deepEqual(
    bytes,
    fromHex(
      `00 00 0030 01000000 08 87 0028 0500 0600 20010db8000100000000000000000042 20010db8000100000000000000000042`,
    ),
  );
  assert.equal(singleAddress(tsr)?.toString(), '2001:db8:ffff::1');
});

test('prefix ranges', () => {
  const p = prefixSelector(v6('2001:db8:1:2:3::'), 64);
  assert.ok(p.kind === 'ipv6-range');
  assert.equal(p.startAddress.toString(), '2001:db8:1:2::');
  assert.equal(p.endAddress.toString(), '2001:db8:1:2:ffff:ffff:ffff:ffff');
  const q = prefixSelector(v6('2001:db8::'), 36);
  assert.ok(q.kind === 'ipv6-range');
  assert.equal(q.endAddress.toString(), '2001:db8:fff:ffff:ffff:ffff:ffff:ffff');
  assert.deepEqual(prefixSelector(v6('::'), 0), ANY_IPV6_SELECTOR);
});

test('intersection table (RFC 7296 §2.9 narrowing)', () => {
  const home = prefixSelector(v6('2001:db8:1::'), 64);
  const hoa = addressSelector(v6('2001:db8:1::42'), 135, 0x0500, 0x0600);
  const outside = addressSelector(v6('2001:db8:2::42'), 135);
  assert.deepEqual(intersectSelector(hoa, home), hoa);
  assert.deepEqual(intersectSelector(home, hoa), hoa); // protocol and ports come from the specific side
  assert.equal(intersectSelector(outside, home), undefined);
  assert.equal(intersectSelector(hoa, addressSelector(v6('2001:db8:1::42'), 17)), undefined); // protocols differ
  assert.equal(intersectSelector(hoa, addressSelector(v6('2001:db8:1::42'), 135, 0x0700, 0x0800)), undefined); // ports
  assert.equal(intersectSelector(ANY_IPV4_SELECTOR, ANY_IPV6_SELECTOR), undefined); // families
  const unknown: TrafficSelector = { kind: 'unknown', type: 13, ipProtocol: 0, data: new Uint8Array(4) };
  assert.equal(intersectSelector(unknown, unknown), undefined);
  assert.deepEqual(narrowSelectors([ANY_IPV4_SELECTOR, ANY_IPV6_SELECTOR], [home]), [home]);
});

test('property: a narrowed selector is contained in both inputs', () => {
  const addr = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
  const sel = fc
    .tuple(
      addr,
      addr,
      fc.constantFrom(0, 6, 17, 135),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 65535 }),
    )
    .map(([a, b, proto, p1, p2]) => {
      const [lo, hi] = Buffer.compare(a.bytes, b.bytes) <= 0 ? [a, b] : [b, a];
      return rangeSelector(lo, hi, proto, Math.min(p1, p2), Math.max(p1, p2));
    });
  fc.assert(
    fc.property(sel, sel, (a, b) => {
      const s = intersectSelector(a, b);
      if (!s) return;
      assert.ok(selectorContains(a, s));
      assert.ok(selectorContains(b, s));
      assert.deepEqual(intersectSelector(b, a), s);
    }),
  );
});

test('IPv4 ranges intersect too', () => {
  const net = rangeSelector(Ipv4Address.parse('10.0.0.0'), Ipv4Address.parse('10.0.0.255'));
  const one = addressSelector(Ipv4Address.parse('10.0.0.7'), 6, 80, 80);
  assert.deepEqual(intersectSelector(net, one), one);
  assert.equal(singleAddress(net), undefined);
});

test('selectorsExcluding (RFC 5555 §5.2.2 "remote_address != home_agent"): two ranges around the address', () => {
  const text = (l: TrafficSelector[]) =>
    l.map((s) => (s.kind === 'unknown' ? '?' : `${s.startAddress}-${s.endAddress}/${s.ipProtocol}`));
  assert.deepEqual(text(selectorsExcluding(v6('2001:db8:1::1'))), [
    '::-2001:db8:1::/0',
    '2001:db8:1::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/0',
  ]);
  // Borrow and carry across bytes; the ends of the space leave one range.
  assert.deepEqual(text(selectorsExcluding(Ipv4Address.parse('192.0.3.0'))), [
    '0.0.0.0-192.0.2.255/0',
    '192.0.3.1-255.255.255.255/0',
  ]);
  assert.deepEqual(text(selectorsExcluding(Ipv4Address.parse('0.0.0.0'))), ['0.0.0.1-255.255.255.255/0']);
  assert.deepEqual(text(selectorsExcluding(Ipv4Address.parse('255.255.255.255'))), ['0.0.0.0-255.255.255.254/0']);
});

test('selectorsExcluding covers every address but the excluded one', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      (x, y) => {
        const excluded = Ipv4Address.fromBytes(x);
        const probe = addressSelector(Ipv4Address.fromBytes(y));
        const covered = selectorsExcluding(excluded).some((s) => selectorContains(s, probe));
        assert.equal(covered, excluded.toNumber() !== Ipv4Address.fromBytes(y).toNumber());
      },
    ),
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (x) => {
      const excluded = Ipv6Address.fromBytes(x);
      const ranges = selectorsExcluding(excluded);
      assert.ok(!ranges.some((s) => selectorContains(s, addressSelector(excluded))));
      assert.equal(ranges.length, x.every((b) => b === 0) || x.every((b) => b === 0xff) ? 1 : 2);
    }),
  );
});
