/**
 * The HA forwarder's view of the bindings, kept from the core's events (installing a tunnel is the node's reaction to
 * an event, STYLE.md), with what each downlink packet needs prepared once per binding: the framer, the UDP send
 * options, the largest inner packet.
 *
 * Lookup by destination (HA → UE), with string keys of 8 UTF-16 units for IPv6 and 32-bit integers for IPv4 (as
 * src/mip/addresses.ts): the IPv6 HoA (RFC 6275 §10.4.1), the UE's home network prefix when the binding has R = 1
 * (RFC 3963 §6.5 implicit mode; TS 24.303 §4.1 and Table A.2.1-1 ask for it), the IPv4 HoA (RFC 5555 §4.5).
 * The reverse direction is the core's `acceptFromUe`, which the node's data plane runs.
 */
import { ipv6Key, ipv6KeyAt } from '../../mip/addresses.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import { IPV4_DESTINATION_OFFSET, IPV6_DESTINATION_OFFSET } from '../../mip/tunnel.ts';
import type { TunnelRoute } from '../../mip/types.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import { CompiledTunnel, type TunnelMtus } from './compiled-tunnel.ts';
import { Ipv4HomeOwners } from './ipv4-home-owners.ts';

/** A binding's tunnel with the prefix key it may be filed under too. */
export class HaTunnelBinding extends CompiledTunnel {
  constructor(
    route: TunnelRoute,
    /** ipv6Key-style key of the home network prefix, when the whole prefix is routed (R = 1). */
    readonly prefixKey: string | undefined,
    mtus: TunnelMtus,
    firstIdentification: number,
  ) {
    super(route, mtus, firstIdentification);
  }
}

/** The key of the first `prefixLength` bits of the IPv6 address at `bytes[at, at + 16)`. */
export function prefixKeyAt(bytes: Uint8Array, at: number, prefixLength: number): string {
  const groups = Math.ceil(prefixLength / 16);
  let s = '';
  for (let g = 0; g < groups; g++) {
    const bits = Math.min(16, prefixLength - 16 * g);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    s += String.fromCharCode(((bytes[at + 2 * g]! << 8) | bytes[at + 2 * g + 1]!) & mask);
  }
  return s;
}

export interface HaTunnelTableOptions extends TunnelMtus {
  /** Length of the prefixes handed to UEs (the home prefix pool's), for R = 1 bindings. */
  readonly homePrefixLength: number;
  /** Whether the binding of `homeAddress` has R = 1 (asked of the core when the binding changes, not per packet). */
  readonly isMobileRouter: (homeAddress: Ipv6Address) => boolean;
}

export class HaTunnelTable {
  private readonly byHome = new Map<string, HaTunnelBinding>();
  private readonly byPrefix = new Map<string, HaTunnelBinding>();
  private readonly ipv4Owners = new Ipv4HomeOwners();
  private identification = 0;

  constructor(private readonly o: HaTunnelTableOptions) {}

  get size(): number {
    return this.byHome.size;
  }

  apply(e: HomeAgentEvent): void {
    const key = ipv6Key(e.homeAddress);
    switch (e.kind) {
      case 'binding-created':
      case 'binding-updated': {
        this.remove(key);
        const prefixKey = this.o.isMobileRouter(e.homeAddress)
          ? prefixKeyAt(e.homeAddress.bytes, 0, this.o.homePrefixLength)
          : undefined;
        // Each binding's IPv4 Identification starts elsewhere, so a CoA change does not repeat recent IDs.
        this.identification = (this.identification + 0x1000) & 0xffff;
        const b = new HaTunnelBinding(e.tunnel, prefixKey, this.o, this.identification);
        this.byHome.set(key, b);
        if (prefixKey !== undefined) this.byPrefix.set(prefixKey, b);
        return;
      }
      case 'binding-removed':
        this.remove(key);
        return;
      case 'ipv4-hoa-assigned':
      case 'ipv4-hoa-released':
        this.ipv4Owners.apply(e);
        return;
    }
  }

  /** HA → UE: the binding for the destination of `packet` (version checked by the caller, header whole). */
  forDestination(packet: Uint8Array, version: 4 | 6): HaTunnelBinding | undefined {
    if (version === 4) {
      const owner = this.ipv4Owners.ownerAt(packet, IPV4_DESTINATION_OFFSET);
      return owner === undefined ? undefined : this.byHome.get(owner);
    }
    const exact = this.byHome.get(ipv6KeyAt(packet, IPV6_DESTINATION_OFFSET));
    if (exact !== undefined || this.byPrefix.size === 0) return exact;
    return this.byPrefix.get(prefixKeyAt(packet, IPV6_DESTINATION_OFFSET, this.o.homePrefixLength));
  }

  private remove(key: string): void {
    const old = this.byHome.get(key);
    if (old === undefined) return;
    this.byHome.delete(key);
    if (old.prefixKey !== undefined && this.byPrefix.get(old.prefixKey) === old) this.byPrefix.delete(old.prefixKey);
  }
}
