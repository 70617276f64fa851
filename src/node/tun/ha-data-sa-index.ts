/**
 * The HA's data SAs (ha-data-sas.ts) filed by home address, with the live bindings they are checked against, for the
 * per-packet questions of the forwarding path (RFC 5555 §5.2.2, RFC 4301 §5.1–§5.2):
 * - downlink: which SA seals a packet for a home address (the newest usable one whose selectors cover it), or
 *   whether the packet must be dropped because SAs cover it but none can take it;
 * - plain uplink: whether an SA of the packet's source covers it (then it should not have come in the clear);
 * - ESP uplink: whether the inner source is bound (RFC 5555 §4.5.1).
 * An SA's IPv4 home address counts only while it stays bound with the IPv6 HoA it was bound with when the SA was
 * installed (RFC 5555 §5: the HA stores which IPv4 HoA goes with which IPv6 HoA), so a HoA handed to another UE is
 * neither reached through nor sent from the old UE's SA. Lookups allocate nothing.
 */
import type { IkePath } from '../../ike/events.ts';
import { ipv4Int, ipv4IntAt, ipv6Key, ipv6KeyAt } from '../../mip/addresses.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import {
  IPV4_DESTINATION_OFFSET,
  IPV4_SOURCE_OFFSET,
  IPV6_DESTINATION_OFFSET,
  IPV6_SOURCE_OFFSET,
} from '../../mip/tunnel.ts';
import { type IpAddress, type Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { DataSa } from './data-sa.ts';
import { Ipv4HomeOwners } from './ipv4-home-owners.ts';
import { NO_DATA_SA, type ProtectedTunnel } from './protected-tunnel.ts';
import { ipVersionOf } from './tunnel-forwarder.ts';

/** A data SA as filed. */
export interface FiledDataSa {
  readonly sa: DataSa;
  /** ipv6Keys of its IPv6 home addresses. */
  readonly homes6: readonly string[];
  /** Its IPv4 home addresses (ipv4Int) with the IPv6 HoA (ipv6Key) each was bound with at install. */
  readonly homes4: readonly { readonly address: number; readonly owner: string }[];
  /** The IKE SA's path object last followed: a new one means IKE saw the peer move (RFC 7296 §2.23). */
  ikePath: IkePath;
}

/** The owner an SA recorded for IPv4 home address `n`, if it covers `n`. */
function ownerRecorded(x: FiledDataSa, n: number): string | undefined {
  for (const h of x.homes4) if (h.address === n) return h.owner;
  return undefined;
}

/** Newest-first lists in a map, as the SAD keeps rekeyed SAs (RFC 7296 §2.8). */
function pushFront<K>(m: Map<K, FiledDataSa[]>, k: K, x: FiledDataSa): void {
  m.set(k, [x, ...(m.get(k) ?? [])]);
}

function keepIn<K>(m: Map<K, FiledDataSa[]>, k: K, keep: (x: FiledDataSa) => boolean): void {
  const left = (m.get(k) ?? []).filter(keep);
  if (left.length === 0) m.delete(k);
  else m.set(k, left);
}

export class HaDataSaIndex {
  private readonly byHome6 = new Map<string, FiledDataSa[]>();
  private readonly byHome4 = new Map<number, FiledDataSa[]>();
  private readonly bound6 = new Set<string>();
  private readonly owners = new Ipv4HomeOwners();
  private count = 0;

  constructor(
    /** The current path of an IKE SA, which UDP-encapsulated SAs follow (RFC 7296 §2.23). */
    private readonly pathOf: (ikeSaId: number) => IkePath | undefined,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Follows the core's bindings (call for every core event). */
  applyBindingEvent(e: HomeAgentEvent): void {
    const key = ipv6Key(e.homeAddress);
    switch (e.kind) {
      case 'binding-created':
      case 'binding-updated':
        this.bound6.add(key);
        return;
      case 'binding-removed':
        this.bound6.delete(key);
        return;
      case 'ipv4-hoa-assigned':
        this.owners.apply(e);
        return;
      case 'ipv4-hoa-released': {
        this.owners.apply(e);
        // The address is no longer this UE's: its SAs stop covering it (it may go to another UE next).
        const n = ipv4Int(e.ipv4HomeAddress);
        keepIn(this.byHome4, n, (x) => ownerRecorded(x, n) !== key);
        return;
      }
    }
  }

  /** The IPv4 HoAs bound with these IPv6 HoAs (RFC 5555 §5). */
  ipv4HomeAddressesOf(homeAddresses: readonly Ipv6Address[]): Ipv4Address[] {
    return this.owners.addressesOf(new Set(homeAddresses.map(ipv6Key)));
  }

  /**
   * Files `sa` under its home addresses. An IPv4 one is owned by the IPv6 HoA it is bound with now: the responder
   * admitted it because it is bound with one of the IKE SA's HoAs (DSA-2); one bound with none is left out.
   */
  add(sa: DataSa, homes: readonly IpAddress[], ikePath: IkePath): FiledDataSa {
    const homes6: string[] = [];
    const homes4: { address: number; owner: string }[] = [];
    for (const a of homes) {
      if (a instanceof Ipv6Address) homes6.push(ipv6Key(a));
      else {
        const address = ipv4Int(a as Ipv4Address);
        const owner = this.owners.ownerOf(address);
        if (owner !== undefined) homes4.push({ address, owner });
      }
    }
    const x: FiledDataSa = { sa, homes6, homes4, ikePath };
    for (const k of homes6) pushFront(this.byHome6, k, x);
    for (const h of homes4) pushFront(this.byHome4, h.address, x);
    this.count++;
    return x;
  }

  delete(x: FiledDataSa): void {
    for (const k of x.homes6) keepIn(this.byHome6, k, (y) => y !== x);
    for (const h of x.homes4) keepIn(this.byHome4, h.address, (y) => y !== x);
    this.count--;
  }

  /**
   * Downlink: the newest usable SA whose outbound selectors cover the packet; NO_DATA_SA when SAs cover it but none
   * is usable (RFC 4301 §5.1: PROTECT without an SA is a discard); undefined when none covers it.
   */
  select(packet: Uint8Array): ProtectedTunnel | typeof NO_DATA_SA | undefined {
    if (this.count === 0) return undefined;
    const version = ipVersionOf(packet);
    let covered = false;
    if (version === 6) {
      const list = this.byHome6.get(ipv6KeyAt(packet, IPV6_DESTINATION_OFFSET));
      if (list === undefined) return undefined;
      for (const x of list) {
        if (!x.sa.selectors.matchesOutbound(packet)) continue;
        if (x.sa.outbound.usable) return this.follow(x);
        covered = true;
      }
    } else if (version === 4) {
      const n = ipv4IntAt(packet, IPV4_DESTINATION_OFFSET);
      const list = this.byHome4.get(n);
      const owner = this.owners.ownerOf(n);
      if (list === undefined || owner === undefined) return undefined;
      for (const x of list) {
        if (ownerRecorded(x, n) !== owner || !x.sa.selectors.matchesOutbound(packet)) continue;
        if (x.sa.outbound.usable) return this.follow(x);
        covered = true;
      }
    }
    return covered ? NO_DATA_SA : undefined;
  }

  /** Plain uplink: whether an SA of the packet's source covers it (RFC 4301 §5.2: it should have come through it). */
  coversPlaintext(inner: Uint8Array): boolean {
    if (this.count === 0) return false;
    const version = ipVersionOf(inner);
    if (version === 6) {
      for (const x of this.byHome6.get(ipv6KeyAt(inner, IPV6_SOURCE_OFFSET)) ?? []) {
        if (x.sa.selectors.matchesInbound(inner)) return true;
      }
    } else if (version === 4) {
      const n = ipv4IntAt(inner, IPV4_SOURCE_OFFSET);
      const owner = this.owners.ownerOf(n);
      for (const x of this.byHome4.get(n) ?? []) {
        if (ownerRecorded(x, n) === owner && x.sa.selectors.matchesInbound(inner)) return true;
      }
    }
    return false;
  }

  /**
   * ESP uplink, after the SA's selectors passed: RFC 5555 §4.5.1, only bound home addresses are forwarded; an IPv4
   * one only while it is bound with the IPv6 HoA it was bound with when `x` was installed.
   */
  sourceBound(x: FiledDataSa, inner: Uint8Array): boolean {
    if (inner[0]! >> 4 === 6) return this.bound6.has(ipv6KeyAt(inner, IPV6_SOURCE_OFFSET));
    const n = ipv4IntAt(inner, IPV4_SOURCE_OFFSET);
    const owner = this.owners.ownerOf(n);
    return owner !== undefined && ownerRecorded(x, n) === owner;
  }

  /** `x`'s tunnel, which follows a new IKE path: behind a NAT the newest authenticated word (RFC 7296 §2.23). */
  private follow(x: FiledDataSa): ProtectedTunnel {
    const tunnel = x.sa.tunnel;
    if (tunnel.peer === undefined) return tunnel;
    const path = this.pathOf(x.sa.ikeSaId);
    if (path !== undefined && path !== x.ikePath) {
      x.ikePath = path;
      tunnel.follow({ address: path.remoteAddr, port: path.remotePort });
    }
    return tunnel;
  }
}
