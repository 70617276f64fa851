/**
 * The UE's side of the DSMIPv6 tunnel over IPv4 access, on its UDP port Z (RFC 5555 §4.1): BUs out and BAs in
 * through the signalling pipeline (ESP transport mode, RFC 4877 §4.3), and once registered the stateless DHCP
 * exchanges through the tunnel (TS 24.303 §5.1.2.4 last paragraph), framed with the core's reverse-tunnel route.
 * One timer serves the mobile node core (retransmission, refresh) and both DHCP clients.
 */
import type { UeConfig } from '../../config/load.ts';
import type { InformClient } from '../../dhcp/inform-client.ts';
import type { InformationRequestClient } from '../../dhcp/information-request.ts';
import type { EspSad } from '../../ipsec/sad.ts';
import type { AccessInfo } from '../../mip/mn-config.ts';
import type { Ipv6Prefix } from '../../mip/types.ts';
import { type DatagramTransport, type InboundDatagram, TransportError } from '../../net/transport.ts';
import { isWireError } from '../../util/errors.ts';
import type { IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { DHCPV4_CLIENT_PORT } from '../../wire/dhcpv4/constants.ts';
import { DHCPV6_CLIENT_PORT } from '../../wire/dhcpv6/constants.ts';
import { UdpPort } from '../../wire/ip/constants.ts';
import type { NatDetectionOption } from '../../wire/mh/options.ts';
import type { MobilitySaRegistry } from '../mobility/sa-registry.ts';
import { UeSignalling } from '../mobility/ue-signalling.ts';
import { sameAddress } from '../net/address-aliases.ts';
import { DeadlineTimer, monotonicNowMs } from '../net/clock.ts';
import { type InnerUdp, innerUdpOf, innerUdpPacket } from '../net/inner-udp.ts';
import { ObservedMobileNodeCore } from './observed-core.ts';
import { mobileNodeConfigOf } from './ue-config.ts';
import type { UeNodeEvent } from './ue-events.ts';

export interface UeTunnelDeps {
  readonly pipeline: UeSignalling & { readonly core: ObservedMobileNodeCore };
  /** The HA's IPv4 address as this UE reaches it: the only outer source tunnelled data is taken from. */
  readonly homeAgentIpv4: Ipv4Address;
  readonly emit: (e: UeNodeEvent) => void;
  readonly now: () => number;
}

export interface UeTunnelInputs {
  readonly config: UeConfig;
  readonly homeAgent: { readonly ipv6: Ipv6Address; readonly ipv4: Ipv4Address };
  readonly homePrefix: Ipv6Prefix;
  readonly homeAddress: Ipv6Address;
  /** F = 1 in the BUs (RFC 5555 §3.1.3). */
  readonly forceUdp: boolean;
  /** The SAD and registry the BU/BA SA was installed in. */
  readonly sad: EspSad;
  readonly registry: MobilitySaRegistry;
  readonly random: (n: number) => Uint8Array;
  readonly emit: (e: UeNodeEvent) => void;
}

/** The mobile node core for a HoA (BUs and BAs reported in the clear) behind the signalling pipeline, on `socket`. */
export function createUeTunnel(socket: DatagramTransport, i: UeTunnelInputs): UeTunnel {
  const seq = i.random(2);
  const core = new ObservedMobileNodeCore(
    mobileNodeConfigOf(i.config, {
      homeAgent: i.homeAgent,
      homePrefix: i.homePrefix,
      homeAddress: i.homeAddress,
      forceUdp: i.forceUdp,
      udpSourcePort: socket.localPort,
      initialSequence: (seq[0]! << 8) | seq[1]!, // RFC 6275 §11.7.1 leaves the first number to the MN
    }),
    {
      onSend: (t) => {
        if (t.message.kind !== 'binding-update') return;
        i.emit({ kind: 'binding-update', message: t.message, transport: t.transport, atMs: monotonicNowMs() });
      },
      onBindingAck: (message) => {
        const nat = message.options.find((o) => o.kind === 'nat-detection');
        if (nat) tunnel.natDetection = nat;
        i.emit({ kind: 'binding-ack', message, atMs: monotonicNowMs() });
      },
    },
  );
  const pipeline = new UeSignalling({ core, sad: i.sad, registry: i.registry });
  const tunnel: UeTunnel = new UeTunnel(socket, {
    pipeline: pipeline as UeSignalling & { readonly core: ObservedMobileNodeCore },
    homeAgentIpv4: i.homeAgent.ipv4,
    emit: i.emit,
    now: monotonicNowMs,
  });
  return tunnel;
}

export class UeTunnel {
  /** The NAT Detection option of the last BA that had one (RFC 5555 §3.2.2). */
  natDetection: NatDetectionOption | undefined;
  private socket: DatagramTransport;
  private dhcpv6: InformationRequestClient | undefined;
  private dhcpv4: InformClient | undefined;
  private homeAddresses: { v6: Ipv6Address; v4: Ipv4Address | undefined } | undefined;
  private readonly timer: DeadlineTimer;
  private closed = false;

  constructor(
    socket: DatagramTransport,
    private readonly deps: UeTunnelDeps,
  ) {
    this.socket = socket;
    socket.onMessage((d) => this.receive(d));
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

  /** Home link detection, then a BU unless at home (TS 24.303 §5.1.2.3). */
  attach(access: AccessInfo): void {
    this.core.attach(this.deps.now(), access);
    this.service();
  }

  /** A new care-of address: BUs and tunnelled traffic leave from `socket` (bound to it) from now on. */
  changeCareOf(access: AccessInfo, socket: DatagramTransport): void {
    this.socket.onMessage(() => {});
    this.socket = socket;
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

  close(): void {
    this.closed = true;
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

  /** Data from the HA's end of the tunnel (RFC 5555 §4.4.3): DHCP answers to our home addresses. */
  private fromTunnel(d: InboundDatagram): void {
    if (!sameAddress(d.source, this.deps.homeAgentIpv4) || d.sourcePort !== UdpPort.DSMIPV6) {
      this.drop('tunnel', 'not-from-home-agent');
      return;
    }
    let udp: InnerUdp | undefined;
    try {
      udp = innerUdpOf(d.payload);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.drop('tunnel', `malformed-${e.layer}`);
      return;
    }
    const hoa = this.homeAddresses;
    const to = (a: IpAddress | undefined) => udp !== undefined && a !== undefined && sameAddress(udp.destination, a);
    if (udp?.family === 6 && udp.destinationPort === DHCPV6_CLIENT_PORT && this.dhcpv6 && to(hoa?.v6)) {
      this.dhcpv6.handleDatagram(d.receivedAt, udp.payload);
    } else if (udp?.family === 4 && udp.destinationPort === DHCPV4_CLIENT_PORT && this.dhcpv4 && to(hoa?.v4)) {
      this.dhcpv4.handleDatagram(d.receivedAt, udp.payload);
    } else {
      this.drop('tunnel', 'no-route-without-tun');
    }
  }

  /** Sends what is due, hands events on, re-arms the one timer. */
  private service(): void {
    if (this.closed) return;
    const { pipeline, emit } = this.deps;
    for (let out = pipeline.pollSend(); out !== undefined; out = pipeline.pollSend()) {
      if (out.kind === 'udp') this.send(out.payload, out.destination, out.destinationPort, out.source);
      else this.drop('signalling', `no-raw-socket-for-protocol-${out.protocol}`);
    }
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent())
      emit({ kind: 'mobility', event: e });
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
    else if (route.kind !== 'udp4') this.drop('tunnel', `no-raw-socket-for-${route.kind}-tunnel`);
    else this.send(inner, route.destination, route.destinationPort, route.source);
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
