/**
 * Which IPv6 Home Address each IPv4 home address is bound with (RFC 5555 §5: the HA "MUST store the IPv4 address
 * corresponding to the IPv6 address"), kept from the HA core's events for the forwarding path: IPv4 addresses as
 * signed 32-bit integers, IPv6 HoAs as ipv6Key strings (src/mip/addresses.ts), so a lookup costs no allocation.
 * The HA's tunnel table and its data SAs both read one of these.
 */
import { ipv4FromInt, ipv4Int, ipv4IntAt, ipv6Key } from '../../mip/addresses.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import type { Ipv4Address } from '../../util/ip-address.ts';

export class Ipv4HomeOwners {
  private readonly owner = new Map<number, string>();

  /** Follows the core's `ipv4-hoa-assigned` / `ipv4-hoa-released` events (others change nothing here). */
  apply(e: HomeAgentEvent): void {
    if (e.kind === 'ipv4-hoa-assigned') this.owner.set(ipv4Int(e.ipv4HomeAddress), ipv6Key(e.homeAddress));
    else if (e.kind === 'ipv4-hoa-released') {
      const n = ipv4Int(e.ipv4HomeAddress);
      // A release for an earlier owner must not undo a later assignment to another (RFC 5555 §5).
      if (this.owner.get(n) === ipv6Key(e.homeAddress)) this.owner.delete(n);
    }
  }

  /** The owner's ipv6Key of the IPv4 address (as `ipv4Int`), if bound. */
  ownerOf(n: number): string | undefined {
    return this.owner.get(n);
  }

  /** The owner of the IPv4 address at `bytes[at, at + 4)` (the caller checked the bounds). */
  ownerAt(bytes: Uint8Array, at: number): string | undefined {
    return this.owner.get(ipv4IntAt(bytes, at));
  }

  /** The IPv4 addresses bound with any IPv6 HoA in `ownerKeys` (ipv6Keys). */
  addressesOf(ownerKeys: ReadonlySet<string>): Ipv4Address[] {
    const out: Ipv4Address[] = [];
    for (const [n, key] of this.owner) if (ownerKeys.has(key)) out.push(ipv4FromInt(n));
    return out;
  }
}
