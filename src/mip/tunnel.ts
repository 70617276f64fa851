/**
 * Data-plane helpers shared by both ends: encapsulating an inner packet on a `TunnelRoute` with the real
 * codecs of src/wire/ip, and reading an inner packet's addresses without a full decode.
 */
import { encapsulateIpInIp, encapsulateUdp } from '../wire/ip/tunnel.ts';
import type { TunnelRoute } from './types.ts';

/**
 * Wraps `inner` (an IPv4 or IPv6 packet): IPv6 route → IPv6-in-IPv6 (41) or IPv4-in-IPv6 (4); IPv4 route →
 * IPv6-in-IPv4 (41) or IPv4-in-IPv4 (4); UDP route → UDP/IPv4 (RFC 5555 §4.1).
 */
export function encapsulate(route: TunnelRoute, inner: Uint8Array): Uint8Array {
  switch (route.kind) {
    case 'ipv6':
      return encapsulateIpInIp({ source: route.source, destination: route.destination }, { inner });
    case 'ipv4':
      return encapsulateIpInIp({ source: route.source, destination: route.destination }, { inner });
    case 'udp4':
      return encapsulateUdp(
        { source: route.source, destination: route.destination },
        { inner, sourcePort: route.sourcePort, destinationPort: route.destinationPort },
      );
  }
}

/** The IP version of a packet that is long enough to hold its fixed header, else undefined. */
export function innerVersion(packet: Uint8Array): 4 | 6 | undefined {
  const v = (packet[0] ?? 0) >> 4;
  if (v === 4 && packet.length >= 20) return 4;
  if (v === 6 && packet.length >= 40) return 6;
  return undefined;
}

/** Offsets of the source and destination addresses in the fixed headers (RFC 791 §3.1, RFC 8200 §3). */
export const IPV4_SOURCE_OFFSET = 12;
export const IPV4_DESTINATION_OFFSET = 16;
export const IPV6_SOURCE_OFFSET = 8;
export const IPV6_DESTINATION_OFFSET = 24;
