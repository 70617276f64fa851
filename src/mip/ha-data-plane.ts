/**
 * The HA's data plane rules once a binding exists (TS 24.303 §5.1.3.2 last paragraph; RFC 5555 §4.5.1;
 * RFC 6275 §10.4.1, §10.4.5): which tunnel a packet for a bound HoA takes, and whether a packet arriving
 * from a tunnel may enter the home network (its inner source must be the HoA bound to that tunnel).
 */
import { UdpPort } from '../wire/ip/constants.ts';
import { ipv4FromInt, ipv4Int, ipv4IntAt, ipv6FromKey, ipv6Key, ipv6KeyAt } from './addresses.ts';
import { type BindingCache, type BindingEntry, BindingFlag, TunnelMode } from './binding-cache.ts';
import type { HomeAgentPolicy } from './policy.ts';
import {
  IPV4_DESTINATION_OFFSET,
  IPV4_SOURCE_OFFSET,
  IPV6_DESTINATION_OFFSET,
  IPV6_SOURCE_OFFSET,
  innerVersion,
} from './tunnel.ts';
import type { OuterInfo, TunnelRoute } from './types.ts';

export type DownlinkDecision =
  | { readonly kind: 'tunnel'; readonly route: TunnelRoute }
  | { readonly kind: 'no-binding' }
  | { readonly kind: 'malformed' };

export type UplinkDropReason = 'malformed-inner' | 'no-binding-for-source' | 'spoofed-inner-source';
export type UplinkDecision = { readonly kind: 'accept' } | { readonly kind: 'drop'; readonly reason: UplinkDropReason };

/** The tunnel of a live binding: IPv6 header to an IPv6 CoA, IPv4 header, or UDP/IPv4 to the NAT's port. */
export function tunnelOf(e: BindingEntry, policy: HomeAgentPolicy): TunnelRoute {
  switch (e.mode) {
    case TunnelMode.IPV6:
      return { kind: 'ipv6', source: policy.ipv6Address, destination: ipv6FromKey(e.careOfV6) };
    case TunnelMode.IPV4:
      return { kind: 'ipv4', source: ipv4FromInt(e.localV4), destination: ipv4FromInt(e.remoteV4) };
    case TunnelMode.UDP4:
      return {
        kind: 'udp4',
        source: ipv4FromInt(e.localV4),
        destination: ipv4FromInt(e.remoteV4),
        sourcePort: UdpPort.DSMIPV6,
        destinationPort: e.remotePort,
      };
  }
}

function live(e: BindingEntry | undefined): BindingEntry | undefined {
  return e === undefined || e.has(BindingFlag.DEREGISTERED) ? undefined : e;
}

/** HA → UE: the tunnel for a packet addressed to a bound IPv6 or IPv4 HoA. */
export function routeToUe(cache: BindingCache, policy: HomeAgentPolicy, inner: Uint8Array): DownlinkDecision {
  const version = innerVersion(inner);
  if (version === undefined) return { kind: 'malformed' };
  const e =
    version === 6
      ? live(cache.get(ipv6KeyAt(inner, IPV6_DESTINATION_OFFSET)))
      : live(cache.getByIpv4(ipv4IntAt(inner, IPV4_DESTINATION_OFFSET)));
  return e === undefined ? { kind: 'no-binding' } : { kind: 'tunnel', route: tunnelOf(e, policy) };
}

/** Whether `outer` is the tunnel endpoint the binding registered (address, and port for UDP). */
function cameThroughTunnel(e: BindingEntry, outer: OuterInfo): boolean {
  if (e.mode === TunnelMode.IPV6) {
    return outer.family === 6 && !outer.viaUdp4191 && ipv6Key(outer.source) === e.careOfV6;
  }
  if (outer.family !== 4 || ipv4Int(outer.source) !== e.remoteV4) return false;
  if (e.mode === TunnelMode.UDP4) return outer.viaUdp4191 && outer.sourcePort === e.remotePort;
  return !outer.viaUdp4191;
}

/** UE → HA: accept a decapsulated packet only when its source is the HoA bound to the tunnel it came from. */
export function acceptFromUe(cache: BindingCache, outer: OuterInfo, inner: Uint8Array): UplinkDecision {
  const version = innerVersion(inner);
  if (version === undefined) return { kind: 'drop', reason: 'malformed-inner' };
  const e =
    version === 6
      ? live(cache.get(ipv6KeyAt(inner, IPV6_SOURCE_OFFSET)))
      : live(cache.getByIpv4(ipv4IntAt(inner, IPV4_SOURCE_OFFSET)));
  if (e === undefined) return { kind: 'drop', reason: 'no-binding-for-source' };
  return cameThroughTunnel(e, outer) ? { kind: 'accept' } : { kind: 'drop', reason: 'spoofed-inner-source' };
}
