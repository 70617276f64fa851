/**
 * The HA's core-side TUN device with its forwarder (`ha.tun`): routes for the home prefix block and the IPv4 home
 * address pool point at it (or the configured ones), packets for bound home addresses go into the UEs' tunnels,
 * accepted reverse-tunnelled packets come out of it (TS 24.303 §5.1.3.2; RFC 5555 §4.5.1).
 */
import type { HaConfig } from '../../config/load.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import type { DataPlaneCounters } from './data-plane-counters.ts';
import { HaForwarder } from './ha-forwarder.ts';
import { IcmpReporter, type IcmpReporterCounters } from './icmp-reporter.ts';
import type { HaDataSaPolicy } from './protected-tunnel.ts';
import { type OpenedTun, openNativeTun, type TunOpener } from './tun-open.ts';
import { homeAgentRoutes } from './tun-routes.ts';
import type { TunnelOutput } from './tunnel-output.ts';

export interface HaTunDeps {
  /** The 4191 socket and the raw sockets the HA opened for signalling. */
  readonly output: TunnelOutput;
  /** Whether the binding of `homeAddress` has R = 1 (the core's binding flags). */
  readonly isMobileRouter: (homeAddress: Ipv6Address) => boolean;
  readonly now: () => number;
  /** Default: the native addon (TunUnavailableError when it cannot). */
  readonly open?: TunOpener;
  /** The ESP data SAs (RFC 5555 §5.2.2, ha-data-sas.ts) that take the downlink packets they cover. */
  readonly dataSas?: HaDataSaPolicy;
}

export interface HaTunStatus {
  readonly device: string;
  readonly mtu: number;
  readonly linkMtu: number;
  readonly routes: readonly string[];
  readonly tunnels: number;
  readonly counters: DataPlaneCounters;
  readonly icmp: IcmpReporterCounters;
}

export class HaTun {
  private constructor(
    private readonly device: OpenedTun,
    readonly forwarder: HaForwarder,
    private readonly icmp: IcmpReporter,
    readonly routes: readonly string[],
    private readonly mtus: { readonly mtu: number; readonly linkMtu: number },
  ) {}

  /** Opens the device `config.tun` describes; TunUnavailableError when the process cannot. */
  static open(config: HaConfig, deps: HaTunDeps): HaTun {
    const t = config.tun;
    const routes =
      t.routes?.map((r) => `${r.prefix}/${r.prefixLength}`) ??
      homeAgentRoutes(config.homePrefixPool.base, config.ipv4HomeAddressPool);
    const device = (deps.open ?? openNativeTun('ha.tun'))({ name: t.name, mtu: t.mtu, addresses: [], routes });
    // ICMPv6 errors come from the HA's address: it is the router whose tunnel link is too small (RFC 4443 §3.2).
    // ICMPv4 ones from the unreachable destination: the kernel drops IPv4 from its own addresses (icmp-reporter.ts).
    const icmp = new IcmpReporter({ ipv6Source: config.addresses.ipv6, ipv4Source: 'destination' });
    try {
      const forwarder = new HaForwarder({
        device,
        output: deps.output,
        icmp,
        now: deps.now,
        linkMtu: t.linkMtu,
        deviceMtu: t.mtu,
        homePrefixLength: config.homePrefixPool.prefixLength,
        isMobileRouter: deps.isMobileRouter,
        ...(deps.dataSas ? { dataSas: deps.dataSas } : {}),
      });
      return new HaTun(device, forwarder, icmp, routes, { mtu: t.mtu, linkMtu: t.linkMtu });
    } catch (e) {
      device.close();
      throw e;
    }
  }

  get name(): string {
    return this.device.name;
  }

  get counters(): DataPlaneCounters {
    return this.forwarder.counters;
  }

  applyBindingEvent(e: HomeAgentEvent): void {
    this.forwarder.applyBindingEvent(e);
  }

  /**
   * An accepted packet out of the plain tunnel for the core network; false when it was dropped (counted): the device
   * did not take it, or a data SA of its source covers it (RFC 4301 §5.2).
   */
  fromMobileNode(inner: Uint8Array): boolean {
    return this.forwarder.fromMobileNode(inner);
  }

  /** A packet a data SA opened and checked (ha-data-sas.ts), for the core network; false when dropped (counted). */
  fromDataSa(inner: Uint8Array): boolean {
    return this.forwarder.fromDataSa(inner);
  }

  status(): HaTunStatus {
    return {
      device: this.device.name,
      ...this.mtus,
      routes: this.routes,
      tunnels: this.forwarder.tunnelCount,
      counters: this.forwarder.counters,
      icmp: this.icmp.counters,
    };
  }

  /** Closes the device: the kernel removes it with its routes. */
  close(): void {
    this.forwarder.close();
  }
}
