// When an ICMP error may be sent at all (RFC 4443 §2.4 (e); RFC 1812 §4.3.2.7, RFC 1122 §3.2.2), as tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet, buildUdp4, buildUdp6 } from './build.ts';
import { buildFragmentationNeeded, buildPacketTooBig, mayReportIpv4, mayReportIpv6 } from './icmp-error-packets.ts';

const A6 = Ipv6Address.parse('2001:db8:5::9');
const B6 = Ipv6Address.parse('2001:db8:100::5');
const A4 = Ipv4Address.parse('203.0.113.9');
const B4 = Ipv4Address.parse('10.10.0.1');
const ports = { sourcePort: 61000, destinationPort: 61001, payload: new Uint8Array(4) };

function v6(src: string, dst: string): Uint8Array {
  return buildUdp6({ src: Ipv6Address.parse(src), dst: Ipv6Address.parse(dst), ...ports });
}

test('RFC 4443 §2.4 (e): which IPv6 packets may get an ICMPv6 error', () => {
  const ptb = buildPacketTooBig({
    source: B6,
    destination: A6,
    mtu: 1280,
    invokingPacket: v6('2001:db8::1', '2001:db8::2'),
  });
  const echo = buildIpv6Packet({
    src: A6,
    dst: B6,
    nextHeader: 58,
    payload: new Uint8Array([128, 0, 0, 0, 0, 1, 0, 1]),
    checksumOffset: 2,
  });
  const fragmentOfEcho = buildIpv6Packet({
    src: A6,
    dst: B6,
    nextHeader: 44,
    payload: new Uint8Array([58, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]), // first fragment, then an ICMPv6 error type 1
  });
  const redirect = buildIpv6Packet({
    src: A6,
    dst: B6,
    nextHeader: 58,
    payload: new Uint8Array([137, 0, 0, 0, 0, 0, 0, 0]),
    checksumOffset: 2,
  });
  // AH (RFC 4302 §2.2, Payload Len 1: 12 bytes) in front of an ICMPv6 Destination Unreachable.
  const ahThenError = buildIpv6Packet({
    src: A6,
    dst: B6,
    nextHeader: 51,
    payload: new Uint8Array([58, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]),
  });
  // A later fragment (offset 8) whose Fragment header names ICMPv6: what follows is not its header.
  const laterFragment = buildIpv6Packet({
    src: A6,
    dst: B6,
    nextHeader: 44,
    payload: new Uint8Array([58, 0, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0]),
  });
  const truncatedChain = v6('2001:db8:5::9', '2001:db8:100::5');
  truncatedChain[6] = 0; // a hop-by-hop header claiming 2 KB: the chain runs past the packet
  truncatedChain[41] = 255;
  const rows: [string, Uint8Array, boolean, boolean][] = [
    ['unicast UDP', v6('2001:db8:5::9', '2001:db8:100::5'), true, true],
    ['to multicast: PTB only (exception 2)', v6('2001:db8:5::9', 'ff0e::1'), false, true],
    ['from multicast', v6('ff02::1', '2001:db8:100::5'), false, false],
    ['from unspecified', v6('::', '2001:db8:100::5'), false, false],
    ['an ICMPv6 error', ptb, false, false],
    ['an ICMPv6 echo request', echo, true, true],
    ['an ICMPv6 error behind a fragment header', fragmentOfEcho, false, false],
    ['an ICMPv6 Redirect (e.2)', redirect, false, false],
    ['an ICMPv6 error behind AH', ahThenError, false, false],
    ['a later fragment: its upper layer cannot be seen', laterFragment, true, true],
    ['a truncated extension header chain', truncatedChain, false, false],
    ['too short', v6('2001:db8:5::9', '2001:db8:100::5').subarray(0, 39), false, false],
  ];
  for (const [name, p, other, tooBig] of rows) {
    assert.equal(mayReportIpv6(p, false), other, name);
    assert.equal(mayReportIpv6(p, true), tooBig, `${name} (PTB)`);
  }
});

test('RFC 1812 §4.3.2.7: which IPv4 datagrams may get an ICMP error', () => {
  const udp = (src: string, dst: string) =>
    buildUdp4({ src: Ipv4Address.parse(src), dst: Ipv4Address.parse(dst), ...ports });
  const fn = buildFragmentationNeeded({
    source: B4,
    destination: A4,
    nextHopMtu: 1300,
    invokingPacket: udp('1.2.3.4', '5.6.7.8'),
  });
  const echo = buildIpv4Packet({
    src: A4,
    dst: B4,
    protocol: 1,
    payload: new Uint8Array([8, 0, 0xf7, 0xff, 0, 0, 0, 0]),
  });
  const laterFragment = udp('203.0.113.9', '10.10.0.1');
  laterFragment[7] = 0x10; // offset 128 bytes (checksum no longer matters to the rule)
  const rows: [string, Uint8Array, boolean][] = [
    ['unicast UDP', udp('203.0.113.9', '10.10.0.1'), true],
    ['to broadcast', udp('203.0.113.9', '255.255.255.255'), false],
    ['to multicast', udp('203.0.113.9', '224.0.0.5'), false],
    ['from 0.0.0.0', udp('0.0.0.0', '10.10.0.1'), false],
    ['from loopback', udp('127.0.0.1', '10.10.0.1'), false],
    ['from class E', udp('240.0.0.1', '10.10.0.1'), false],
    ['an ICMP error', fn, false],
    ['an ICMP echo request', echo, true],
    ['a non-initial fragment', laterFragment, false],
    ['too short', udp('203.0.113.9', '10.10.0.1').subarray(0, 19), false],
  ];
  for (const [name, p, may] of rows) assert.equal(mayReportIpv4(p), may, name);
});

test('property: the rules never read out of bounds or throw, whatever the bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (b, tooBig) => {
      assert.equal(typeof mayReportIpv6(b, tooBig), 'boolean');
      assert.equal(typeof mayReportIpv4(b), 'boolean');
    }),
  );
});
