/**
 * The HA's data SAs (RFC 5555 §5.2.2): the tunnel-mode Child SAs a UE negotiates with TSi = its home addresses
 * (IPv6 /128, IPv4 /32) and TSr = every address but the HA's, in a SAD of their own. The HA's SPD-S rule "local !=
 * home_agent, remote = home_address → ESP tunnel mode" becomes:
 * - downlink: a device packet for a bound home address that an SA's outbound selectors cover is sealed on the
 *   newest such SA (the forwarder asks `select`), instead of the plain DSMIPv6 tunnel;
 * - uplink: ESP from the UE (plain over IPv4, or in UDP on the NAT-T port, RFC 3948) is opened by SPI, its inner
 *   packet checked against the SA's selectors (RFC 4301 §5.2) and its source against the live bindings (RFC 5555
 *   §4.5.1: only bound home addresses are forwarded), then written to the core-side device.
 * An SA's IPv4 home address counts only while it stays bound with the IPv6 HoA it was bound with when the SA was
 * installed (RFC 5555 §5): a HoA handed to another UE is not reached through, nor sent from, the old UE's SA.
 * Traffic the rule covers while the SA cannot take it is dropped, and so is plaintext that an SA of its source
 * covers (RFC 4301 §5.1, §5.2). The SA's outer addresses and ports are the IKE SA's when it is installed; behind a
 * NAT they follow the latest authenticated packet: ESP that opened on the SA, or the IKE SA's updated path (RFC 7296
 * §2.23). Which Child SAs are data SAs: tunnel mode over IPv4 with every TSi naming one address (the IKE_AUTH Child
 * SA names the home prefix).
 */
import type { ChildSaEvent, IkeEvent, IkePath } from '../../ike/events.ts';
import type { ResponderConfig } from '../../ike/responder.ts';
import { ANY_IPV4_SELECTOR, selectorsExcluding, singleAddress } from '../../ike/traffic-selectors.ts';
import { EspSad } from '../../ipsec/sad.ts';
import type { HomeAgentEvent } from '../../mip/events.ts';
import { type RawIpTransport, RawProtocol, type TransportProvider } from '../../net/transport.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
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
import type { EspOutput, UdpPeer } from './esp-data-tunnel.ts';
import { type FiledDataSa, HaDataSaIndex } from './ha-data-sa-index.ts';
import type { HaDataSaPolicy, NO_DATA_SA, ProtectedTunnel } from './protected-tunnel.ts';

export interface HaDataSasDeps {
  readonly random: (n: number) => Uint8Array;
  /** The path MTU toward UEs and the core-side device's MTU. */
  readonly mtus: TunnelMtus;
  /** The current path of an IKE SA (its addresses and ports after NAT detection). */
  readonly pathOf: (ikeSaId: number) => IkePath | undefined;
  /** The IKE endpoint's NAT-T socket (UDP-encapsulated ESP); absent until the IKE endpoint is open. */
  readonly sendUdp: (esp: Uint8Array, to: UdpPeer) => boolean;
  /**
   * An accepted inner packet for the core network (the TUN device): true when written, false when the device
   * refused it (it counts why), undefined when there is no device.
   */
  readonly toCoreNetwork: (inner: Uint8Array) => boolean | undefined;
}

/** The part of the node's IKE endpoint (src/node/net/ike-datagram-endpoint.ts) the data SAs use. */
export interface NodeIke {
  readonly engine: { ikeSa(ikeSaId: number): { readonly path: IkePath } | undefined };
  sendEsp(esp: Uint8Array, to: UdpPeer): void;
}

export interface HaDataSaStatus {
  readonly sas: readonly {
    ikeSaId: number;
    spiIn: number;
    spiOut: number;
    udpEncapsulated: boolean;
    /** Where UDP-encapsulated ESP goes now (RFC 7296 §2.23). */
    peer: string | undefined;
    /** The outbound SA's last sequence number: how many packets were sealed on it (RFC 4303 §3.3.3). */
    sequenceOut: number;
  }[];
  readonly rawEsp: boolean;
  readonly counters: DataSaCounters;
}

/** The home addresses a data SA is for: TSi (the UE's side) when every selector names one address. */
export function dataSaHomeAddresses(e: ChildSaEvent): IpAddress[] | undefined {
  if (e.tsRemote.length === 0) return undefined;
  const out: IpAddress[] = [];
  for (const ts of e.tsRemote) {
    const a = singleAddress(ts);
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

const TWO_32 = 0x1_0000_0000;

export class HaDataSas implements HaDataSaPolicy {
  readonly counters: DataSaCounters = newDataSaCounters();
  private readonly sad: EspSad;
  private readonly bySpi = new Map<number, DataSa>();
  private readonly filed = new Map<number, FiledDataSa>();
  private readonly index: HaDataSaIndex;
  private rawEsp: RawIpTransport | undefined;
  private readonly output: EspOutput;

  constructor(private readonly deps: HaDataSasDeps) {
    this.sad = new EspSad({ random: deps.random });
    this.index = new HaDataSaIndex(deps.pathOf);
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
   * the path its IKE SA has when it is installed, and follows it.
   */
  static forNode(o: {
    readonly random: (n: number) => Uint8Array;
    readonly mtus: TunnelMtus;
    readonly ike: () => NodeIke | undefined;
    readonly device: () => { fromDataSa(inner: Uint8Array): boolean } | undefined;
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
      toCoreNetwork: (inner) => o.device()?.fromDataSa(inner),
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
    this.index.applyBindingEvent(e);
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
    return this.index.ipv4HomeAddressesOf(homeAddresses);
  }

  /** Downlink (ha-data-sa-index.ts `select`). */
  select(packet: Uint8Array): ProtectedTunnel | typeof NO_DATA_SA | undefined {
    return this.index.select(packet);
  }

  /** Plain uplink (ha-data-sa-index.ts `coversPlaintext`). */
  coversPlaintext(inner: Uint8Array): boolean {
    return this.index.coversPlaintext(inner);
  }

  /**
   * UDP-encapsulated ESP from the NAT-T port (the non-ESP marker already told it from IKE, RFC 3948 §2.2), from
   * `from`: the newest authentic packet of an SA moves its peer there (RFC 7296 §2.23).
   */
  fromUdp(esp: Uint8Array, from?: UdpPeer): void {
    this.fromEsp(esp, from);
  }

  /** A whole IPv4 packet from the raw socket for protocol 50. */
  fromRawIpv4(packet: Uint8Array): void {
    const esp = espOfIpv4(packet);
    if (esp === undefined) {
      this.counters.drops['malformed-outer']++;
      return;
    }
    this.fromEsp(esp, undefined);
  }

  status(): HaDataSaStatus {
    return {
      sas: [...this.bySpi.values()].map((s) => {
        const peer = s.tunnel.peer;
        return {
          ikeSaId: s.ikeSaId,
          spiIn: s.spiIn,
          spiOut: s.spiOut,
          udpEncapsulated: peer !== undefined,
          peer: peer && `${peer.address}:${peer.port}`,
          sequenceOut: s.outbound.lastSequence,
        };
      }),
      rawEsp: this.rawEsp !== undefined,
      counters: this.counters,
    };
  }

  private fromEsp(esp: Uint8Array, from: UdpPeer | undefined): void {
    const r = openDataEsp(this.sad, this.bySpi, esp, this.counters);
    if (!r.ok) return;
    const { sa, inner } = r;
    // The newest authenticated packet (it moved T, RFC 4303 §3.4.3) says where the peer is now (RFC 7296 §2.23).
    if (from !== undefined && sa.inbound.replay.highest % TWO_32 === readSequence(esp)) sa.tunnel.follow(from);
    const x = this.filed.get(sa.spiIn);
    if (x === undefined || !this.index.sourceBound(x, inner)) {
      this.counters.drops['source-not-bound']++;
      return;
    }
    const written = this.deps.toCoreNetwork(inner);
    if (written === undefined) this.counters.drops['no-device']++;
    else if (written) this.counters.opened++;
  }

  private install(e: ChildSaEvent): void {
    const path = this.deps.pathOf(e.ikeSaId);
    if (path === undefined || !isIpv4TunnelChild(e, path)) return;
    const homes = dataSaHomeAddresses(e);
    if (homes === undefined) return;
    const sa = installDataSa(this.sad, e, path, this.output, this.deps.mtus, this.counters);
    if (sa === undefined) return;
    this.bySpi.set(sa.spiIn, sa);
    this.filed.set(sa.spiIn, this.index.add(sa, homes, path));
    this.counters.installed++;
  }

  private remove(spiIn: number): void {
    const sa = this.bySpi.get(spiIn);
    const x = this.filed.get(spiIn);
    if (sa === undefined || x === undefined) return;
    this.bySpi.delete(spiIn);
    this.filed.delete(spiIn);
    this.index.delete(x);
    removeDataSa(this.sad, sa);
    this.counters.removed++;
  }
}

/** The low 32 bits of an ESP packet's sequence number (RFC 4303 §2.2); openDataEsp checked it is there. */
function readSequence(esp: Uint8Array): number {
  return ((esp[4]! << 24) | (esp[5]! << 16) | (esp[6]! << 8) | esp[7]!) >>> 0;
}
