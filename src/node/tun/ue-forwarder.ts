/**
 * The UE's user-traffic forwarder between its packet device (which carries the home addresses) and the tunnel to
 * the HA, framed as the BA decided (TS 24.303 §5.1.2.4 last paragraph; RFC 5555 §4.4.3): from an IPv6 CoA an IPv6
 * header (RFC 6275 §11.3.1 reverse tunnelling, IPv4 packets inside IPv6 too); from an IPv4 CoA UDP when the BA's NAT
 * Detection option had F set, a plain IPv4 header otherwise. The route is the mobile node core's `uplinkRoute()`,
 * handed in on each registration; none while unregistered.
 * - device → HA: only packets from a home address (the HA would drop anything else as spoofed, RFC 5555 §4.5.1).
 * - HA → device: only packets to a home address; the node checked they came from the HA's end of the tunnel.
 */
import {
  IPV4_DESTINATION_OFFSET,
  IPV4_SOURCE_OFFSET,
  IPV6_DESTINATION_OFFSET,
  IPV6_SOURCE_OFFSET,
} from '../../mip/tunnel.ts';
import type { TunnelRoute } from '../../mip/types.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { CompiledTunnel, type TunnelMtus } from './compiled-tunnel.ts';
import { type ForwarderDeps, ipVersionOf, TunnelForwarder } from './tunnel-forwarder.ts';
import { checkMtus } from './tunnel-mtu.ts';

export interface UeHomeAddresses {
  readonly ipv6: Ipv6Address;
  readonly ipv4: Ipv4Address | undefined;
}

export type UeForwarderOptions = ForwarderDeps & TunnelMtus;

function sameBytes(p: Uint8Array, at: number, a: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (p[at + i] !== a[i]) return false;
  return true;
}

export class UeForwarder extends TunnelForwarder {
  private tunnel: CompiledTunnel | undefined;
  private hoa6: Uint8Array | undefined;
  private hoa4: Uint8Array | undefined;
  private identification = 0;

  constructor(private readonly o: UeForwarderOptions) {
    checkMtus(o.linkMtu, o.deviceMtu);
    super(o);
  }

  /** The home addresses the device carries (RFC 6275 §11.3.1: the only sources the tunnel takes). */
  setHomeAddresses(a: UeHomeAddresses | undefined): void {
    this.hoa6 = a?.ipv6.bytes;
    this.hoa4 = a?.ipv4?.bytes;
  }

  /** The reverse tunnel of the current registration, or undefined once deregistered. */
  setRoute(route: TunnelRoute | undefined): void {
    if (route === undefined) {
      this.tunnel = undefined;
      return;
    }
    this.identification = (this.identification + 0x1000) & 0xffff;
    this.tunnel = new CompiledTunnel(route, this.o, this.identification);
  }

  fromDevice(now: number, packet: Uint8Array): void {
    const version = ipVersionOf(packet);
    if (version === 0) {
      this.drop('not-ip');
      return;
    }
    const ours = version === 6 ? this.hoa6 : this.hoa4;
    if (ours === undefined || !sameBytes(packet, version === 6 ? IPV6_SOURCE_OFFSET : IPV4_SOURCE_OFFSET, ours)) {
      // The kernel's own link-local traffic on the device (MLD, RS) is not for the tunnel either (RFC 6275 §10.4.2).
      const linkLocal = version === 6 && packet[8] === 0xfe && (packet[9]! & 0xc0) === 0x80;
      this.drop(linkLocal ? 'link-local' : 'source-not-home-address');
      return;
    }
    const t = this.tunnel;
    if (t === undefined) {
      this.drop('not-registered');
      return;
    }
    this.sendInto(now, t, packet);
  }

  /** HA → UE: an inner packet out of the tunnel (its outer source checked by the node). */
  fromHomeAgent(inner: Uint8Array): void {
    const v4 = inner[0]! >> 4 === 4;
    const ours = v4 ? this.hoa4 : this.hoa6;
    if (
      ours === undefined ||
      inner.length < (v4 ? 20 : 40) ||
      !sameBytes(inner, v4 ? IPV4_DESTINATION_OFFSET : IPV6_DESTINATION_OFFSET, ours)
    ) {
      this.drop('not-for-home-address');
      return;
    }
    this.deliver(inner);
  }
}
