/**
 * One tunnel route prepared for the forwarding path (once per binding, not per packet): its framer, the UDP send
 * options and the largest inner packet it carries. Both ends use it: on the HA the route points at the UE's CoA (or
 * its NAT's address and port, RFC 5555 §4.1), on the UE at the HA.
 */
import type { TunnelRoute } from '../../mip/types.ts';
import { TunnelFramer } from './tunnel-framer.ts';
import { maxInnerLength } from './tunnel-mtu.ts';

export interface TunnelMtus {
  /** MTU of the path the outer packets take. */
  readonly linkMtu: number;
  /** MTU of the packet device the inner packets come from. */
  readonly deviceMtu: number;
}

export class CompiledTunnel {
  /** IP-in-IP routes only; UDP routes go through the UDP socket, which adds UDP and IPv4. */
  readonly framer: TunnelFramer | undefined;
  /** For the UDP socket's send, allocated once. */
  readonly sendOptions: { readonly source: TunnelRoute['source'] };
  readonly maxInner: number;
  constructor(
    readonly route: TunnelRoute,
    mtus: TunnelMtus,
    /** First IPv4 Identification of the framer. */
    firstIdentification = 0,
  ) {
    this.framer = route.kind === 'udp4' ? undefined : new TunnelFramer(route, firstIdentification);
    this.sendOptions = { source: route.source };
    this.maxInner = maxInnerLength(route.kind, mtus.linkMtu, mtus.deviceMtu);
  }
}
