// The hot-path framer writes what src/wire/ip's builders write for the same fields, and src/wire/ip decapsulates it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet } from '../../wire/ip/build.ts';
import { encodeIpv4 } from '../../wire/ip/ipv4.ts';
import { encodeIpv6 } from '../../wire/ip/ipv6.ts';
import { ipv4Address, ipv4Packet, ipv6Address, ipv6Packet } from '../../wire/ip/test-support.ts';
import { decapsulateIpInIp } from '../../wire/ip/tunnel.ts';
import { TunnelFramer } from './tunnel-framer.ts';
import { checkMtus, MIN_LINK_MTU, maxInnerLength, TUNNEL_OVERHEAD } from './tunnel-mtu.ts';

const innerV4 = ipv4Packet.map((p) => encodeIpv4({ ...p, fragmentOffsetBytes: 0, moreFragments: false }));
const innerV6 = ipv6Packet.map(encodeIpv6);

test('IPv4 outer: same bytes as buildIpv4Packet (DSCP copied, ECN Not-ECT, DF copied from IPv4, ID counting up)', () => {
  fc.assert(
    fc.property(
      ipv4Address,
      ipv4Address,
      fc.nat(0xffff),
      fc.array(fc.oneof(innerV4, innerV6), { minLength: 1, maxLength: 4 }),
      (src, dst, id, inners) => {
        const f = new TunnelFramer({ kind: 'ipv4', source: src, destination: dst }, id);
        inners.forEach((inner, i) => {
          const v4 = inner[0]! >> 4 === 4;
          const tc = v4 ? inner[1]! : ((inner[0]! & 15) << 4) | (inner[1]! >> 4);
          const expected = buildIpv4Packet({
            src,
            dst,
            protocol: v4 ? 4 : 41,
            payload: inner,
            dscp: tc >> 2,
            ecn: 0, // RFC 6040 §4.1 compatibility mode: nothing here copies CE back inside
            identification: (id + i) & 0xffff,
            dontFragment: v4 && (inner[6]! & 0x40) !== 0,
          });
          const got = f.frame(inner);
          assert.equal(toHex(got), toHex(expected));
          assert.equal(toHex(decapsulateIpInIp(got).inner.bytes), toHex(inner));
        });
      },
    ),
  );
});

test('IPv6 outer: same bytes as buildIpv6Packet (DSCP copied, ECN Not-ECT, flow label 0, hop limit 64)', () => {
  fc.assert(
    fc.property(ipv6Address, ipv6Address, fc.oneof(innerV4, innerV6), (src, dst, inner) => {
      const v4 = inner[0]! >> 4 === 4;
      const tc = v4 ? inner[1]! : ((inner[0]! & 15) << 4) | (inner[1]! >> 4);
      const expected = buildIpv6Packet({ src, dst, nextHeader: v4 ? 4 : 41, payload: inner, trafficClass: tc & 0xfc });
      const got = new TunnelFramer({ kind: 'ipv6', source: src, destination: dst }).frame(inner);
      assert.equal(toHex(got), toHex(expected));
      assert.equal(toHex(decapsulateIpInIp(got).inner.bytes), toHex(inner));
    }),
  );
});

test('a literal IPv6-in-IPv4 vector (RFC 4213 §3.5) from the framer', () => {
  const inner = buildIpv6Packet({
    src: Ipv6Address.parse('2001:db8:1::100'),
    dst: Ipv6Address.parse('2001:db8:5::5'),
    nextHeader: 59,
    payload: new Uint8Array(0),
    trafficClass: 0xb8,
  });
  const f = new TunnelFramer(
    { kind: 'ipv4', source: Ipv4Address.parse('192.0.2.1'), destination: Ipv4Address.parse('198.51.100.7') },
    0x1234,
  );
  const outer = f.frame(inner);
  // scapy: IP(tos=0xb8, id=0x1234, ttl=64, proto=41, src=192.0.2.1, dst=198.51.100.7, len=60)
  assert.equal(toHex(outer.subarray(0, 20)), '45b8003c1234000040297b71c0000201c6336407');
  assert.equal(f.overhead, 20);
});

test('a CE-marked inner packet leaves in a Not-ECT outer header, its DSCP kept (RFC 6040 §4.1, RFC 2983 §3.1)', () => {
  const inner = buildIpv6Packet({
    src: Ipv6Address.parse('2001:db8:1::100'),
    dst: Ipv6Address.parse('2001:db8:5::5'),
    nextHeader: 59,
    payload: new Uint8Array(0),
    trafficClass: 0xbb, // DSCP 46, CE
  });
  const src6 = Ipv6Address.parse('2001:db8::1');
  const six = new TunnelFramer({ kind: 'ipv6', source: src6, destination: src6 }).frame(inner);
  assert.equal(toHex(six.subarray(0, 2)), '6b80');
  const four = new TunnelFramer({ kind: 'ipv4', source: Ipv4Address.ANY, destination: Ipv4Address.ANY }).frame(inner);
  assert.equal(four[1], 0xb8);
});

test('tunnel MTUs: overhead per framing, and the RFC 8200 §5 floor with the ESP data SA counted', () => {
  assert.deepEqual(TUNNEL_OVERHEAD, { ipv6: 40, ipv4: 20, udp4: 28 });
  assert.equal(maxInnerLength('udp4', 1500, 1500), 1472);
  assert.equal(maxInnerLength('ipv6', 1500, 1400), 1400);
  // AES-CBC + HMAC-SHA2-256-128 in UDP: 20 + 8 + 8 (SPI, Seq) + 16 (IV) + 1296 (1280 + 2 padded to 16) + 16 (ICV).
  assert.equal(MIN_LINK_MTU, 1364);
  assert.throws(() => checkMtus(1363, 1280), RangeError);
  assert.throws(() => checkMtus(1328, 1280), RangeError, 'enough for every plain framing, not for the data SA');
  assert.throws(() => checkMtus(0x10000, 1280), RangeError);
  assert.throws(() => checkMtus(1500, 1279), RangeError);
  checkMtus(1364, 1280);
});
