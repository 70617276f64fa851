/**
 * How the UE reverse-tunnels its traffic once registered (TS 24.303 §5.1.2.4 last paragraph; RFC 5555 §4.4.3):
 * from an IPv6 CoA in an IPv6 header (IPv4 packets inside IPv6); from an IPv4 CoA in UDP only when the BA's NAT
 * Detection option had F set, otherwise in a plain IPv4 header.
 */
import { Ipv4Address, type Ipv6Address } from '../util/ip-address.ts';
import { UdpPort } from '../wire/ip/constants.ts';
import type { BindingUpdateListEntry } from './binding-update-list.ts';
import type { HomeAgentAddress } from './policy.ts';
import type { TunnelRoute } from './types.ts';

export function uplinkRouteOf(
  entry: BindingUpdateListEntry<Ipv6Address> | undefined,
  homeAgents: readonly HomeAgentAddress[],
  udpSourcePort: number,
): TunnelRoute | undefined {
  if (entry === undefined) return undefined;
  if (!(entry.careOf instanceof Ipv4Address))
    return { kind: 'ipv6', source: entry.careOf, destination: entry.homeAgent };
  const ha = homeAgents.find((h) => h.ipv6.equals(entry.homeAgent));
  if (ha?.ipv4 === undefined) return undefined;
  if (entry.udpEncapsulation) {
    return {
      kind: 'udp4',
      source: entry.careOf,
      destination: ha.ipv4,
      sourcePort: udpSourcePort,
      destinationPort: UdpPort.DSMIPV6,
    };
  }
  return { kind: 'ipv4', source: entry.careOf, destination: ha.ipv4 };
}
