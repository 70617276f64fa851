/**
 * The UE's TUN device with its forwarder (`ue.tun`), driven by the mobile node core's events: opened at the first
 * registration with the IPv6 HoA (and the IPv4 HoA the BA granted, RFC 5555 §4.4.2) and the configured routes,
 * reverse-tunnelling through the route each registration gives (TS 24.303 §5.1.2.4), idle while unregistered, and
 * closed (addresses and routes go with it) on detach. A registration with another IPv4 HoA (or none) moves the
 * device's address and IPv4 routes to it. The HA's addresses are pinned to the access path first, so a default route
 * into the device does not swallow the tunnel's own outer packets, and pinned again after a move.
 */
import type { UeConfig } from '../../config/load.ts';
import type { MobileNodeEvent } from '../../mip/events.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { TunConfiguration } from '../net/tun-device.ts';
import type { DataPlaneCounters } from './data-plane-counters.ts';
import { type HostRoutePinner, IPROUTE2_PINNER } from './host-routes.ts';
import { IcmpReporter } from './icmp-reporter.ts';
import type { DataSaSelector } from './protected-tunnel.ts';
import { type OpenedTun, openNativeTun, type TunOpener } from './tun-open.ts';
import { iproute2Reconfigurer, type TunReconfigurer } from './tun-reconfigure.ts';
import { userEquipmentRoutes } from './tun-routes.ts';
import { ETHERNET_MTU } from './tunnel-mtu.ts';
import type { TunnelOutput } from './tunnel-output.ts';
import { UeForwarder } from './ue-forwarder.ts';

export interface UeTunOptions {
  readonly config: UeConfig['tun'];
  readonly homeAddress: Ipv6Address;
  readonly homeAgent: { readonly ipv6: Ipv6Address; readonly ipv4: Ipv4Address | undefined };
  readonly output: TunnelOutput;
  readonly now: () => number;
  /** MTU of the access link; default Ethernet's (RFC 894). */
  readonly linkMtu?: number;
  /** Default: the native addon. */
  readonly open?: TunOpener;
  /** Default: `ip route` pins for the HA's addresses. */
  readonly pinner?: HostRoutePinner;
  /** Default: `ip` changes the open device's addresses and routes. */
  readonly reconfigure?: TunReconfigurer;
  /** The ESP data SA (RFC 5555 §5.2.2, ue-data-sa.ts) that takes the uplink packets it covers. */
  readonly dataSas?: DataSaSelector;
}

export class UeTun {
  private device: OpenedTun | undefined;
  private readonly forwarder: UeForwarder;
  private readonly placeholder: PlaceholderDevice;
  private unpin: (() => void) | undefined;
  /** The configuration the device has now. */
  private configured: TunConfiguration | undefined;
  private closed = false;

  constructor(private readonly o: UeTunOptions) {
    this.placeholder = new PlaceholderDevice();
    // The forwarder's device is a relay to the real one, which exists only once registered.
    this.forwarder = new UeForwarder({
      device: this.placeholder,
      output: o.output,
      // The tunnel's far end reports the tunnel MTU, as a router on the path would (RFC 4443 §3.2, RFC 1191 §4);
      // ICMPv4 from the unreachable destination, which the kernel routes back through the device (icmp-reporter.ts).
      icmp: new IcmpReporter({ ipv6Source: o.homeAgent.ipv6, ipv4Source: 'destination' }),
      now: o.now,
      linkMtu: o.linkMtu ?? ETHERNET_MTU,
      deviceMtu: o.config.mtu,
      ...(o.dataSas ? { dataSas: o.dataSas } : {}),
    });
  }

  /** The device's interface name once open. */
  get name(): string | undefined {
    return this.device?.name;
  }

  get counters(): DataPlaneCounters {
    return this.forwarder.counters;
  }

  /** Follows the core: a registration opens the device (first time) and sets the route; losing it clears the route. */
  apply(e: MobileNodeEvent): void {
    if (this.closed) return;
    switch (e.kind) {
      case 'registered':
        this.forwarder.setHomeAddresses({ ipv6: this.o.homeAddress, ipv4: e.ipv4HomeAddress });
        if (this.device === undefined) this.openDevice(e.ipv4HomeAddress);
        else this.reconfigure(e.ipv4HomeAddress);
        this.forwarder.setRoute(e.tunnel);
        return;
      case 'deregistered':
      case 'at-home':
      case 'binding-expired':
      case 'move-to-next-ha':
        this.forwarder.setRoute(undefined);
        return;
      case 'registration-failed':
        if (e.final) this.forwarder.setRoute(undefined);
        return;
      default:
        return;
    }
  }

  /** An inner packet the HA tunnelled to us; false when there is no device to take it. */
  fromHomeAgent(inner: Uint8Array): boolean {
    if (this.device === undefined) return false;
    this.forwarder.fromHomeAgent(inner);
    return true;
  }

  /**
   * After a move (UeTunnel.changeCareOf): the HA's addresses pinned again, through the interface that holds
   * `careOf`. Nothing before the device is open (it pins when it opens). Throws when `ip` fails; the old pins are
   * gone then, and the next call tries again.
   */
  repinHomeAgent(careOf: IpAddress): void {
    if (this.closed || this.unpin === undefined) return;
    this.unpin();
    this.unpin = undefined;
    this.unpin = this.pinner().pin(this.homeAgentAddresses(), careOf);
  }

  /** Closes the device (the kernel removes its addresses and routes) and unpins the HA's routes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forwarder.close();
    this.unpin?.();
  }

  private configurationFor(ipv4HomeAddress: Ipv4Address | undefined): TunConfiguration {
    return {
      addresses: [`${this.o.homeAddress}/128`, ...(ipv4HomeAddress ? [`${ipv4HomeAddress}/32`] : [])],
      routes: userEquipmentRoutes(this.o.config.routes, { ipv4: ipv4HomeAddress !== undefined }),
    };
  }

  private pinner(): HostRoutePinner {
    return this.o.pinner ?? IPROUTE2_PINNER;
  }

  private homeAgentAddresses(): IpAddress[] {
    const ha = this.o.homeAgent;
    return ha.ipv4 ? [ha.ipv6, ha.ipv4] : [ha.ipv6];
  }

  private openDevice(ipv4HomeAddress: Ipv4Address | undefined): void {
    const c = this.o.config;
    const wanted = this.configurationFor(ipv4HomeAddress);
    this.unpin = this.pinner().pin(this.homeAgentAddresses());
    try {
      this.device = (this.o.open ?? openNativeTun('ue.tun'))({ name: c.name, mtu: c.mtu, ...wanted });
    } catch (e) {
      this.unpin();
      this.unpin = undefined;
      throw e;
    }
    this.configured = wanted;
    this.placeholder.attach(this.device);
  }

  /** A registration with another IPv4 HoA (or none any more): the device's address and IPv4 routes follow it. */
  private reconfigure(ipv4HomeAddress: Ipv4Address | undefined): void {
    const from = this.configured;
    const device = this.device;
    if (from === undefined || device === undefined) return;
    const to = this.configurationFor(ipv4HomeAddress);
    if (sameList(from.addresses, to.addresses) && sameList(from.routes, to.routes)) return;
    (this.o.reconfigure ?? iproute2Reconfigurer())(device.name, from, to);
    this.configured = to;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Stands in for the device until it exists, then passes everything through (one handler, set once). */
class PlaceholderDevice {
  private real: OpenedTun | undefined;
  private handler: ((packets: readonly Uint8Array[]) => void) | undefined;

  attach(device: OpenedTun): void {
    this.real = device;
    if (this.handler) device.onPackets(this.handler);
  }

  write(packet: Uint8Array): boolean {
    return this.real?.write(packet) ?? false;
  }

  onPackets(handler: (packets: readonly Uint8Array[]) => void): void {
    this.handler = handler;
    this.real?.onPackets(handler);
  }

  close(): void {
    this.real?.close();
  }
}
