/**
 * The UE's side of the DSMIPv6 tunnel over IPv4 access, on its UDP port Z (RFC 5555 §4.1): BUs out and BAs in
 * through the signalling pipeline (ESP transport mode, RFC 4877 §4.3), and once registered the stateless DHCP
 * exchanges through the tunnel (TS 24.303 §5.1.2.4 last paragraph), framed with the core's reverse-tunnel route,
 * and user traffic through the user plane (src/node/tun/ue-user-plane.ts): the TUN device when `tun.enabled`
 * (opened at the first registration, closed with the tunnel) and, with `ike.protectData`, the data SA of RFC 5555
 * §5.2.2 once registered from an IPv4 CoA, negotiated on the IKE SA `useIkeLink` names. One timer serves the mobile
 * node core (retransmission, refresh) and both DHCP clients. Built for an attach by create-ue-tunnel.ts.
 */
import type { InformClient } from '../../dhcp/inform-client.ts';
import type { InformationRequestClient } from '../../dhcp/information-request.ts';
import type { AccessInfo } from '../../mip/mn-config.ts';
import { encapsulate } from '../../mip/tunnel.ts';
import {
  type DatagramTransport,
  type InboundDatagram,
  type IpFamily,
  type RawIpTransport,
  TransportError,
} from '../../net/transport.ts';
import { isWireError } from '../../util/errors.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { DHCPV4_CLIENT_PORT } from '../../wire/dhcpv4/constants.ts';
import { DHCPV6_CLIENT_PORT } from '../../wire/dhcpv6/constants.ts';
import { UdpPort } from '../../wire/ip/constants.ts';
import { decapsulateIpInIp, tunnelProtocolFor } from '../../wire/ip/tunnel.ts';
import type { NatDetectionOption } from '../../wire/mh/options.ts';
import type { UeSignalling } from '../mobility/ue-signalling.ts';
import { sameAddress } from '../net/address-aliases.ts';
import { DeadlineTimer } from '../net/clock.ts';
import { type InnerUdp, innerUdpOf, innerUdpPacket } from '../net/inner-udp.ts';
import { mayBeUdpTo } from '../tun/udp-port-filter.ts';
import { UeUserPlane, type UeUserPlaneOptions } from '../tun/ue-user-plane.ts';
import type { IkeLink } from './ike-link.ts';
import type { ObservedMobileNodeCore } from './observed-core.ts';
import type { UeNodeEvent } from './ue-events.ts';

export interface UeTunnelDeps {
  readonly pipeline: UeSignalling & { readonly core: ObservedMobileNodeCore };
  /** The HA's IPv4 address as this UE reaches it: the only outer IPv4 source tunnelled data is taken from. */
  readonly homeAgentIpv4: Ipv4Address | undefined;
  /** On IPv6 access, the only outer IPv6 source tunnelled data is taken from (RFC 6275 §10.4, RFC 5555 §4.4.1). */
  readonly homeAgentIpv6?: Ipv6Address;
  /**
   * Raw IP sockets when the process may open them: protocol 41 and 4 over IPv4 carry the BA and the tunnelled data
   * when no NAT is in the way (TS 24.303 §5.1.3.2; RFC 5555 §4.4.3). Without them the UE asks for F = 1.
   */
  readonly raw?: readonly RawIpTransport[];
  readonly emit: (e: UeNodeEvent) => void;
  readonly now: () => number;
  /** The TUN device (`tun.enabled`), opened at the first registration (src/node/tun/ue-tun.ts). */
  readonly tun?: UeUserPlaneOptions['tun'];
  /** The data SA (`ike.protectData`, RFC 5555 §5.2.2); the raw ESP socket, if any, is taken from `raw`. */
  readonly dataSa?: UeUserPlaneOptions['dataSa'];
}

export class UeTunnel {
  /** The NAT Detection option of the last BA that had one (RFC 5555 §3.2.2). */
  natDetection: NatDetectionOption | undefined;
  private socket: DatagramTransport;
  private dhcpv6: InformationRequestClient | undefined;
  private dhcpv4: InformClient | undefined;
  private homeAddresses: { v6: Ipv6Address; v4: Ipv4Address | undefined } | undefined;
  private readonly timer: DeadlineTimer;
  /** User traffic: the TUN device, when enabled, and the data SA (RFC 5555 §5.2.2) with `ike.protectData`. */
  private readonly userPlane: UeUserPlane;
  private closed = false;

  constructor(
    socket: DatagramTransport,
    private readonly deps: UeTunnelDeps,
  ) {
    this.socket = socket;
    socket.onMessage((d) => this.receive(d));
    for (const t of deps.raw ?? []) t.onPacket((p) => this.receiveIp(p.packet, p.receivedAt));
    this.userPlane = new UeUserPlane({
      tun: deps.tun,
      dataSa: deps.dataSa,
      socket,
      raw: deps.raw ?? [],
      now: deps.now,
      onTunError: (why) => this.drop('tun', why),
    });
    this.timer = new DeadlineTimer((now) => {
      this.deps.pipeline.handleTimeout(now);
      this.dhcpv6?.handleTimeout(now);
      this.dhcpv4?.handleTimeout(now);
      this.service();
    }, deps.now);
  }

  get core(): ObservedMobileNodeCore {
    return this.deps.pipeline.core;
  }

  /** The IKE SA the data SA is negotiated on: the attach's, then each move's new one (RFC 5555 §5.1). */
  useIkeLink(link: IkeLink): void {
    this.userPlane.useIkeLink(link);
  }

  /** Home link detection, then a BU unless at home (TS 24.303 §5.1.2.3). */
  attach(access: AccessInfo): void {
    this.core.attach(this.deps.now(), access);
    this.service();
  }

  /**
   * A new care-of address: BUs and tunnelled traffic leave from `socket` (bound to it) from now on. The old socket
   * keeps delivering until its owner closes it, once the BA is in (RFC 5555 §5.1). The HA's addresses are pinned
   * again through the new access interface, so the UE's own outer packets to the HA never fall into the TUN routes
   * (RFC 5555 §4.1).
   */
  changeCareOf(access: AccessInfo, socket: DatagramTransport): void {
    this.socket = socket;
    this.userPlane.changeCareOf(socket, access.ipv4CareOf ?? access.ipv6CareOf!);
    socket.onMessage((d) => this.receive(d));
    this.core.changeCareOf(this.deps.now(), access);
    this.service();
  }

  /** A lifetime-0 BU (RFC 6275 §11.7.1); DHCP stops. */
  detach(): void {
    this.dhcpv6?.stop();
    this.dhcpv4?.stop();
    this.core.detach(this.deps.now());
    this.service();
  }

  /** Runs the DHCP exchanges for `homeAddresses` through the tunnel (either client may be absent). */
  startDhcp(
    homeAddresses: { v6: Ipv6Address; v4: Ipv4Address | undefined },
    v6: InformationRequestClient | undefined,
    v4: InformClient | undefined,
  ): void {
    this.homeAddresses = homeAddresses;
    this.dhcpv6 = v6;
    this.dhcpv4 = v4;
    const now = this.deps.now();
    v6?.start(now);
    v4?.start(now);
    this.service();
  }

  /** Stops everything; the TUN device closes, taking its addresses and routes with it. */
  close(): void {
    this.closed = true;
    this.userPlane.close();
    this.timer.stop();
    this.dhcpv6?.stop();
    this.dhcpv4?.stop();
  }

  private receive(d: InboundDatagram): void {
    if (this.closed) return;
    const outcome = this.deps.pipeline.receiveUdp(d.receivedAt, d);
    if (outcome.kind === 'not-signalling') this.fromTunnel(d);
    else if (outcome.kind === 'dropped') this.drop('signalling', outcome.reason);
    else if (outcome.kind === 'esp-other') this.drop('signalling', 'esp-on-another-child-sa');
    this.service();
  }

  private receiveIp(packet: Uint8Array, receivedAt: number): void {
    if (this.closed) return;
    if (this.userPlane.fromRawIpv4(packet)) return; // ESP over IPv4 is only ever the data SA's (RFC 5555 §5.2.2)
    const outcome = this.deps.pipeline.receiveIp(receivedAt, packet);
    if (outcome.kind === 'not-signalling') this.fromIpTunnel(packet, receivedAt);
    else if (outcome.kind === 'dropped') this.drop('signalling', outcome.reason);
    else if (outcome.kind === 'esp-other') this.drop('signalling', 'esp-on-another-child-sa');
    this.service();
  }

  /**
   * Data from the HA: over IPv4 without NAT, IPv6-in-IPv4 (41) or IPv4-in-IPv4 (4) (RFC 5555 §4.4.3); to an IPv6
   * CoA, IPv6-in-IPv6 or IPv4-in-IPv6 (RFC 6275 §10.4, RFC 5555 §4.4.1).
   */
  private fromIpTunnel(packet: Uint8Array, receivedAt: number): void {
    let inner: Uint8Array;
    try {
      const d = decapsulateIpInIp(packet);
      const ha = d.outer.version === 4 ? this.deps.homeAgentIpv4 : this.deps.homeAgentIpv6;
      if (ha === undefined || !sameAddress(d.outer.packet.source, ha)) {
        this.drop('tunnel', 'not-from-home-agent');
        return;
      }
      inner = d.inner.bytes;
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.drop('tunnel', `malformed-${e.layer}`);
      return;
    }
    this.fromHomeAgent(inner, receivedAt);
  }

  /** Data from the HA's end of the tunnel (RFC 5555 §4.4.3): DHCP answers to our home addresses. */
  private fromTunnel(d: InboundDatagram): void {
    const ha = this.deps.homeAgentIpv4;
    if (ha === undefined || !sameAddress(d.source, ha) || d.sourcePort !== UdpPort.DSMIPV6) {
      this.drop('tunnel', 'not-from-home-agent');
      return;
    }
    this.fromHomeAgent(d.payload, d.receivedAt);
  }

  /** An inner packet the HA tunnelled to us. */
  private fromHomeAgent(payload: Uint8Array, receivedAt: number): void {
    // User traffic skips the DHCP decode (it is most of what comes through).
    if (!mayBeUdpTo(payload, DHCPV6_CLIENT_PORT, DHCPV4_CLIENT_PORT) && this.userPlane.fromHomeAgent(payload)) return;
    let udp: InnerUdp | undefined;
    try {
      udp = innerUdpOf(payload);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.drop('tunnel', `malformed-${e.layer}`);
      return;
    }
    const hoa = this.homeAddresses;
    const to = (a: IpAddress | undefined) => udp !== undefined && a !== undefined && sameAddress(udp.destination, a);
    if (udp?.family === 6 && udp.destinationPort === DHCPV6_CLIENT_PORT && this.dhcpv6 && to(hoa?.v6)) {
      this.dhcpv6.handleDatagram(receivedAt, udp.payload);
    } else if (udp?.family === 4 && udp.destinationPort === DHCPV4_CLIENT_PORT && this.dhcpv4 && to(hoa?.v4)) {
      this.dhcpv4.handleDatagram(receivedAt, udp.payload);
    } else if (!this.userPlane.fromHomeAgent(payload)) {
      this.drop('tunnel', 'no-route-without-tun');
    }
  }

  /** Sends what is due, hands events on, re-arms the one timer. */
  private service(): void {
    if (this.closed) return;
    const { pipeline, emit } = this.deps;
    for (let out = pipeline.pollSend(); out !== undefined; out = pipeline.pollSend()) {
      if (out.kind === 'udp') this.send(out.payload, out.destination, out.destinationPort, out.source);
      else this.sendRaw(out.family, out.protocol, out.packet);
    }
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent()) {
      this.userPlane.apply(e);
      emit({ kind: 'mobility', event: e });
    }
    for (let t = this.dhcpv6?.pollTransmit(); t !== undefined; t = this.dhcpv6?.pollTransmit())
      this.uplink(innerUdpPacket(t));
    for (let t = this.dhcpv4?.pollTransmit(); t !== undefined; t = this.dhcpv4?.pollTransmit())
      this.uplink(innerUdpPacket(t));
    for (let e = this.dhcpv6?.pollEvent(); e !== undefined; e = this.dhcpv6?.pollEvent()) {
      if (e.kind === 'reply') emit({ kind: 'dhcpv6-parameters', parameters: e.parameters });
      else if (e.kind === 'failed') emit({ kind: 'dhcp-failed', family: 'ipv6' });
      else if (e.kind === 'dropped') this.drop('dhcpv6', e.reason);
    }
    for (let e = this.dhcpv4?.pollEvent(); e !== undefined; e = this.dhcpv4?.pollEvent()) {
      if (e.kind === 'ack') emit({ kind: 'dhcpv4-parameters', parameters: e.parameters });
      else if (e.kind === 'failed') emit({ kind: 'dhcp-failed', family: 'ipv4' });
      else if (e.kind === 'dropped') this.drop('dhcpv4', e.reason);
    }
    this.timer.arm(earliest(pipeline.pollTimeout(), this.dhcpv6?.pollTimeout(), this.dhcpv4?.pollTimeout()));
  }

  /** Reverse-tunnels an inner packet the way the BA decided (TS 24.303 §5.1.2.4 last paragraph). */
  private uplink(inner: Uint8Array): void {
    const route = this.core.uplinkRoute();
    if (route === undefined) this.drop('tunnel', 'not-registered');
    else if (route.kind !== 'udp4')
      this.sendRaw(route.kind === 'ipv4' ? 4 : 6, tunnelProtocolFor(inner), encapsulate(route, inner));
    else this.send(inner, route.destination, route.destinationPort, route.source);
  }

  /** A whole IP packet out of the raw socket for its family and protocol. */
  private sendRaw(family: IpFamily, protocol: number, packet: Uint8Array): void {
    const t = this.rawSocket(family, protocol);
    if (t === undefined) {
      this.drop('signalling', `no-raw-socket-for-protocol-${protocol}`);
      return;
    }
    try {
      t.send(packet);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.drop('socket', e.code);
    }
  }

  /** The raw socket for `protocol` over IPv`family`, if this process opened one. */
  private rawSocket(family: IpFamily, protocol: number): RawIpTransport | undefined {
    return this.deps.raw?.find((r) => r.family === family && r.protocol === protocol);
  }

  private send(payload: Uint8Array, to: IpAddress, port: number, source: IpAddress): void {
    try {
      this.socket.send(payload, to, port, { source });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      this.drop('socket', e.code);
    }
  }

  private drop(layer: string, reason: string): void {
    this.deps.emit({ kind: 'drop', layer, reason });
  }
}

function earliest(...times: (number | undefined)[]): number | undefined {
  let t: number | undefined;
  for (const x of times) if (x !== undefined && (t === undefined || x < t)) t = x;
  return t;
}
