/**
 * The HA's data plane as far as this node serves it: packets that come out of a UE's DSMIPv6 tunnel are let in only
 * when their inner source is the HoA bound to that tunnel (TS 24.303 §5.1.3.2 last paragraph, RFC 5555 §4.5.1 via
 * `acceptFromUe`); DHCPv6 and DHCPv4 among them go to the DHCP service (TS 24.303 §5.1.1), whose answers go back
 * into the tunnel of the binding (`routeToUe`). Other traffic goes to the core network through the TUN device
 * (src/node/tun) when there is one, and is counted as a drop when there is none.
 */
import type { Dhcpv4Datagram, Dhcpv6Datagram } from '../../dhcp/datagram.ts';
import type { HaDhcpEvent, HaDhcpService } from '../../dhcp/ha-service.ts';
import type { HomeAgentCore } from '../../mip/home-agent.ts';
import type { OuterInfo, TunnelRoute } from '../../mip/types.ts';
import { isWireError } from '../../util/errors.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { DHCPV4_SERVER_PORT } from '../../wire/dhcpv4/constants.ts';
import { DHCPV6_SERVER_PORT } from '../../wire/dhcpv6/constants.ts';
import { type InnerUdp, innerUdpOf, innerUdpPacket } from '../net/inner-udp.ts';
import { mayBeUdpTo } from '../tun/udp-port-filter.ts';

export interface HaDataPlaneDeps {
  readonly core: HomeAgentCore;
  readonly dhcp: HaDhcpService;
  /** The IPv6 HoA whose binding holds `ipv4` (kept by the node from the core's events). */
  readonly ipv6HomeAddressOf: (ipv4: Ipv4Address) => Ipv6Address | undefined;
  /** Sends an inner packet into a tunnel; false when no socket can carry that kind of tunnel. */
  readonly sendTunnel: (route: TunnelRoute, inner: Uint8Array) => boolean;
  /** Sends a relay message to an external DHCP server. */
  readonly sendToServer: (d: Dhcpv6Datagram | Dhcpv4Datagram) => void;
  readonly onDrop: (layer: string, reason: string) => void;
  readonly onDhcpEvent: (e: HaDhcpEvent) => void;
  /**
   * Writes an accepted packet to the core network (the TUN device): true when written, false when the device
   * refused it (it counts why), undefined when there is no device.
   */
  readonly toCoreNetwork?: (inner: Uint8Array) => boolean | undefined;
}

export class HaDataPlane {
  readonly counters = {
    fromMobileNodes: 0,
    dhcpFromMobileNodes: 0,
    toMobileNodes: 0,
    otherTraffic: 0,
    /** Accepted packets written to the TUN device. */
    toCoreNetwork: 0,
  };

  constructor(private readonly deps: HaDataPlaneDeps) {}

  /** An inner packet that came out of a tunnel whose outer headers were `outer`. */
  fromMobileNode(now: number, outer: OuterInfo, inner: Uint8Array): void {
    const d = this.deps;
    const verdict = d.core.acceptFromUe(outer, inner);
    if (verdict.kind === 'drop') {
      d.onDrop('tunnel', verdict.reason);
      return;
    }
    this.counters.fromMobileNodes++;
    if (!mayBeUdpTo(inner, DHCPV6_SERVER_PORT, DHCPV4_SERVER_PORT)) {
      this.toCoreNetwork(inner);
      return;
    }
    let udp: InnerUdp | undefined;
    try {
      udp = innerUdpOf(inner);
    } catch (e) {
      if (!isWireError(e)) throw e;
      d.onDrop('tunnel', `malformed-${e.layer}`);
      return;
    }
    if (udp?.family === 6 && udp.destinationPort === DHCPV6_SERVER_PORT) {
      this.counters.dhcpFromMobileNodes++;
      // The binding is named by its IPv6 HoA: acceptFromUe just matched the inner source to it.
      d.dhcp.handleFromMobileNodeV6(now, udp.source.toString(), udp);
    } else if (udp?.family === 4 && udp.destinationPort === DHCPV4_SERVER_PORT) {
      const owner = d.ipv6HomeAddressOf(udp.source);
      if (owner === undefined) {
        d.onDrop('tunnel', 'dhcpv4-without-binding');
        return;
      }
      this.counters.dhcpFromMobileNodes++;
      d.dhcp.handleFromMobileNodeV4(now, owner.toString(), udp, udp.source);
    } else {
      this.toCoreNetwork(inner);
      return;
    }
    this.flush();
  }

  /** User traffic from a UE: to the core network through the TUN device, if there is one. */
  private toCoreNetwork(inner: Uint8Array): void {
    const written = this.deps.toCoreNetwork?.(inner);
    if (written !== undefined) {
      if (written) this.counters.toCoreNetwork++;
      return;
    }
    this.counters.otherTraffic++;
    this.deps.onDrop('tunnel', 'no-route-without-tun');
  }

  /** A datagram from an external DHCPv6 server (relay mode). */
  fromServerV6(now: number, d: Dhcpv6Datagram): void {
    this.deps.dhcp.handleFromServerV6(now, d);
    this.flush();
  }

  /** A datagram from an external DHCPv4 server (relay mode). */
  fromServerV4(now: number, d: Dhcpv4Datagram): void {
    this.deps.dhcp.handleFromServerV4(now, d);
    this.flush();
  }

  private flush(): void {
    const d = this.deps;
    for (let t = d.dhcp.pollTransmit(); t !== undefined; t = d.dhcp.pollTransmit()) {
      if (t.toward === 'server') {
        d.sendToServer(t.datagram);
        continue;
      }
      const inner = innerUdpPacket(t.datagram);
      const route = d.core.routeToUe(inner);
      if (route.kind !== 'tunnel') d.onDrop('tunnel', `dhcp-answer-${route.kind}`);
      else if (!d.sendTunnel(route.route, inner)) d.onDrop('tunnel', `no-socket-for-${route.route.kind}-tunnel`);
      else this.counters.toMobileNodes++;
    }
    for (let e = d.dhcp.pollEvent(); e !== undefined; e = d.dhcp.pollEvent()) d.onDhcpEvent(e);
  }
}
