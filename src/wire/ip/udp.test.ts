import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { assertWireError, ipv4Address, ipv6Address, onlyWireErrors } from './test-support.ts';
import { decodeUdp, encodeUdp, type UdpPseudoHeader, udpChecksum, udpLength } from './udp.ts';

// UDP parts of scapy-built packets (see ipv4.test.ts / ipv6.test.ts): a NAT keepalive 4500 → 4500 over
// 192.0.2.1 → 198.51.100.2, and 4191 → 5000 "hi" over 2001:db8:1::1 → (RH2) 2001:db8:1::100.
const V4_UDP = fromHex('119411940009f17bff');
const V4: UdpPseudoHeader = {
  version: 4,
  source: Ipv4Address.parse('192.0.2.1'),
  destination: Ipv4Address.parse('198.51.100.2'),
};
const V6_UDP = fromHex('105f1388000a17156869');
const V6: UdpPseudoHeader = {
  version: 6,
  source: Ipv6Address.parse('2001:db8:1::1'),
  destination: Ipv6Address.parse('2001:db8:1::100'), // the RH2 home address, not the CoA in the IPv6 header
};

test('UDP vectors: parse, verify, emit, length', () => {
  const v4 = decodeUdp(V4_UDP, V4);
  assert.deepEqual({ ...v4, payload: toHex(v4.payload) }, { sourcePort: 4500, destinationPort: 4500, payload: 'ff' });
  assert.equal(toHex(encodeUdp(v4, V4)), toHex(V4_UDP));
  assert.equal(udpLength(v4), 9);
  const v6 = decodeUdp(V6_UDP, V6);
  assert.deepEqual({ ...v6, payload: toHex(v6.payload) }, { sourcePort: 4191, destinationPort: 5000, payload: '6869' });
  assert.equal(toHex(encodeUdp(v6, V6)), toHex(V6_UDP));
  // Without a pseudo-header nothing is verified.
  assert.equal(decodeUdp(fromHex('119411940009ffffff')).sourcePort, 4500);
});

test('UDP checksum: wrong addresses, zero over IPv4 and IPv6, and 0 sent as 0xffff', () => {
  assertWireError(() => decodeUdp(V4_UDP, { ...V4, source: Ipv4Address.parse('192.0.2.2') }), 'BAD_CHECKSUM');
  // The IPv6 header's own destination (the CoA) is the wrong pseudo-header address when an RH2 is present.
  assertWireError(() => decodeUdp(V6_UDP, { ...V6, destination: Ipv6Address.parse('2001:db8:2::5') }), 'BAD_CHECKSUM');
  const zero4 = fromHex('119411940009 0000 ff');
  assert.equal(decodeUdp(zero4, V4).destinationPort, 4500); // RFC 768: no checksum
  assertWireError(() => decodeUdp(fromHex('105f1388000a00006869'), V6), 'BAD_CHECKSUM'); // RFC 8200 §8.1
  assert.equal(
    toHex(
      encodeUdp({ sourcePort: 4500, destinationPort: 4500, payload: fromHex('ff') }, { ...V4, omitChecksum: true }),
    ),
    toHex(zero4),
  );
  // A payload word equal to the checksum of the zero-payload datagram makes the sum all ones: sent as ffff.
  for (const pseudo of [V4, V6]) {
    const probe = encodeUdp({ sourcePort: 1, destinationPort: 2, payload: new Uint8Array(2) }, pseudo);
    const c = (probe[6]! << 8) | probe[7]!;
    const bytes = encodeUdp({ sourcePort: 1, destinationPort: 2, payload: Uint8Array.of(c >> 8, c & 0xff) }, pseudo);
    assert.equal(toHex(bytes.subarray(6, 8)), 'ffff');
    assert.equal(udpChecksum(bytes, pseudo), 0);
    decodeUdp(bytes, pseudo);
  }
});

test('UDP length must match the IP payload', () => {
  assertWireError(() => decodeUdp(V4_UDP.subarray(0, 7)), 'TRUNCATED');
  assertWireError(() => decodeUdp(V4_UDP.subarray(0, 8)), 'BAD_LENGTH'); // says 9, has 8
  assertWireError(() => decodeUdp(fromHex('119411940009f17bff00')), 'BAD_LENGTH'); // says 9, has 10
  assertWireError(() => decodeUdp(fromHex('1194119400070000')), 'BAD_LENGTH'); // below the header size
  assert.throws(() => encodeUdp({ sourcePort: 1, destinationPort: 2, payload: new Uint8Array(65528) }, V4), RangeError);
});

const datagram = fc.record(
  {
    sourcePort: fc.integer({ min: 0, max: 0xffff }),
    destinationPort: fc.integer({ min: 0, max: 0xffff }),
    payload: fc.uint8Array({ maxLength: 64 }),
  },
  { noNullPrototype: true },
);
const pseudo: fc.Arbitrary<UdpPseudoHeader> = fc.oneof(
  fc.record({
    version: fc.constant(4 as const),
    source: ipv4Address,
    destination: ipv4Address,
    omitChecksum: fc.boolean(),
  }),
  fc.record({ version: fc.constant(6 as const), source: ipv6Address, destination: ipv6Address }),
);

test('UDP decode(encode(v)) equals v and verifies', () => {
  fc.assert(
    fc.property(datagram, pseudo, (v, p) => {
      const bytes = encodeUdp(v, p);
      const back = decodeUdp(bytes, p);
      assert.deepEqual({ ...back, payload: back.payload.slice() }, v);
      if (p.version === 6) assert.notEqual((bytes[6]! << 8) | bytes[7]!, 0);
    }),
  );
});

test('UDP decoder only throws WireError on random and mutated bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), pseudo, (b, p) => onlyWireErrors((x) => decodeUdp(x, p), b)));
  fc.assert(
    fc.property(datagram, pseudo, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, p, at, value) => {
      const b = encodeUdp(v, p);
      b[at % b.length] = value;
      onlyWireErrors((x) => decodeUdp(x, p), b);
    }),
  );
});
