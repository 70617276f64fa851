import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildUdp4, buildUdp6 } from './build.ts';
import { decodeIpv4, encodeIpv4 } from './ipv4.ts';
import { encodeIpv6 } from './ipv6.ts';
import { assertWireError, ipv4Packet, ipv6Packet, onlyWireErrors } from './test-support.ts';
import {
  classifyInnerPacket,
  decapsulateIpInIp,
  decapsulateUdp,
  decodeIpPacket,
  encapsulateIpInIp,
  encapsulateUdp,
} from './tunnel.ts';

const V4_COA = Ipv4Address.parse('198.51.100.7');
const V4_HA = Ipv4Address.parse('192.0.2.1');
const V6_COA = Ipv6Address.parse('2001:db8:2::200');
const V6_HA = Ipv6Address.parse('2001:db8:1::1');
const HOA = Ipv6Address.parse('2001:db8:1::100');
const V4_HOA = Ipv4Address.parse('10.1.0.5');

const innerV6 = buildUdp6({
  src: HOA,
  dst: V6_HA,
  sourcePort: 1000,
  destinationPort: 2000,
  payload: fromHex('0102'),
  trafficClass: 0xb9, // DSCP 46, ECN 01
});
const innerV4 = buildUdp4({
  src: V4_HOA,
  dst: Ipv4Address.parse('203.0.113.9'),
  sourcePort: 53,
  destinationPort: 53,
  payload: fromHex('03'),
  dscp: 46,
  ecn: 1,
});

test('RFC 5555 UDP encapsulation: IPv6 and IPv4 inner packets over IPv4/UDP 4191', () => {
  const bu = encapsulateUdp(
    { source: V4_COA, destination: V4_HA },
    { inner: innerV6, sourcePort: 40000, destinationPort: 4191 },
  );
  const t = decapsulateUdp(bu);
  assert.equal(t.outer.version, 4);
  assert.deepEqual([t.udp.sourcePort, t.udp.destinationPort], [40000, 4191]);
  assert.equal(t.inner.version, 6);
  assert.equal(toHex(t.inner.bytes), toHex(innerV6));
  if (t.inner.version === 6) assert.ok(t.inner.packet.source.equals(HOA));
  const data = decapsulateUdp(
    encapsulateUdp(
      { source: V4_HA, destination: V4_COA },
      { inner: innerV4, sourcePort: 4191, destinationPort: 40000 },
    ),
  );
  assert.equal(data.inner.version, 4);
  assert.equal(toHex(data.inner.bytes), toHex(innerV4));
  // RFC 5555 §4.4.1 fallback: UDP over an IPv6 CoA.
  const over6 = decapsulateUdp(
    encapsulateUdp(
      { source: V6_COA, destination: V6_HA },
      { inner: innerV4, sourcePort: 40000, destinationPort: 4191, ttl: 9 },
    ),
  );
  assert.equal(over6.outer.version, 6);
  if (over6.outer.version === 6) assert.equal(over6.outer.packet.hopLimit, 9);
});

test('classifyInnerPacket uses the version nibble and wants the whole payload', () => {
  assert.equal(classifyInnerPacket(innerV6).version, 6);
  assert.equal(classifyInnerPacket(innerV4).version, 4);
  assertWireError(() => classifyInnerPacket(new Uint8Array(0)), 'TRUNCATED');
  assertWireError(() => classifyInnerPacket(fromHex(`5${toHex(innerV6).slice(1)}`)), 'BAD_VERSION');
  assertWireError(() => classifyInnerPacket(fromHex('0000000000000000')), 'BAD_VERSION'); // an RFC 5845 TLV header is not RFC 5555
  assertWireError(() => classifyInnerPacket(concatBytes([innerV6, new Uint8Array(1)])), 'TRAILING_DATA');
  // A top-level decode tolerates link padding.
  assert.equal(decodeIpPacket(concatBytes([innerV4, new Uint8Array(4)])).bytes.length, innerV4.length);
});

test('decapsulateUdp refuses other ports, other protocols, fragments and bad checksums', () => {
  const wrongPort = encapsulateUdp(
    { source: V4_COA, destination: V4_HA },
    { inner: innerV6, sourcePort: 40000, destinationPort: 4500 },
  );
  assertWireError(() => decapsulateUdp(wrongPort), 'BAD_VALUE');
  assert.equal(decapsulateUdp(wrongPort, 4500).inner.version, 6);
  assertWireError(
    () => decapsulateUdp(buildIpv4Packet({ src: V4_COA, dst: V4_HA, protocol: 41, payload: innerV6 })),
    'BAD_VALUE',
  );
  const whole = decodeIpv4(
    encapsulateUdp({ source: V4_COA, destination: V4_HA }, { inner: innerV6, sourcePort: 1, destinationPort: 4191 }),
  );
  const fragment = encodeIpv4({ ...whole, moreFragments: true });
  assertWireError(() => decapsulateUdp(fragment), 'UNSUPPORTED');
  const corrupt = encapsulateUdp(
    { source: V4_COA, destination: V4_HA },
    { inner: innerV6, sourcePort: 1, destinationPort: 4191 },
  );
  corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
  assertWireError(() => decapsulateUdp(corrupt), 'BAD_CHECKSUM');
});

test('IP-in-IP: protocol 41 and 4 over IPv4 and IPv6, inner DSCP copied, outer ECN Not-ECT', () => {
  const cases = [
    { outer: { source: V4_COA, destination: V4_HA }, inner: innerV6, protocol: 41, version: 4 },
    { outer: { source: V4_COA, destination: V4_HA }, inner: innerV4, protocol: 4, version: 4 },
    { outer: { source: V6_COA, destination: V6_HA }, inner: innerV4, protocol: 4, version: 6 },
    { outer: { source: V6_COA, destination: V6_HA }, inner: innerV6, protocol: 41, version: 6 },
  ] as const;
  for (const c of cases) {
    const bytes = encapsulateIpInIp(c.outer, { inner: c.inner });
    const t = decapsulateIpInIp(bytes);
    assert.equal(t.outer.version, c.version);
    const p = t.outer.packet;
    const protocol = 'protocol' in p ? p.protocol : p.nextHeader;
    assert.equal(protocol, c.protocol);
    assert.equal(toHex(t.inner.bytes), toHex(c.inner));
    const tc = 'dscp' in p ? (p.dscp << 2) | p.ecn : p.trafficClass;
    // Both inner packets are DSCP 46 with ECN 01 (ECT(1)); RFC 6040 §4.1 compatibility mode writes 00 outside.
    assert.equal(tc, 46 << 2);
  }
  assert.throws(() => encapsulateIpInIp({ source: V4_COA, destination: V4_HA }, { inner: fromHex('50') }), RangeError);
});

test('IP-in-IP outer headers byte for byte: TOS / Traffic Class 0xb8 for an inner 0xb9 (RFC 6040 §4.1)', () => {
  const v4 = { source: V4_COA, destination: V4_HA };
  // Version/IHL, TOS, Total Length 70, ID 0, no flags, TTL 64, protocol 41, checksum, addresses.
  assert.equal(
    toHex(encapsulateIpInIp(v4, { inner: innerV6 }).subarray(0, 20)),
    '45b800460000000040298d9bc6336407c0000201',
  );
  assert.equal(
    toHex(encapsulateIpInIp(v4, { inner: innerV4 }).subarray(0, 20)),
    '45b800310000000040048dd5c6336407c0000201',
  );
  // Version 6, Traffic Class 0xb8, flow label 0, Payload Length 29, Next Header 4, Hop Limit 64.
  const v6 = encapsulateIpInIp({ source: V6_COA, destination: V6_HA }, { inner: innerV4 });
  assert.equal(toHex(v6.subarray(0, 8)), '6b800000001d0440');
  // An explicit outer byte is the caller's and is written as given.
  assert.equal(encapsulateIpInIp(v4, { inner: innerV6, trafficClass: 0x03 })[1], 0x03);
});

test('IP-in-IP outer ECN is Not-ECT and the DSCP the inner one, for any inner packet', () => {
  fc.assert(
    fc.property(fc.oneof(ipv4Packet.map(encodeIpv4), ipv6Packet.map(encodeIpv6)), fc.boolean(), (inner, v4) => {
      const innerTc = inner[0]! >> 4 === 4 ? inner[1]! : ((inner[0]! & 0x0f) << 4) | (inner[1]! >> 4);
      const outer = v4 ? { source: V4_COA, destination: V4_HA } : { source: V6_COA, destination: V6_HA };
      const p = decapsulateIpInIp(encapsulateIpInIp(outer, { inner })).outer.packet;
      const tc = 'dscp' in p ? (p.dscp << 2) | p.ecn : p.trafficClass;
      assert.equal(tc, innerTc & 0xfc);
    }),
  );
});

test('decapsulateIpInIp checks that the protocol matches the inner version', () => {
  assertWireError(
    () => decapsulateIpInIp(buildIpv4Packet({ src: V4_COA, dst: V4_HA, protocol: 41, payload: innerV4 })),
    'BAD_VERSION',
  );
  assertWireError(
    () => decapsulateIpInIp(buildIpv4Packet({ src: V4_COA, dst: V4_HA, protocol: 4, payload: innerV6 })),
    'BAD_VERSION',
  );
  assertWireError(
    () => decapsulateIpInIp(buildIpv4Packet({ src: V4_COA, dst: V4_HA, protocol: 17, payload: innerV6 })),
    'BAD_VALUE',
  );
  assertWireError(
    () => decapsulateIpInIp(buildIpv4Packet({ src: V4_COA, dst: V4_HA, protocol: 41, payload: fromHex('60') })),
    'TRUNCATED',
  );
});

test('tunnel decoders only throw WireError on random and mutated bytes', () => {
  const decoders = [decapsulateUdp, decapsulateIpInIp, classifyInnerPacket];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      for (const d of decoders) onlyWireErrors(d, b);
    }),
  );
  fc.assert(
    fc.property(
      fc.oneof(ipv4Packet.map(encodeIpv4), ipv6Packet.map(encodeIpv6)),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      (inner, at, value) => {
        for (const b of [
          encapsulateUdp({ source: V4_COA, destination: V4_HA }, { inner, sourcePort: 1, destinationPort: 4191 }),
          encapsulateIpInIp({ source: V6_COA, destination: V6_HA }, { inner }),
        ]) {
          b[at % b.length] = value;
          for (const d of decoders) onlyWireErrors(d, b);
        }
      },
    ),
  );
});
