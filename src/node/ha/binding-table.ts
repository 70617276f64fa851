/**
 * The node's view of the HA core's bindings, kept from its events (the core keeps de-registered entries for
 * MAX_DELETE_BCE_TIMEOUT, RFC 6275 §10.3.2, which are not bindings any more): the live bindings for metrics and
 * `/status`, and the link between an IPv4 HoA and the IPv6 HoA whose binding holds it (RFC 5555 §4.4.2.1), which
 * the DHCPv4 service needs to name the binding.
 */
import type { HaBindingInfo, HomeAgentEvent } from '../../mip/events.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';

/** A binding the HA holds, with the IPv4 home address it assigned (RFC 5555 §3.1), if any. */
export type LiveBinding = HaBindingInfo & { readonly ipv4HomeAddress: Ipv4Address | undefined };

export class BindingTable {
  private readonly live = new Map<string, HaBindingInfo>();
  private readonly ipv4Owners = new Map<string, Ipv6Address>();
  private readonly ipv4Of = new Map<string, Ipv4Address>();

  get size(): number {
    return this.live.size;
  }

  /** IPv4 home addresses held now. */
  get ipv4Count(): number {
    return this.ipv4Owners.size;
  }

  list(): LiveBinding[] {
    return [...this.live].map(([key, b]) => ({ ...b, ipv4HomeAddress: this.ipv4Of.get(key) }));
  }

  /** The IPv6 HoA whose binding holds `ipv4`. */
  ownerOf(ipv4: Ipv4Address): Ipv6Address | undefined {
    return this.ipv4Owners.get(ipv4.toString());
  }

  apply(e: HomeAgentEvent): void {
    const key = e.homeAddress.toString();
    switch (e.kind) {
      case 'binding-created':
      case 'binding-updated': {
        const { kind: _, ...info } = e;
        this.live.set(key, info);
        return;
      }
      case 'binding-removed':
        this.live.delete(key);
        return;
      case 'ipv4-hoa-assigned':
        this.ipv4Owners.set(e.ipv4HomeAddress.toString(), e.homeAddress);
        this.ipv4Of.set(key, e.ipv4HomeAddress);
        return;
      case 'ipv4-hoa-released':
        this.ipv4Owners.delete(e.ipv4HomeAddress.toString());
        this.ipv4Of.delete(key);
        return;
    }
  }
}
