/**
 * Fuzz targets for the ICMP error codecs (src/wire/ip/icmp-errors.ts) and for the HA forwarder fed raw device
 * packets (src/node/tun), seeded with the errors our builders make (checked by tshark in
 * test/oracle/tun-icmp.oracle.test.ts) and with ping packets.
 */

import { buildTunnelWorld, HOA, ping } from '../../src/node/tun/test-support.ts';
import { Ipv4Address, Ipv6Address } from '../../src/util/ip-address.ts';
import {
  buildFragmentationNeeded,
  buildIcmpv6Unreachable,
  buildPacketTooBig,
} from '../../src/wire/ip/icmp-error-packets.ts';
import { decodeIcmpv4Error, decodeIcmpv6Error } from '../../src/wire/ip/icmp-errors.ts';
import type { FuzzTarget } from '../harness.ts';

const HA6 = Ipv6Address.parse('2001:db8:1::1');
const CN6 = Ipv6Address.parse('2001:db8:5::5');
const HA4 = Ipv4Address.parse('192.0.2.1');
const CN4 = Ipv4Address.parse('203.0.113.99');
const PSEUDO = { source: HA6, destination: CN6 };

function icmpv6Seeds(): Uint8Array[] {
  const invoking = ping(CN6, HOA, 200);
  return [
    buildPacketTooBig({ source: HA6, destination: CN6, mtu: 1372, invokingPacket: invoking }).subarray(40),
    buildIcmpv6Unreachable({ source: HA6, destination: CN6, invokingPacket: invoking }).subarray(40),
  ];
}

function icmpv4Seeds(): Uint8Array[] {
  return [
    buildFragmentationNeeded({
      source: HA4,
      destination: CN4,
      nextHopMtu: 1372,
      invokingPacket: ping(CN4, HA4, 300, true),
    }).subarray(20),
  ];
}

const world = buildTunnelWorld('nat', { linkMtu: 1400, deviceMtu: 1500 });

export const targets: FuzzTarget[] = [
  { name: 'icmpv6-error', family: 'icmp', decode: (b) => decodeIcmpv6Error(b, PSEUDO), seeds: icmpv6Seeds },
  { name: 'icmpv4-error', family: 'icmp', decode: decodeIcmpv4Error, seeds: icmpv4Seeds },
  {
    name: 'tun-forwarders',
    family: 'tun',
    decode: (b) => {
      world.ha.fromDevice(0, b);
      world.ha.fromMobileNode(b);
      world.ue.fromDevice(0, b);
      world.ue.fromHomeAgent(b);
      return world.ha.counters;
    },
    seeds: () => [
      ping(CN6, HOA, 1450),
      ping(CN4, world.ipv4HomeAddress, 1450, true),
      ping(CN4, world.ipv4HomeAddress, 1450),
    ],
  },
];
