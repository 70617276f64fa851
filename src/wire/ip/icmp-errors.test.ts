import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { WireError } from '../../util/errors.ts';
import { fromHex, toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildFragmentationNeeded, buildIcmpv6Unreachable, buildPacketTooBig } from './icmp-error-packets.ts';
import {
  decodeIcmpv4Error,
  decodeIcmpv6Error,
  encodeIcmpv4Error,
  encodeIcmpv6Error,
  type Icmpv4Error,
  type Icmpv6Error,
  icmpv4ErrorLength,
  icmpv6ErrorLength,
  parseIcmpv6Error,
} from './icmp-errors.ts';
import { decodeIcmpv4, encodeIcmpv4 } from './icmpv4.ts';
import { assertWireError, onlyWireErrors } from './test-support.ts';

// Built by scapy 2.5 (independent of our encoders):
//   inv6 = IPv6(src=2001:db8:5::9, dst=2001:db8:100::5, hlim=63)/UDP(61000 → 61001)/b"\x01\x02\x03\x04"
//   IPv6(src=2001:db8:1::1, dst=2001:db8:5::9)/ICMPv6PacketTooBig(mtu=1400)/inv6
//   IPv6(...)/ICMPv6DestUnreach(code=3)/inv6
//   inv4 = IP(src=203.0.113.9, dst=10.10.0.1, ttl=63, DF, id=0x1234)/UDP(61000 → 61001)/b"\x05\x06"
//   IP(src=192.0.2.1, dst=203.0.113.9, id=0)/ICMP(type=3, code=4, nexthopmtu=1372)/inv4
const INV6 = fromHex(
  '60000000000c113f20010db800050000000000000000000920010db8010000000000000000000005ee48ee49000cc2b801020304',
);
const PTB = fromHex(
  `60000000003c3a4020010db800010000000000000000000120010db800050000000000000000000902002b6100000578${toHex(INV6)}`,
);
const DU6 = fromHex(
  `60000000003c3a4020010db800010000000000000000000120010db8000500000000000000000009010331d600000000${toHex(INV6)}`,
);
const INV4 = fromHex('4500001e123440003f11e386cb0071090a0a0001ee48ee49000ad82c0506');
const FRAG_NEEDED = fromHex(`4500003a0000000040017cb8c0000201cb00710903043dd00000055c${toHex(INV4)}`);

const HA6 = Ipv6Address.parse('2001:db8:1::1');
const CN6 = Ipv6Address.parse('2001:db8:5::9');
const HA4 = Ipv4Address.parse('192.0.2.1');
const CN4 = Ipv4Address.parse('203.0.113.9');
const PSEUDO = { source: HA6, destination: CN6 };
/** Plain objects, so they deep-equal what the decoders build. */
const NO_NULL = { noNullPrototype: true } as const;

test('Packet Too Big vector (RFC 4443 §3.2): build, parse, emit, length', () => {
  assert.equal(
    toHex(buildPacketTooBig({ source: HA6, destination: CN6, mtu: 1400, invokingPacket: INV6 })),
    toHex(PTB),
  );
  const icmp = PTB.subarray(40);
  const v = decodeIcmpv6Error(icmp, PSEUDO);
  assert.deepEqual(v, { kind: 'packet-too-big', code: 0, mtu: 1400, invokingPacket: INV6 });
  assert.equal(toHex(encodeIcmpv6Error(v, PSEUDO)), toHex(icmp));
  assert.equal(icmpv6ErrorLength(v), icmp.length);
});

test('Destination Unreachable code 3 vector (RFC 4443 §3.1, RFC 6275 §10.4.2)', () => {
  assert.equal(toHex(buildIcmpv6Unreachable({ source: HA6, destination: CN6, invokingPacket: INV6 })), toHex(DU6));
  const v = decodeIcmpv6Error(DU6.subarray(40), PSEUDO);
  assert.deepEqual(v, { kind: 'destination-unreachable', code: 3, reservedBits: 0, invokingPacket: INV6 });
  assert.equal(toHex(encodeIcmpv6Error(v, PSEUDO)), toHex(DU6.subarray(40)));
});

test('Fragmentation Needed vector (RFC 792, RFC 1191 §4): build, parse, emit, length', () => {
  const built = buildFragmentationNeeded({ source: HA4, destination: CN4, nextHopMtu: 1372, invokingPacket: INV4 });
  assert.equal(toHex(built), toHex(FRAG_NEEDED));
  const icmp = FRAG_NEEDED.subarray(20);
  const v = decodeIcmpv4Error(icmp);
  assert.deepEqual(v, {
    kind: 'destination-unreachable',
    code: 4,
    reservedBits: 0,
    nextHopMtu: 1372,
    originalDatagram: INV4,
  });
  assert.equal(toHex(encodeIcmpv4Error(v)), toHex(icmp));
  assert.equal(icmpv4ErrorLength(v), icmp.length);
  assert.equal(toHex(encodeIcmpv4(decodeIcmpv4(icmp))), toHex(icmp));
});

test('error packets stay within 1280 (RFC 4443 §2.4 (c)) and 576 bytes (RFC 1812 §4.3.2.3)', () => {
  const big6 = new Uint8Array(1500);
  big6.set(INV6.subarray(0, 40));
  const ptb = buildPacketTooBig({ source: HA6, destination: CN6, mtu: 1400, invokingPacket: big6 });
  assert.equal(ptb.length, 1280);
  assert.equal(toHex(ptb.subarray(48, 48 + 40)), toHex(INV6.subarray(0, 40)));
  const big4 = new Uint8Array(1400);
  big4.set(INV4.subarray(0, 20));
  const fn = buildFragmentationNeeded({ source: HA4, destination: CN4, nextHopMtu: 1300, invokingPacket: big4 });
  assert.equal(fn.length, 576);
});

test('unknown ICMP types round-trip byte for byte', () => {
  const echo6: Icmpv6Error = { kind: 'unknown', type: 128, code: 0, body: fromHex('12340001abcd') };
  assert.deepEqual(decodeIcmpv6Error(encodeIcmpv6Error(echo6, PSEUDO), PSEUDO), echo6);
  const echo4: Icmpv4Error = { kind: 'unknown', type: 8, code: 0, body: fromHex('12340001ff') };
  assert.deepEqual(decodeIcmpv4Error(encodeIcmpv4Error(echo4)), echo4);
});

test('malformed ICMP: truncations and bad checksums have their codes', () => {
  assertWireError(() => decodeIcmpv6Error(PTB.subarray(40, 46)), 'TRUNCATED'); // MTU cut short (checksum unchecked)
  const bad6 = PTB.slice(40);
  bad6[10] = (bad6[10]! + 1) & 0xff;
  assertWireError(() => decodeIcmpv6Error(bad6, PSEUDO), 'BAD_CHECKSUM');
  assertWireError(() => decodeIcmpv4Error(FRAG_NEEDED.subarray(20, 23)), 'TRUNCATED');
  assertWireError(() => decodeIcmpv4(FRAG_NEEDED.subarray(20, 26)), 'TRUNCATED'); // no rest of header
  const bad4 = FRAG_NEEDED.slice(20);
  bad4[7] = bad4[7]! ^ 1;
  assertWireError(() => decodeIcmpv4Error(bad4), 'BAD_CHECKSUM');
  // An error decoded at an offset reports absolute offsets.
  assert.throws(
    () => decodeIcmpv4Error(bad4),
    (e: unknown) => e instanceof WireError && e.layer === 'ipv4' && e.offset === 2,
  );
});

test('property: ICMP errors round-trip; arbitrary bytes raise only WireError', () => {
  const bytes = fc.uint8Array({ maxLength: 64 });
  const v6 = fc.oneof(
    fc.record(
      { kind: fc.constant('packet-too-big' as const), code: fc.nat(255), mtu: fc.nat(), invokingPacket: bytes },
      NO_NULL,
    ),
    fc.record(
      {
        kind: fc.constant('destination-unreachable' as const),
        code: fc.nat(255),
        reservedBits: fc.nat(),
        invokingPacket: bytes,
      },
      NO_NULL,
    ),
  );
  fc.assert(
    fc.property(v6, (v) => {
      const mtuOk =
        v.kind === 'packet-too-big' ? { ...v, mtu: v.mtu >>> 0 } : { ...v, reservedBits: v.reservedBits >>> 0 };
      assert.deepEqual(decodeIcmpv6Error(encodeIcmpv6Error(mtuOk, PSEUDO), PSEUDO), mtuOk);
    }),
  );
  const v4 = fc.record(
    {
      kind: fc.constant('destination-unreachable' as const),
      code: fc.nat(255),
      reservedBits: fc.nat(0xffff),
      nextHopMtu: fc.nat(0xffff),
      originalDatagram: bytes,
    },
    NO_NULL,
  );
  fc.assert(fc.property(v4, (v) => assert.deepEqual(decodeIcmpv4Error(encodeIcmpv4Error(v)), v)));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      onlyWireErrors((x) => decodeIcmpv6Error(x, PSEUDO), b);
      onlyWireErrors((x) => decodeIcmpv4Error(x), b);
      onlyWireErrors((x) => decodeIcmpv6Error(x), b);
    }),
  );
  // Mutated valid messages: still only WireErrors (mostly BAD_CHECKSUM).
  fc.assert(
    fc.property(fc.nat(FRAG_NEEDED.length - 21), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const m = FRAG_NEEDED.slice(20);
      m[i] = m[i]! ^ x;
      onlyWireErrors((y) => decodeIcmpv4Error(y), m);
      onlyWireErrors(
        (y) => parseIcmpv6Any(y),
        PTB.slice(40).map((b, j) => (j === i ? b ^ x : b)),
      );
    }),
  );
});

function parseIcmpv6Any(b: Uint8Array): unknown {
  return decodeIcmpv6Error(b, PSEUDO);
}

test('parseIcmpv6Error on a sub-reader reports offsets in the outer buffer', () => {
  const bad = PTB.slice();
  bad[50] = bad[50]! ^ 0xff;
  const r = Reader.of(bad, 'ipv6');
  r.skipBytes(40);
  assert.throws(
    () => parseIcmpv6Error(r, PSEUDO),
    (e: unknown) => e instanceof WireError && e.code === 'BAD_CHECKSUM' && e.offset === 42,
  );
});
