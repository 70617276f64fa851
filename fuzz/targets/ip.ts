/** Fuzz targets for the IP-layer decoders, seeded with packets from our own encoders (oracle-checked). */

import { isWireError } from '../../src/util/errors.ts';
import { fromHex } from '../../src/util/hex.ts';
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
  encapsulateIpInIp,
  encapsulateUdp,
  encodeIpv4,
  encodeIpv6,
  encodeRouterAdvertisement,
  encodeUdp,
  IpProtocol,
  type UdpPseudoHeader,
} from '../../src/wire/ip/index.ts';
import { walkIpv6Chain } from '../../src/wire/ip/ipv6-chain.ts';
import type { FuzzTarget } from '../harness.ts';

const V4_A = Ipv4Address.parse('198.51.100.7');
const V4_B = Ipv4Address.parse('192.0.2.1');
const COA = Ipv6Address.parse('2001:db8:2::200');
const HA = Ipv6Address.parse('2001:db8:1::1');
const HOA = Ipv6Address.parse('2001:db8:1::100');
const LINK_LOCAL = Ipv6Address.parse('fe80::1');
const ALL_NODES = Ipv6Address.parse('ff02::1');
const V6_PSEUDO: UdpPseudoHeader = { version: 6, source: COA, destination: HA };
const V4_PSEUDO: UdpPseudoHeader = { version: 4, source: V4_A, destination: V4_B };

function ipv4Seeds(): Uint8Array[] {
  const udp = buildUdp4({ src: V4_A, dst: V4_B, sourcePort: 4500, destinationPort: 4500, payload: fromHex('ff') });
  const withOptions = encodeIpv4({
    ...decodeIpv4(udp),
    options: fromHex('94040000'),
    moreFragments: true,
    fragmentOffsetBytes: 8,
  });
  return [udp, withOptions];
}

function ipv6Seeds(): Uint8Array[] {
  const innerV6 = buildUdp6({ src: HOA, dst: HA, sourcePort: 1, destinationPort: 2, payload: fromHex('0102') });
  return [
    innerV6,
    buildIpv6Packet({
      src: COA,
      dst: HA,
      nextHeader: IpProtocol.MH,
      payload: new Uint8Array(16),
      homeAddressOption: HOA,
      checksumOffset: 4,
    }),
    buildIpv6Packet({
      src: HA,
      dst: COA,
      nextHeader: IpProtocol.MH,
      payload: new Uint8Array(16),
      routingHeaderType2: HOA,
      checksumOffset: 4,
    }),
    encodeIpv6({
      trafficClass: 0,
      flowLabel: 1,
      hopLimit: 1,
      source: COA,
      destination: HA,
      extensionHeaders: [
        { kind: 'hopByHop', options: [{ kind: 'unknown', type: 5, data: fromHex('0000') }] },
        { kind: 'routing', routingType: 0, segmentsLeft: 1, data: new Uint8Array(20) },
        { kind: 'destinationOptions', options: [{ kind: 'pad1' }, { kind: 'homeAddress', homeAddress: HOA }] },
        { kind: 'fragment', fragmentOffsetBytes: 0, moreFragments: true, identification: 7 },
      ],
      nextHeader: IpProtocol.UDP,
      payload: new Uint8Array(8),
    }),
  ];
}

function raSeed(): Uint8Array {
  return encodeRouterAdvertisement(
    {
      curHopLimit: 64,
      managed: false,
      otherConfig: true,
      homeAgent: true,
      reservedBits: 0,
      routerLifetimeSec: 1800,
      reachableTimeMs: 0,
      retransTimerMs: 0,
      options: [
        {
          kind: 'prefixInformation',
          prefixLength: 64,
          onLink: true,
          autonomous: true,
          routerAddress: true,
          reservedBits: 0,
          validLifetimeSec: 86400,
          preferredLifetimeSec: 14400,
          prefix: HA,
        },
        { kind: 'mtu', mtu: 1500 },
        { kind: 'advertisementInterval', intervalMs: 3000 },
        { kind: 'homeAgentInformation', preference: 1, lifetimeSec: 1800 },
        { kind: 'unknown', type: 1, data: fromHex('02005e000001') },
      ],
    },
    { source: LINK_LOCAL, destination: ALL_NODES },
  );
}

function tunnelSeeds(): Uint8Array[] {
  const [innerV6] = ipv6Seeds();
  const [innerV4] = ipv4Seeds();
  return [
    encapsulateUdp({ source: V4_A, destination: V4_B }, { inner: innerV6!, sourcePort: 40000, destinationPort: 4191 }),
    encapsulateUdp({ source: V4_B, destination: V4_A }, { inner: innerV4!, sourcePort: 4191, destinationPort: 40000 }),
    encapsulateUdp({ source: COA, destination: HA }, { inner: innerV4!, sourcePort: 40000, destinationPort: 4191 }),
  ];
}

function ipInIpSeeds(): Uint8Array[] {
  const [innerV6] = ipv6Seeds();
  const [innerV4] = ipv4Seeds();
  return [
    encapsulateIpInIp({ source: V4_A, destination: V4_B }, { inner: innerV6! }),
    encapsulateIpInIp({ source: V4_A, destination: V4_B }, { inner: innerV4! }),
    encapsulateIpInIp({ source: COA, destination: HA }, { inner: innerV4! }),
    encapsulateIpInIp({ source: COA, destination: HA }, { inner: innerV6! }),
  ];
}

export const targets: FuzzTarget[] = [
  { name: 'ipv4', family: 'ip', decode: decodeIpv4, seeds: ipv4Seeds },
  { name: 'ipv6-ext-chain', family: 'ip', decode: decodeIpv6, seeds: ipv6Seeds },
  {
    name: 'udp',
    family: 'ip',
    // Both pseudo-header kinds: a seed's checksum holds for its own one, mutations exercise the rest.
    decode: (b) => [decodeUdp(b), tryDecode(() => decodeUdp(b, V4_PSEUDO)), tryDecode(() => decodeUdp(b, V6_PSEUDO))],
    seeds: () => [
      encodeUdp({ sourcePort: 4500, destinationPort: 4500, payload: fromHex('ff') }, V4_PSEUDO),
      encodeUdp({ sourcePort: 4191, destinationPort: 40000, payload: new Uint8Array(40) }, V6_PSEUDO),
    ],
  },
  {
    name: 'icmpv6-router-advertisement',
    family: 'ip',
    decode: (b) => decodeRouterAdvertisement(b, { source: LINK_LOCAL, destination: ALL_NODES }),
    seeds: () => [raSeed()],
  },
  { name: 'tunnel-classify', family: 'ip', decode: classifyInnerPacket, seeds: () => [...ipv6Seeds(), ...ipv4Seeds()] },
  { name: 'tunnel-udp-4191', family: 'ip', decode: (b) => decapsulateUdp(b), seeds: tunnelSeeds },
  { name: 'tunnel-ip-in-ip', family: 'ip', decode: decapsulateIpInIp, seeds: ipInIpSeeds },
  // The bounded extension-header walker the raw IPv6 reader and the ICMP error rules use on every packet: it must
  // return a value or undefined for any bytes, never throw or read past the end.
  { name: 'ipv6-chain-walk', family: 'ip', decode: walkIpv6Chain, seeds: ipv6Seeds },
];

/** Runs a decoder whose WireError is expected for most mutations; other throws still escape to the harness. */
function tryDecode(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (isWireError(e)) return e;
    throw e;
  }
}
