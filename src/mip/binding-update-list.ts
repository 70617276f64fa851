/**
 * The UE's Binding Update List (RFC 6275 §11.1) for its home registration: one entry for the IPv6 HoA and,
 * when the HA acknowledged one, one for the IPv4 HoA (RFC 5555 §4.4.2; TS 24.303 §5.1.2.4).
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';

export type CareOfAddress = Ipv6Address | Ipv4Address;

export interface BindingUpdateListEntry<H extends Ipv6Address | Ipv4Address = Ipv6Address | Ipv4Address> {
  readonly homeAddress: H;
  readonly homeAgent: Ipv6Address;
  readonly careOf: CareOfAddress;
  /** Granted lifetime, counted from `sentAtMs` (RFC 6275 §11.7.3). */
  readonly lifetimeSec: number;
  readonly sentAtMs: number;
  readonly expiresAtMs: number;
  /** Sequence number of the acknowledged BU. */
  readonly sequence: number;
  /** Data goes in UDP (the BA's NAT Detection option had F set; RFC 5555 §4.4.2 "indicated in the BUL"). */
  readonly udpEncapsulation: boolean;
}

export class BindingUpdateList {
  private v6: BindingUpdateListEntry<Ipv6Address> | undefined;
  private v4: BindingUpdateListEntry<Ipv4Address> | undefined;

  get ipv6(): BindingUpdateListEntry<Ipv6Address> | undefined {
    return this.v6;
  }

  get ipv4(): BindingUpdateListEntry<Ipv4Address> | undefined {
    return this.v4;
  }

  entries(): BindingUpdateListEntry[] {
    const out: BindingUpdateListEntry[] = [];
    if (this.v6) out.push(this.v6);
    if (this.v4) out.push(this.v4);
    return out;
  }

  /** TS 24.303 §5.1.2.3 "a valid DSMIPv6 Binding Update list entry": an unexpired home registration. */
  hasValidEntry(now: number): boolean {
    return this.v6 !== undefined && this.v6.expiresAtMs > now;
  }

  setIpv6(e: BindingUpdateListEntry<Ipv6Address>): void {
    this.v6 = e;
  }

  setIpv4(e: BindingUpdateListEntry<Ipv4Address> | undefined): void {
    this.v4 = e;
  }

  clear(): void {
    this.v6 = undefined;
    this.v4 = undefined;
  }
}
