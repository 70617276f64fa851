/**
 * How much room each DSMIPv6 tunnel framing takes (RFC 5555 §4.1) and the largest inner packet a tunnel carries:
 * the tunnel is a link, and its MTU is the path's minus the encapsulation (RFC 2473 §6.1, RFC 4213 §3.2).
 */
import type { TunnelRoute } from '../../mip/types.ts';
import { IPV4_MIN_HEADER_LENGTH, IPV6_HEADER_LENGTH, UDP_HEADER_LENGTH } from '../../wire/ip/constants.ts';
import { IPV6_MINIMUM_MTU } from '../../wire/ip/icmp-error-packets.ts';

/** RFC 894: the Ethernet MTU, the usual access link. */
export const ETHERNET_MTU = 1500;

/** Bytes added around an inner packet, by framing. */
export const TUNNEL_OVERHEAD: Readonly<Record<TunnelRoute['kind'], number>> = {
  ipv6: IPV6_HEADER_LENGTH, // RFC 2473 §3: one IPv6 header (RFC 6275 §10.4.2, IPv4 in IPv6 per RFC 5555 §4.4.3)
  ipv4: IPV4_MIN_HEADER_LENGTH, // RFC 2003 §3 / RFC 4213 §3.5: one IPv4 header without options
  udp4: IPV4_MIN_HEADER_LENGTH + UDP_HEADER_LENGTH, // RFC 5555 §4.1: IPv4 + UDP, no extra header
};

/** The largest overhead of any framing: a device MTU that leaves this much room fits every tunnel. */
export const MAX_TUNNEL_OVERHEAD = Math.max(...Object.values(TUNNEL_OVERHEAD));

/** The largest inner packet a `kind` tunnel carries over a `linkMtu` path from a `deviceMtu` device. */
export function maxInnerLength(kind: TunnelRoute['kind'], linkMtu: number, deviceMtu: number): number {
  return Math.min(deviceMtu, linkMtu - TUNNEL_OVERHEAD[kind]);
}

/** The device MTU that fits every framing on a `linkMtu` path (e.g. 1452 for Ethernet). */
export function deviceMtuFor(linkMtu: number): number {
  return linkMtu - MAX_TUNNEL_OVERHEAD;
}

/**
 * RangeError unless every tunnel over `linkMtu` carries a 1280-byte IPv6 packet whole: RFC 8200 §5 makes 1280 the
 * minimum MTU of every link, tunnels included, and this forwarder does not fragment outer packets.
 */
export function checkMtus(linkMtu: number, deviceMtu: number): void {
  if (!Number.isInteger(linkMtu) || linkMtu - MAX_TUNNEL_OVERHEAD < IPV6_MINIMUM_MTU) {
    throw new RangeError(`link MTU ${linkMtu} leaves less than ${IPV6_MINIMUM_MTU} bytes inside the tunnel`);
  }
  if (!Number.isInteger(deviceMtu) || deviceMtu < IPV6_MINIMUM_MTU || deviceMtu > 0xffff) {
    throw new RangeError(`device MTU ${deviceMtu} is outside ${IPV6_MINIMUM_MTU}..65535`);
  }
}
