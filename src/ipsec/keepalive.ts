/**
 * NAT keepalives (RFC 3948 §2.3, §4): a one-octet 0xFF UDP payload on the encapsulation ports, sent when nothing
 * else went to the peer for an interval (default 20 s), so the NAT keeps its mapping. Pure: the owner passes
 * the time it last sent and the time now.
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { encodeNatKeepalive } from '../wire/esp/udp-encap.ts';
import { buildUdp4, buildUdp6 } from '../wire/ip/build.ts';
import { DEFAULT_TTL } from '../wire/ip/constants.ts';
import { NAT_KEEPALIVE_INTERVAL_MS } from './constants.ts';
import type { EspUdpEncap } from './sa-params.ts';

export type KeepaliveEndpoints =
  | { readonly version: 4; readonly source: Ipv4Address; readonly destination: Ipv4Address }
  | { readonly version: 6; readonly source: Ipv6Address; readonly destination: Ipv6Address };

/** The keepalive datagram: IPv4 with UDP checksum 0 (RFC 3948 §2.3 SHOULD), IPv6 checksummed (RFC 8200 §8.1). */
export function buildNatKeepalive(ip: KeepaliveEndpoints, ports: EspUdpEncap): Uint8Array {
  const common = { sourcePort: ports.localPort, destinationPort: ports.remotePort, payload: encodeNatKeepalive() };
  if (ip.version === 4) {
    return buildUdp4({ ...common, src: ip.source, dst: ip.destination, ttl: DEFAULT_TTL, omitChecksum: true });
  }
  return buildUdp6({ ...common, src: ip.source, dst: ip.destination, hopLimit: DEFAULT_TTL });
}

/** When the next keepalive is due, given when anything was last sent to the peer (RFC 3948 §4). */
export function natKeepaliveDeadline(lastSentMs: number, intervalMs = NAT_KEEPALIVE_INTERVAL_MS): number {
  return lastSentMs + intervalMs;
}

export function isNatKeepaliveDue(nowMs: number, lastSentMs: number, intervalMs = NAT_KEEPALIVE_INTERVAL_MS): boolean {
  return nowMs >= natKeepaliveDeadline(lastSentMs, intervalMs);
}
