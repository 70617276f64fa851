/**
 * The HA's user-traffic forwarder between its core-side packet device and the UEs' tunnels (TS 24.303 §5.1.3.2 last
 * paragraph; RFC 5555 §4.5.1; RFC 6275 §10.4.1–§10.4.2, §10.4.5):
 * - device → UE: the binding of the destination (HoA, R = 1 home prefix, IPv4 HoA) frames the packet per the seed's
 *   rule, which the core already decided per binding: UDP + IPv4 when a NAT was detected (or F = 1), an IPv6 header
 *   for an IPv6 CoA, an IPv4 header otherwise. No binding: dropped and counted. Link-local destinations are never
 *   tunnelled and get Destination Unreachable code 3 (RFC 6275 §10.4.2); multicast is not tunnelled (no MLD proxy).
 * - UE → device: packets the core's `acceptFromUe` let in (the inner source's binding is the one whose tunnel the
 *   packet came through, RFC 5555 §4.5.1), handed over by the node's data plane; from the plain tunnel only what no
 *   data SA of the source covers (RFC 4301 §5.2: plaintext that a PROTECT entry covers is discarded), from a data SA
 *   what it opened and checked (ha-data-sas.ts).
 */
import type { HomeAgentEvent } from '../../mip/events.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import type { TunnelMtus } from './compiled-tunnel.ts';
import { HaTunnelTable } from './ha-tunnel-table.ts';
import type { HaDataSaPolicy } from './protected-tunnel.ts';
import { type ForwarderDeps, ipVersionOf, TunnelForwarder } from './tunnel-forwarder.ts';
import { checkMtus } from './tunnel-mtu.ts';

export interface HaForwarderOptions extends ForwarderDeps, TunnelMtus {
  /** The home prefix pool's prefix length: the prefix an R = 1 binding routes (RFC 3963 §6.5). */
  readonly homePrefixLength: number;
  /** Whether the binding of `homeAddress` has R = 1; asked when a binding changes, never per packet. */
  readonly isMobileRouter: (homeAddress: Ipv6Address) => boolean;
  /** The ESP data SAs (RFC 5555 §5.2.2): they take the downlink they cover and police plaintext uplink. */
  readonly dataSas?: HaDataSaPolicy;
}

export class HaForwarder extends TunnelForwarder {
  private readonly table: HaTunnelTable;
  private readonly dataSas: HaDataSaPolicy | undefined;

  constructor(o: HaForwarderOptions) {
    checkMtus(o.linkMtu, o.deviceMtu);
    super(o);
    this.table = new HaTunnelTable(o);
    this.dataSas = o.dataSas;
  }

  /** Live tunnels. */
  get tunnelCount(): number {
    return this.table.size;
  }

  /** Keeps the tunnels in step with the core's bindings (call for every core event). */
  applyBindingEvent(e: HomeAgentEvent): void {
    this.table.apply(e);
  }

  fromDevice(now: number, packet: Uint8Array): void {
    const version = ipVersionOf(packet);
    if (version === 0) {
      this.drop('not-ip');
      return;
    }
    if (version === 6) {
      const d0 = packet[24]!;
      if (d0 === 0xff) {
        this.drop('multicast');
        return;
      }
      if (d0 === 0xfe && (packet[25]! & 0xc0) === 0x80) {
        this.drop('link-local');
        this.reply(this.deps.icmp.addressUnreachable(now, packet));
        return;
      }
    } else if (packet[16]! >= 224) {
      this.drop('multicast');
      return; // 224/4 multicast, 240/4 and the limited broadcast
    }
    const b = this.table.forDestination(packet, version);
    if (b === undefined) {
      this.drop('no-binding');
      return;
    }
    this.sendInto(now, b, packet);
  }

  /**
   * UE → core network from the plain tunnel: an inner packet the core accepted (`acceptFromUe`) and that is not for
   * the HA itself; false when it was dropped (and counted), e.g. because a data SA of its source covers it.
   */
  fromMobileNode(inner: Uint8Array): boolean {
    if (this.dataSas?.coversPlaintext(inner)) {
      this.drop('no-data-sa');
      return false;
    }
    return this.deliver(inner);
  }

  /** UE → core network from a data SA: opened, inside its selectors, its source bound (ha-data-sas.ts). */
  fromDataSa(inner: Uint8Array): boolean {
    return this.deliver(inner);
  }
}
