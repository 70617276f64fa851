/**
 * IP-layer codecs against independent implementations: tshark decodes what we encode (field by field,
 * checksums validated), and we decode what scapy builds (field by field, checksums verified).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, toHex } from '../../src/util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import {
  buildIpv6Packet,
  buildUdp4,
  buildUdp6,
  classifyInnerPacket,
  decapsulateIpInIp,
  decapsulateUdp,
  decodeIpv4,
  decodeIpv6,
  decodeRouterAdvertisement,
  decodeUdp,
  effectiveDestination,
  effectiveSource,
  encapsulateIpInIp,
  encapsulateUdp,
  encodeIpv6,
  encodeRouterAdvertisement,
  IpProtocol,
  type Ipv6Packet,
  type NdOption,
  type RouterAdvertisement,
} from '../../src/wire/ip/index.ts';
import { runScapy, SCAPY_PRELUDE } from './scapy.ts';
import { findAll, findField, hasMalformed, tsharkDecode } from './tshark.ts';

const V4_COA = Ipv4Address.parse('198.51.100.7');
const V4_HA = Ipv4Address.parse('192.0.2.1');
const COA = Ipv6Address.parse('2001:db8:2::200');
const HA = Ipv6Address.parse('2001:db8:1::1');
const HOA = Ipv6Address.parse('2001:db8:1::100');
const LINK_LOCAL = Ipv6Address.parse('fe80::1');
const ALL_NODES = Ipv6Address.parse('ff02::1');
// Ports with no Wireshark dissector or heuristic, so the payload stays data.
const PORT_A = 61000;
const PORT_B = 61001;

// DSCP 46 and ECN 01 (ECT(1)) inside, to see what the tunnel headers make of them.
const innerV6 = buildUdp6({
  src: HOA,
  dst: HA,
  sourcePort: PORT_A,
  destinationPort: PORT_B,
  payload: fromHex('0102'),
  trafficClass: 0xb9,
});
const innerV4 = buildUdp4({
  src: Ipv4Address.parse('10.1.0.5'),
  dst: Ipv4Address.parse('203.0.113.9'),
  sourcePort: PORT_A,
  destinationPort: PORT_B,
  payload: fromHex('03'),
  dscp: 46,
  ecn: 1,
});

/** A /64 Prefix Information option with the flags named by letter (L, A, R). */
function pio(flags: string, validLifetimeSec: number, preferredLifetimeSec: number, prefix: Ipv6Address): NdOption {
  const [onLink, autonomous, routerAddress] = ['L', 'A', 'R'].map((x) => flags.includes(x)) as [
    boolean,
    boolean,
    boolean,
  ];
  const base = { kind: 'prefixInformation', prefixLength: 64, reservedBits: 0 } as const;
  return { ...base, onLink, autonomous, routerAddress, validLifetimeSec, preferredLifetimeSec, prefix };
}

const RA: RouterAdvertisement = {
  curHopLimit: 64,
  managed: false,
  otherConfig: true,
  homeAgent: true,
  reservedBits: 0,
  routerLifetimeSec: 1800,
  reachableTimeMs: 30000,
  retransTimerMs: 1000,
  options: [
    pio('LA', 86400, 14400, Ipv6Address.parse('2001:db8:1::')),
    pio('R', 0xffffffff, 0xffffffff, HA), // RFC 6275 §7.2: the HA's global address
    { kind: 'unknown', type: 200, data: fromHex('010203040506') },
  ],
};

const fragmented: Ipv6Packet = {
  trafficClass: 0,
  flowLabel: 0x12345,
  hopLimit: 64,
  source: COA,
  destination: HA,
  extensionHeaders: [{ kind: 'fragment', fragmentOffsetBytes: 1448, moreFragments: true, identification: 0xabcdef01 }],
  nextHeader: IpProtocol.UDP,
  payload: new Uint8Array(16),
};

test('tshark decodes what we encode, field by field, checksums good', async () => {
  const packets = {
    udp4: buildUdp4({
      src: V4_COA,
      dst: V4_HA,
      sourcePort: PORT_A,
      destinationPort: PORT_B,
      payload: fromHex('cafe'),
      identification: 77,
      dontFragment: true,
      ttl: 33,
    }),
    udp6: buildUdp6({
      src: COA,
      dst: HA,
      sourcePort: PORT_A,
      destinationPort: PORT_B,
      payload: fromHex('cafe'),
      trafficClass: 0xb8,
    }),
    hao: buildIpv6Packet({
      src: COA,
      dst: HA,
      nextHeader: IpProtocol.NO_NEXT,
      payload: new Uint8Array(0),
      homeAddressOption: HOA,
    }),
    rh2: buildUdp6({
      src: HA,
      dst: COA,
      routingHeaderType2: HOA,
      sourcePort: PORT_A,
      destinationPort: PORT_B,
      payload: fromHex('beef'),
    }),
    udpTunnel: encapsulateUdp(
      { source: V4_COA, destination: V4_HA },
      { inner: innerV6, sourcePort: 40000, destinationPort: 4191 },
    ),
    v6in4: encapsulateIpInIp({ source: V4_COA, destination: V4_HA }, { inner: innerV6 }),
    v4in6: encapsulateIpInIp({ source: COA, destination: HA }, { inner: innerV4 }),
    ra: buildIpv6Packet({
      src: LINK_LOCAL,
      dst: ALL_NODES,
      hopLimit: 255,
      nextHeader: IpProtocol.ICMPV6,
      payload: encodeRouterAdvertisement(RA, { source: LINK_LOCAL, destination: ALL_NODES }),
    }),
    fragment: encodeIpv6(fragmented),
  };
  const names = Object.keys(packets) as (keyof typeof packets)[];
  const decoded = await tsharkDecode(Object.values(packets), [
    '-o',
    'ip.check_checksum:TRUE',
    '-o',
    'udp.check_checksum:TRUE',
  ]);
  const by = Object.fromEntries(names.map((n, i) => [n, decoded[i]!])) as Record<
    keyof typeof packets,
    Record<string, unknown>
  >;
  for (const n of names) assert.ok(!hasMalformed(by[n]), `${n} flagged malformed`);
  const GOOD = '1'; // tshark checksum.status: 0 bad, 1 good, 2 unverified

  const f = (n: keyof typeof packets, key: string) => findField(by[n], key);
  assert.deepEqual(
    [
      'ip.version',
      'ip.hdr_len',
      'ip.len',
      'ip.id',
      'ip.flags.df',
      'ip.ttl',
      'ip.proto',
      'ip.src',
      'ip.dst',
      'ip.checksum.status',
    ].map((k) => f('udp4', k)),
    ['4', '20', '30', '0x004d', '1', '33', '17', '198.51.100.7', '192.0.2.1', GOOD],
  );
  assert.deepEqual(
    ['udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum.status', 'udp.payload'].map((k) => f('udp4', k)),
    [String(PORT_A), String(PORT_B), '10', GOOD, 'ca:fe'],
  );
  assert.deepEqual(
    ['ipv6.tclass.dscp', 'ipv6.plen', 'ipv6.nxt', 'ipv6.src', 'ipv6.dst', 'udp.checksum.status'].map((k) =>
      f('udp6', k),
    ),
    ['46', '10', '17', '2001:db8:2::200', '2001:db8:1::1', GOOD],
  );
  // Destination Options with the HAO (SPEC-NOTES §2.1): Hdr Ext Len 2, PadN then type c9 length 16.
  assert.deepEqual(
    ['ipv6.nxt', 'ipv6.dstopts.nxt', 'ipv6.dstopts.len', 'ipv6.opt.mipv6.home_address'].map((k) => f('hao', k)),
    ['60', '59', '2', '2001:db8:1::100'],
  );
  assert.deepEqual(findAll(by.hao, 'ipv6.opt.type'), ['0x01', '0xc9']);
  assert.deepEqual(findAll(by.hao, 'ipv6.opt.length'), ['2', '16']);
  // RH2, and the UDP checksum over the home address as final destination (RFC 8200 §8.1).
  assert.deepEqual(
    [
      'ipv6.nxt',
      'ipv6.routing.type',
      'ipv6.routing.len',
      'ipv6.routing.segleft',
      'ipv6.routing.mipv6.home_address',
      'udp.checksum.status',
    ].map((k) => f('rh2', k)),
    ['43', '2', '2', '1', '2001:db8:1::100', GOOD],
  );
  // IPv4/UDP 4191 carrying an IPv6 packet (decoded as IPv6 by the harness's decode-as).
  assert.deepEqual(findAll(by.udpTunnel, 'udp.dstport'), ['4191', String(PORT_B)]);
  assert.deepEqual(findAll(by.udpTunnel, 'udp.checksum.status'), [GOOD, GOOD]);
  assert.equal(f('udpTunnel', 'ip.checksum.status'), GOOD);
  assert.equal(findField(by.udpTunnel.ipv6, 'ipv6.src'), '2001:db8:1::100');
  // IP-in-IP.
  assert.deepEqual(
    [f('v6in4', 'ip.proto'), f('v6in4', 'ip.checksum.status'), findField(by.v6in4.ipv6, 'ipv6.src')],
    ['41', GOOD, '2001:db8:1::100'],
  );
  assert.deepEqual(
    [f('v4in6', 'ipv6.nxt'), findField(by.v4in6.ip, 'ip.src'), findField(by.v4in6.ip, 'ip.checksum.status')],
    ['4', '10.1.0.5', GOOD],
  );
  // Outer DSCP copied, outer ECN Not-ECT (RFC 6040 §4.1 compatibility mode); the inner headers untouched.
  assert.deepEqual(
    [
      findField(by.v6in4.ip, 'ip.dsfield.dscp'),
      findField(by.v6in4.ip, 'ip.dsfield.ecn'),
      findField(by.v6in4.ipv6, 'ipv6.tclass.ecn'),
      findField(by.v4in6.ipv6, 'ipv6.tclass.dscp'),
      findField(by.v4in6.ipv6, 'ipv6.tclass.ecn'),
      findField(by.v4in6.ip, 'ip.dsfield.ecn'),
    ],
    ['46', '0', '1', '46', '0', '1'],
  );
  // Fragment header.
  assert.deepEqual(
    ['ipv6.flow', 'ipv6.fraghdr.nxt', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fraghdr.ident'].map((k) =>
      f('fragment', k),
    ),
    ['0x012345', '17', '181', '1', '0xabcdef01'],
  );
  // Router Advertisement: H flag, two PIOs (L/A vs R), one unknown option.
  const icmp = by.ra.icmpv6;
  assert.deepEqual(
    [
      'icmpv6.type',
      'icmpv6.checksum.status',
      'icmpv6.nd.ra.cur_hop_limit',
      'icmpv6.nd.ra.flag.m',
      'icmpv6.nd.ra.flag.o',
      'icmpv6.nd.ra.flag.h',
    ].map((k) => findField(icmp, k)),
    ['134', GOOD, '64', '0', '1', '1'],
  );
  assert.deepEqual(
    ['icmpv6.nd.ra.router_lifetime', 'icmpv6.nd.ra.reachable_time', 'icmpv6.nd.ra.retrans_timer'].map((k) =>
      findField(icmp, k),
    ),
    ['1800', '30000', '1000'],
  );
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.type'), ['3', '3', '200']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.length'), ['4', '4', '1']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.prefix.flag.l'), ['1', '0']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.prefix.flag.a'), ['1', '0']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.prefix.flag.r'), ['0', '1']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.prefix.valid_lifetime'), ['86400', '4294967295']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.prefix.preferred_lifetime'), ['14400', '4294967295']);
  assert.deepEqual(findAll(icmp, 'icmpv6.opt.prefix'), ['2001:db8:1::', '2001:db8:1::1']);
  assert.equal(findField(icmp, 'icmpv6.data'), '01:02:03:04:05:06');
});

const SCAPY_PROGRAM = `${SCAPY_PRELUDE}
from scapy.layers.inet6 import *
COA, HA, HOA = '2001:db8:2::200', '2001:db8:1::1', '2001:db8:1::100'
inner6 = IPv6(src=HOA, dst=HA) / UDP(sport=${PORT_A}, dport=${PORT_B}) / b'in6'
inner4 = IP(src='10.1.0.5', dst='203.0.113.9', id=9) / UDP(sport=${PORT_A}, dport=${PORT_B}) / b'in4'
emit('udp4', IP(src='198.51.100.7', dst='192.0.2.1', id=0x4242, flags='DF', ttl=17, tos=0xb9,
     options=[IPOption_Router_Alert()]) / UDP(sport=${PORT_A}, dport=${PORT_B}) / b'hello')
emit('hao', IPv6(src=COA, dst=HA, hlim=7) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / UDP(sport=${PORT_A}, dport=${PORT_B}) / b'abc')
emit('rh2', IPv6(src=HA, dst=COA, fl=0xbeef) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) / UDP(sport=${PORT_A}, dport=${PORT_B}) / b'xyz')
emit('hbh', IPv6(src=COA, dst=HA) / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / ICMPv6EchoRequest(id=1, seq=2, data=b'ping'))
emit('frag', IPv6(src=COA, dst=HA) / IPv6ExtHdrFragment(offset=100, m=1, id=0x01020304, nh=17) / Raw(b'\\x00' * 16))
emit('udpTunnel', IP(src='198.51.100.7', dst='192.0.2.1') / UDP(sport=40000, dport=4191) / inner6)
emit('udpTunnel4', IP(src='192.0.2.1', dst='198.51.100.7') / UDP(sport=4191, dport=40000) / inner4)
emit('v6in4', IP(src='198.51.100.7', dst='192.0.2.1', proto=41) / inner6)
emit('v4in6', IPv6(src=COA, dst=HA, nh=4) / inner4)
emit('ra', IPv6(src='fe80::1', dst='ff02::1', hlim=255) / ICMPv6ND_RA(chlim=64, M=1, O=0, H=1, prf=0, routerlifetime=9000, reachabletime=30000, retranstimer=1000)
     / ICMPv6NDOptSrcLLAddr(lladdr='02:00:5e:00:00:01')
     / ICMPv6NDOptMTU(mtu=1400)
     / ICMPv6NDOptAdvInterval(advint=3000)
     / ICMPv6NDOptHAInfo(pref=10, lifetime=1800)
     / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=0, validlifetime=86400, preferredlifetime=14400, prefix='2001:db8:1::')
     / ICMPv6NDOptPrefixInfo(prefixlen=64, L=0, A=0, R=1, validlifetime=7200, preferredlifetime=3600, prefix=HA))
`;

type ScapyLine = { name: string; hex: string };

test('we decode what scapy builds, field by field, checksums verified', async () => {
  const lines = await runScapy<ScapyLine>(SCAPY_PROGRAM);
  const pkt = Object.fromEntries(lines.map((l) => [l.name, fromHex(l.hex)]));
  const get = (n: string) => {
    const b = pkt[n];
    assert.ok(b, `scapy did not emit ${n}`);
    return b;
  };

  const udp4 = decodeIpv4(get('udp4'));
  assert.deepEqual(
    [udp4.identification, udp4.dontFragment, udp4.ttl, udp4.dscp, udp4.ecn, udp4.protocol, toHex(udp4.options)],
    [0x4242, true, 17, 0xb9 >> 2, 1, 17, '94040000'],
  );
  assert.deepEqual([udp4.source.toString(), udp4.destination.toString()], ['198.51.100.7', '192.0.2.1']);
  const u4 = decodeUdp(udp4.payload, { version: 4, source: udp4.source, destination: udp4.destination });
  assert.deepEqual([u4.sourcePort, u4.destinationPort, Buffer.from(u4.payload).toString()], [PORT_A, PORT_B, 'hello']);

  // scapy checksums over the HAO / RH2 addresses too (RFC 6275 §6.1.1, RFC 8200 §8.1).
  const hao = decodeIpv6(get('hao'));
  assert.equal(hao.hopLimit, 7);
  assert.ok(effectiveSource(hao).equals(HOA));
  assert.deepEqual(hao.extensionHeaders, [
    {
      kind: 'destinationOptions',
      options: [
        { kind: 'padN', length: 2 },
        { kind: 'homeAddress', homeAddress: HOA },
      ],
    },
  ]);
  assert.equal(hao.nextHeader, 17);
  const uh = decodeUdp(hao.payload, {
    version: 6,
    source: effectiveSource(hao),
    destination: effectiveDestination(hao),
  });
  assert.equal(Buffer.from(uh.payload).toString(), 'abc');
  assert.equal(toHex(encodeIpv6(hao)), toHex(get('hao')));

  const rh2 = decodeIpv6(get('rh2'));
  assert.equal(rh2.flowLabel, 0xbeef);
  assert.deepEqual(rh2.extensionHeaders, [{ kind: 'routingType2', segmentsLeft: 1, homeAddress: HOA }]);
  assert.ok(effectiveDestination(rh2).equals(HOA));
  decodeUdp(rh2.payload, { version: 6, source: effectiveSource(rh2), destination: effectiveDestination(rh2) });
  assert.equal(toHex(encodeIpv6(rh2)), toHex(get('rh2')));

  const hbh = decodeIpv6(get('hbh'));
  assert.deepEqual(hbh.extensionHeaders, [
    {
      kind: 'hopByHop',
      options: [
        { kind: 'unknown', type: 5, data: fromHex('0000') },
        { kind: 'padN', length: 0 },
      ],
    },
  ]);
  assert.equal(hbh.nextHeader, 58);
  assert.equal(toHex(encodeIpv6(hbh)), toHex(get('hbh')));

  const frag = decodeIpv6(get('frag'));
  assert.deepEqual(frag.extensionHeaders, [
    { kind: 'fragment', fragmentOffsetBytes: 800, moreFragments: true, identification: 0x01020304 },
  ]);
  assert.equal(frag.nextHeader, 17);
  assert.equal(frag.payload.length, 16);

  const t6 = decapsulateUdp(get('udpTunnel'));
  assert.equal(t6.udp.sourcePort, 40000);
  assert.equal(t6.inner.version, 6);
  if (t6.inner.version === 6) assert.ok(t6.inner.packet.source.equals(HOA));
  const t4 = decapsulateUdp(get('udpTunnel4'));
  assert.equal(t4.inner.version, 4);
  if (t4.inner.version === 4) assert.equal(t4.inner.packet.identification, 9);
  assert.equal(classifyInnerPacket(t4.udp.payload).version, 4);

  const v6in4 = decapsulateIpInIp(get('v6in4'));
  assert.deepEqual([v6in4.outer.version, v6in4.inner.version], [4, 6]);
  const v4in6 = decapsulateIpInIp(get('v4in6'));
  assert.deepEqual([v4in6.outer.version, v4in6.inner.version], [6, 4]);

  const raPacket = decodeIpv6(get('ra'));
  const ra = decodeRouterAdvertisement(raPacket.payload, {
    source: raPacket.source,
    destination: raPacket.destination,
  });
  assert.deepEqual(ra, {
    curHopLimit: 64,
    managed: true,
    otherConfig: false,
    homeAgent: true,
    reservedBits: 0,
    routerLifetimeSec: 9000,
    reachableTimeMs: 30000,
    retransTimerMs: 1000,
    options: [
      { kind: 'unknown', type: 1, data: fromHex('02005e000001') },
      { kind: 'mtu', mtu: 1400 },
      { kind: 'advertisementInterval', intervalMs: 3000 },
      { kind: 'homeAgentInformation', preference: 10, lifetimeSec: 1800 },
      pio('LA', 86400, 14400, Ipv6Address.parse('2001:db8:1::')),
      pio('R', 7200, 3600, HA),
    ],
  });
  assert.equal(
    toHex(encodeRouterAdvertisement(ra, { source: raPacket.source, destination: raPacket.destination })),
    toHex(raPacket.payload),
  );
});
