/**
 * The HA's data SAs (RFC 5555 §5.2.2): the tunnel-mode Child SAs a UE negotiates with TSi = its home addresses
 * (IPv6 /128, IPv4 /32) and TSr = every address but the HA's, in a SAD of their own. The HA's SPD-S rule "local !=
 * home_agent, remote = home_address → ESP tunnel mode" becomes:
 * - downlink: a device packet for a bound home address that an SA's outbound selectors cover is sealed on the
 *   newest such SA (the forwarder asks `select`), instead of the plain DSMIPv6 tunnel;
 * - uplink: ESP from the UE (plain over IPv4, or in UDP on the NAT-T port, RFC 3948) is opened by SPI, its inner
 *   packet checked against the SA's selectors (RFC 4301 §5.2) and its source against the live bindings (RFC 5555
 *   §4.5.1: only bound home addresses are forwarded), then written to the core-side device.
 * The SA's outer addresses and ports are the IKE SA's when it is installed (RFC 7296 §2.23). Which Child SAs are data
 * SAs: tunnel mode over IPv4 with every TSi naming one address (the IKE_AUTH Child SA names the home prefix).
 */
import type { ChildSaEvent, IkeEvent, IkePath } from '../../ike/events.ts';
import type { ResponderConfig } from '../../ike/responder.ts';
import { ANY_IPV4_SELECTOR, selectorsExcluding } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import { ipv4Int, ipv4IntAt, ipv6Key, ipv6KeyAt } from '../../mip/addresses.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import { type RawIpTransport, RawProtocol, type TransportProvider } from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import type { TrafficSelector } from '../../wire/ike/traffic-selector.ts';
import type { TunnelMtus } from './compiled-tunnel.ts';
import {
  type DataSa,
  type DataSaCounters,
  espOfIpv4,
  installDataSa,
  isIpv4TunnelChild,
  newDataSaCounters,
  openDataEsp,
  removeDataSa,
} from './data-sa.ts';
import type { EspOutput } from './esp-data-tunnel.ts';
import type { DataSaSelector, ProtectedTunnel } from './protected-tunnel.ts';
import { ipVersionOf } from './tunnel-forwarder.ts';

export interface HaDataSasDeps {
  readonly random: (n: number) => Uint8Array;
  /** The path MTU toward UEs and the core-side device's MTU. */
  readonly mtus: TunnelMtus;
  /** The current path of an IKE SA (its addresses and ports after NAT detection). */
  readonly pathOf: (ikeSaId: number) => IkePath | undefined;
  /** The IKE endpoint's NAT-T socket (UDP-encapsulated ESP); absent until the IKE endpoint is open. */
  readonly sendUdp: (esp: Uint8Array, to: { readonly address: IpAddress; readonly port: number }) => boolean;
  /** An accepted inner packet for the core network (the TUN device); false when there is none. */
  readonly toCoreNetwork: (inner: Uint8Array) => boolean;
}

/** The part of the node's IKE endpoint (src/node/net/ike-datagram-endpoint.ts) the data SAs use. */
export interface NodeIke {
  readonly engine: { ikeSa(ikeSaId: number): { readonly path: IkePath } | undefined };
  sendEsp(esp: Uint8Array, to: { readonly address: IpAddress; readonly port: number }): void;
}

export interface HaDataSaStatus {
  readonly sas: readonly { ikeSaId: number; spiIn: number; spiOut: number; udpEncapsulated: boolean }[];
  readonly rawEsp: boolean;
  readonly counters: DataSaCounters;
}

/** The single address a selector names, else undefined. */
function singleAddressOf(ts: TrafficSelector): IpAddress | undefined {
  if (ts.kind === 'unknown') return undefined;
  const a = ts.startAddress.bytes;
  const b = ts.endAddress.bytes;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return undefined;
  return ts.startAddress;
}

/** The home addresses a data SA is for: TSi (the UE's side) when every selector names one address. */
export function dataSaHomeAddresses(e: ChildSaEvent): IpAddress[] | undefined {
  if (e.tsRemote.length === 0) return undefined;
  const out: IpAddress[] = [];
  for (const ts of e.tsRemote) {
    const a = singleAddressOf(ts);
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

/** Newest-first lists in a map, as the SAD keeps rekeyed SAs (RFC 7296 §2.8). */
function pushFront<K>(m: Map<K, DataSa[]>, k: K, sa: DataSa): void {
  m.set(k, [sa, ...(m.get(k) ?? [])]);
}

function dropFrom<K>(m: Map<K, DataSa[]>, k: K, sa: DataSa): void {
  const left = (m.get(k) ?? []).filter((x) => x !== sa);
  if (left.length === 0) m.delete(k);
  else m.set(k, left);
}

export class HaDataSas implements DataSaSelector {
  readonly counters: DataSaCounters = newDataSaCounters();
  private readonly sad: EspSad;
  private readonly bySpi = new Map<number, DataSa>();
  /** The home addresses each SA (by our SPI) is filed under. */
  private readonly homesOf = new Map<number, IpAddress[]>();
  private readonly byHome6 = new Map<string, DataSa[]>();
  private readonly byHome4 = new Map<number, DataSa[]>();
  /** Live bindings, from the core's events: IPv6 HoA keys, and IPv4 HoAs with their IPv6 HoA's key. */
  private readonly bound6 = new Set<string>();
  private readonly bound4 = new Map<number, string>();
  private rawEsp: RawIpTransport | undefined;
  private readonly output: EspOutput;

  constructor(private readonly deps: HaDataSasDeps) {
    this.sad = new EspSad({ random: deps.random });
    this.output = {
      sendUdp: (esp, to) => deps.sendUdp(esp, to),
      sendRaw: (packet) => {
        const raw = this.rawEsp;
        if (raw === undefined) return false;
        raw.send(packet);
        return true;
      },
    };
  }

  get size(): number {
    return this.bySpi.size;
  }

  /**
   * For a node whose IKE endpoint and core-side device open later: both are looked up at each use; a data SA takes
   * the path its IKE SA has when it is installed.
   */
  static forNode(o: {
    readonly random: (n: number) => Uint8Array;
    readonly mtus: TunnelMtus;
    readonly ike: () => NodeIke | undefined;
    readonly device: () => { fromMobileNode(inner: Uint8Array): void } | undefined;
  }): HaDataSas {
    return new HaDataSas({
      random: o.random,
      mtus: o.mtus,
      pathOf: (id) => o.ike()?.engine.ikeSa(id)?.path,
      sendUdp: (esp, to) => {
        const ike = o.ike();
        ike?.sendEsp(esp, to);
        return ike !== undefined;
      },
      toCoreNetwork: (inner) => {
        const device = o.device();
        device?.fromMobileNode(inner);
        return device !== undefined;
      },
    });
  }

  /** Opens the raw socket for plain ESP over IPv4 when the node has an IPv4 address and the privilege. */
  async openRawEsp(provider: TransportProvider, ipv4: boolean): Promise<void> {
    if (ipv4 && provider.canOpenRaw(RawProtocol.ESP, 4)) this.useRawEsp(await provider.openRaw(RawProtocol.ESP, 4));
  }

  /** Plain ESP over IPv4 (protocol 50) in both directions, when the node could open the raw socket. */
  useRawEsp(t: RawIpTransport): void {
    this.rawEsp = t;
    t.onPacket((p) => this.fromRawIpv4(p.packet));
  }

  /** Installs data SAs from the IKE engine's events and removes them when they go. */
  handleIkeEvent(e: IkeEvent): void {
    if (e.kind === 'child-sa-established') this.install(e);
    else if (e.kind === 'child-sa-deleted') this.remove(e.spiIn);
    else if (e.kind === 'ike-sa-deleted' || e.kind === 'ike-sa-failed') {
      for (const sa of [...this.bySpi.values()]) if (sa.ikeSaId === e.ikeSaId) this.remove(sa.spiIn);
    }
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
        this.bound4.set(ipv4Int(e.ipv4HomeAddress), key);
        return;
      case 'ipv4-hoa-released': {
        const n = ipv4Int(e.ipv4HomeAddress);
        if (this.bound4.get(n) === key) this.bound4.delete(n);
        return;
      }
    }
  }

  /**
   * The IKE responder's policy for data SAs: TSr is every address but the HA's (RFC 5555 §5.2.2 "local_address !=
   * home_agent", as ranges), TSi may name the IPv4 HoA bound with the UE's IPv6 HoA besides its home prefix.
   */
  responderPolicy(homeAgent: {
    readonly ipv6: Ipv6Address;
    readonly ipv4?: Ipv4Address | undefined;
  }): Pick<ResponderConfig, 'tunnelLocalSelectors' | 'ipv4HomeAddressesOf'> {
    return {
      tunnelLocalSelectors: [
        ...selectorsExcluding(homeAgent.ipv6),
        ...(homeAgent.ipv4 ? selectorsExcluding(homeAgent.ipv4) : [ANY_IPV4_SELECTOR]),
      ],
      ipv4HomeAddressesOf: (homeAddresses) => this.ipv4HomeAddressesOf(homeAddresses),
    };
  }

  /** The IPv4 HoAs bound with these IPv6 HoAs (RFC 5555 §5), for the IKE responder's TSi policy. */
  ipv4HomeAddressesOf(homeAddresses: readonly Ipv6Address[]): Ipv4Address[] {
    const keys = new Set(homeAddresses.map(ipv6Key));
    const out: Ipv4Address[] = [];
    for (const [n, owner] of this.bound4) if (keys.has(owner)) out.push(Ipv4Address.fromNumber(n));
    return out;
  }

  /** Downlink: the newest data SA for the packet's destination whose outbound selectors cover it. */
  select(packet: Uint8Array): ProtectedTunnel | undefined {
    if (this.bySpi.size === 0) return undefined;
    const version = ipVersionOf(packet);
    const list =
      version === 6
        ? this.byHome6.get(ipv6KeyAt(packet, 24))
        : version === 4
          ? this.byHome4.get(ipv4IntAt(packet, 16))
          : undefined;
    if (list === undefined) return undefined;
    for (const sa of list) if (sa.outbound.usable && sa.selectors.matchesOutbound(packet)) return sa.tunnel;
    return undefined;
  }

  /** UDP-encapsulated ESP from the NAT-T port (the non-ESP marker already told it from IKE, RFC 3948 §2.2). */
  fromUdp(esp: Uint8Array): void {
    this.fromEsp(esp);
  }

  /** A whole IPv4 packet from the raw socket for protocol 50. */
  fromRawIpv4(packet: Uint8Array): void {
    const esp = espOfIpv4(packet);
    if (esp === undefined) {
      this.counters.drops['malformed-outer']++;
      return;
    }
    this.fromEsp(esp);
  }

  status(): HaDataSaStatus {
    return {
      sas: [...this.bySpi.values()].map((s) => ({
        ikeSaId: s.ikeSaId,
        spiIn: s.spiIn,
        spiOut: s.spiOut,
        udpEncapsulated: s.outbound.udpEncap !== undefined,
      })),
      rawEsp: this.rawEsp !== undefined,
      counters: this.counters,
    };
  }

  private fromEsp(esp: Uint8Array): void {
    const r = openDataEsp(this.sad, this.bySpi, esp, this.counters);
    if (!r.ok) return;
    const inner = r.inner;
    const bound = inner[0]! >> 4 === 6 ? this.bound6.has(ipv6KeyAt(inner, 8)) : this.bound4.has(ipv4IntAt(inner, 12));
    if (!bound) {
      this.counters.drops['source-not-bound']++;
      return;
    }
    if (!this.deps.toCoreNetwork(inner)) {
      this.counters.drops['no-device']++;
      return;
    }
    this.counters.opened++;
  }

  private install(e: ChildSaEvent): void {
    const path = this.deps.pathOf(e.ikeSaId);
    if (path === undefined || !isIpv4TunnelChild(e, path)) return;
    const homes = dataSaHomeAddresses(e);
    if (homes === undefined) return;
    const sa = installDataSa(this.sad, e, path, this.output, this.deps.mtus, this.counters);
    if (sa === undefined) return;
    this.bySpi.set(sa.spiIn, sa);
    this.homesOf.set(sa.spiIn, homes);
    for (const a of homes) {
      if (a.bytes.length === 16) pushFront(this.byHome6, ipv6Key(a as Ipv6Address), sa);
      else pushFront(this.byHome4, ipv4Int(a as Ipv4Address), sa);
    }
    this.counters.installed++;
  }

  private remove(spiIn: number): void {
    const sa = this.bySpi.get(spiIn);
    if (sa === undefined) return;
    this.bySpi.delete(spiIn);
    for (const a of this.homesOf.get(spiIn) ?? []) {
      if (a.bytes.length === 16) dropFrom(this.byHome6, ipv6Key(a as Ipv6Address), sa);
      else dropFrom(this.byHome4, ipv4Int(a as Ipv4Address), sa);
    }
    this.homesOf.delete(spiIn);
    removeDataSa(this.sad, sa);
    this.counters.removed++;
  }
}
