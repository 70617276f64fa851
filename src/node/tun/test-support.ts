/**
 * Test support: an in-memory packet device, ping packets, and a simulated HA + UE pair (src/net/sim, virtual time)
 * with a forwarder on each end: the HA's binding comes from its real core fed a BU with the outer headers the
 * topology gives, the UE's route is the reverse tunnel the BA's rules make of it (TS 24.303 §5.1.2.4). Packets out of
 * a tunnel take the nodes' path: on the HA the core's `acceptFromUe` (as src/node/ha/ha-data-plane.ts), on the UE
 * the HA-source check (as src/node/ue/ue-tunnel.ts).
 */

import { receivePacket } from '../../mip/framing.ts';
import { HomeAgentCore } from '../../mip/home-agent.ts';
import { altCoa, bu, COA6, context, HA4, HA6, HOA, haPolicy, POOL, v4Coa, v4Hoa } from '../../mip/test-fixtures.ts';
import type { OuterInfo, TunnelRoute } from '../../mip/types.ts';
import type { Nat44 } from '../../net/sim/nat.ts';
import { SimNetwork } from '../../net/sim/network.ts';
import { SimTransportHost } from '../../net/sim/sim-transport.ts';
import type { DatagramTransport, InboundDatagram, RawIpTransport } from '../../net/transport.ts';
import { copyBytes } from '../../util/bytes.ts';
import { isWireError } from '../../util/errors.ts';
import { Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet } from '../../wire/ip/build.ts';
import { UdpPort } from '../../wire/ip/constants.ts';
import { encodeIcmpv4 } from '../../wire/ip/icmpv4.ts';
import { HaForwarder } from './ha-forwarder.ts';
import { IcmpReporter } from './icmp-reporter.ts';
import type { PacketDevice } from './packet-device.ts';
import { RawTunnelOutput } from './tunnel-output.ts';
import { UeForwarder } from './ue-forwarder.ts';

export class FakePacketDevice implements PacketDevice {
  readonly written: Uint8Array[] = [];
  closed = false;
  /** Answer `false` to writes (a full kernel queue). */
  full = false;
  private handler: ((packets: readonly Uint8Array[]) => void) | undefined;

  write(packet: Uint8Array): boolean {
    if (this.closed || this.full) return false;
    this.written.push(copyBytes(packet));
    return true;
  }

  onPackets(handler: (packets: readonly Uint8Array[]) => void): void {
    this.handler = handler;
  }

  /** The kernel routes `packets` into the device. */
  inject(...packets: Uint8Array[]): void {
    this.handler?.(packets);
  }

  /** Takes what was written so far. */
  take(): Uint8Array[] {
    return this.written.splice(0);
  }

  close(): void {
    this.closed = true;
  }
}

/** ICMPv6 Echo Request (RFC 4443 §4.1) or ICMP Echo (RFC 792) of `size` bytes in all, identifier 7. */
export function ping(
  src: Ipv6Address | Ipv4Address,
  dst: Ipv6Address | Ipv4Address,
  size = 64,
  dontFragment = false,
): Uint8Array {
  if (src instanceof Ipv4Address) {
    const body = new Uint8Array(size - 20 - 4);
    body.set([0, 7, 0, 1]);
    const payload = encodeIcmpv4({ type: 8, code: 0, body });
    return buildIpv4Packet({ src, dst: dst as Ipv4Address, protocol: 1, payload, dontFragment, identification: 0x77 });
  }
  const payload = new Uint8Array(size - 40);
  payload.set([128, 0, 0, 0, 0, 7, 0, 1]);
  return buildIpv6Packet({ src, dst: dst as Ipv6Address, nextHeader: 58, payload, checksumOffset: 2 });
}

export type Topology = 'nat' | 'ipv4' | 'ipv6';

export const PRIVATE = Ipv4Address.parse('192.168.1.10');
export const NAT_PUBLIC = Ipv4Address.parse('203.0.113.5');
export const COA4 = Ipv4Address.parse('198.51.100.7');
export const UE_PORT = 40000;
export { COA6, HA4, HA6, HOA } from '../../mip/test-fixtures.ts';

export interface TunnelWorld {
  readonly net: SimNetwork;
  readonly core: HomeAgentCore;
  readonly ha: HaForwarder;
  readonly ue: UeForwarder;
  readonly haDevice: FakePacketDevice;
  readonly ueDevice: FakePacketDevice;
  readonly haHost: SimTransportHost;
  readonly ueHost: SimTransportHost;
  readonly nat: Nat44 | undefined;
  /** The IPv4 HoA the core assigned. */
  readonly ipv4HomeAddress: Ipv4Address;
  /** UDP datagrams the HA's 4191 socket saw (the first shows the NAT's mapping). */
  readonly haUdpSeen: InboundDatagram[];
}

export interface WorldOptions {
  readonly linkMtu?: number;
  readonly deviceMtu?: number;
}

/** The UE's addresses and the outer headers its BU would arrive with, per topology. */
function ueSide(t: Topology): { addresses: (Ipv6Address | Ipv4Address)[]; careOf: Ipv6Address | Ipv4Address } {
  if (t === 'ipv6') return { addresses: [COA6], careOf: COA6 };
  return { addresses: [t === 'nat' ? PRIVATE : COA4], careOf: t === 'nat' ? PRIVATE : COA4 };
}

/** The reverse tunnel the UE's core derives from the BA (src/mip/mn-data-plane.ts rules). */
function ueRoute(t: Topology): TunnelRoute {
  if (t === 'ipv6') return { kind: 'ipv6', source: COA6, destination: HA6 };
  if (t === 'ipv4') return { kind: 'ipv4', source: COA4, destination: HA4 };
  return { kind: 'udp4', source: PRIVATE, destination: HA4, sourcePort: UE_PORT, destinationPort: UdpPort.DSMIPV6 };
}

export function buildTunnelWorld(t: Topology, o: WorldOptions = {}): TunnelWorld {
  const net = new SimNetwork({ seed: 7 });
  const haHost = new SimTransportHost({ addresses: [HA6, HA4], raw: true });
  const side = ueSide(t);
  const ueHost = new SimTransportHost({ addresses: side.addresses, raw: true });
  net.addNode('ha', [HA6, HA4], haHost);
  net.addNode('ue', side.addresses, ueHost);
  let nat: Nat44 | undefined;
  if (t === 'nat') {
    nat = net.addNat('nat', { publicAddress: NAT_PUBLIC, mappingTimeoutMs: 300_000 }, ['ue']);
    net.connect('ue', 'nat', { latencyMs: 5 });
    net.connect('nat', 'ha', { latencyMs: 10 });
    net.setGateway('ue', 'nat');
  } else net.connect('ue', 'ha', { latencyMs: 10 });
  const mtus = { linkMtu: o.linkMtu ?? 1500, deviceMtu: o.deviceMtu ?? 1400 };
  const now = () => net.now;
  const core = new HomeAgentCore(haPolicy(), POOL);
  const haUdp = haHost.openUdpNow({ family: 4, address: HA4, port: UdpPort.DSMIPV6 });
  const haRaw = rawTunnels(haHost, t === 'ipv6' ? 6 : 4);
  const haDevice = new FakePacketDevice();
  const ha = new HaForwarder({
    device: haDevice,
    output: new RawTunnelOutput(haUdp, haRaw),
    icmp: new IcmpReporter({ ipv6Source: HA6, ipv4Source: HA4 }),
    now,
    ...mtus,
    homePrefixLength: 64,
    isMobileRouter: (a) => core.binding(a)?.has(32) ?? false, // BindingFlag.MOBILE_ROUTER
  });
  const fromUe = (outer: OuterInfo, inner: Uint8Array) => {
    if (core.acceptFromUe(outer, inner).kind === 'accept') ha.fromMobileNode(inner);
  };
  const haUdpSeen: InboundDatagram[] = [];
  haUdp.onMessage((d) => {
    haUdpSeen.push(d);
    const outer: OuterInfo = {
      family: 4,
      source: d.source as Ipv4Address,
      destination: HA4,
      sourcePort: d.sourcePort,
      viaUdp4191: true,
    };
    fromUe(outer, d.payload);
  });
  for (const r of haRaw) r.onPacket((p) => tunnelled(p.packet, fromUe));
  const ueUdp: DatagramTransport = ueHost.openUdpNow({ family: 4, port: UE_PORT });
  const ueRaw = rawTunnels(ueHost, t === 'ipv6' ? 6 : 4);
  const ueDevice = new FakePacketDevice();
  const ue = new UeForwarder({
    device: ueDevice,
    output: new RawTunnelOutput(t === 'ipv6' ? undefined : ueUdp, ueRaw),
    icmp: new IcmpReporter({ ipv6Source: HA6, ipv4Source: HA4 }),
    now,
    ...mtus,
  });
  ueUdp.onMessage((d) => {
    if (d.source.toString() === HA4.toString() && d.sourcePort === UdpPort.DSMIPV6) ue.fromHomeAgent(d.payload);
  });
  const fromHa = (outer: OuterInfo, inner: Uint8Array) => {
    if (outer.source.toString() === (outer.family === 4 ? HA4 : HA6).toString()) ue.fromHomeAgent(inner);
  };
  for (const r of ueRaw) r.onPacket((p) => tunnelled(p.packet, fromHa));

  // The UE's first packet opens the NAT mapping the BU would have opened (RFC 5555 §4.2); the HA drops it unbound.
  ue.setRoute(ueRoute(t));
  ue.setHomeAddresses({ ipv6: HOA, ipv4: undefined });
  let outer: OuterInfo = { family: 6, source: COA6, destination: HA6, viaUdp4191: false };
  if (t !== 'ipv6') {
    ueDevice.inject(ping(HOA, HA6));
    net.runUntilQuiescent();
    const first = haUdpSeen[0] ?? { source: COA4, sourcePort: UE_PORT };
    outer = {
      family: 4,
      source: first.source as Ipv4Address,
      destination: HA4,
      sourcePort: first.sourcePort,
      viaUdp4191: true,
    };
  }
  // BU { HoA, IPv4 HoA request, CoA option } through the ESP SA of HOA's IKE SA (RFC 4877 §4.3, RFC 5555 §3.1).
  const coaOption = side.careOf instanceof Ipv4Address ? v4Coa(side.careOf) : altCoa(side.careOf);
  core.handleBindingUpdate(net.now, bu({ sequence: 1 }, [v4Hoa(), coaOption]), context({ outer }));
  let ipv4HomeAddress: Ipv4Address | undefined;
  for (let e = core.pollEvent(); e !== undefined; e = core.pollEvent()) {
    ha.applyBindingEvent(e);
    if (e.kind === 'ipv4-hoa-assigned') ipv4HomeAddress = e.ipv4HomeAddress;
  }
  if (ipv4HomeAddress === undefined) throw new Error('the core assigned no IPv4 HoA');
  ue.setHomeAddresses({ ipv6: HOA, ipv4: ipv4HomeAddress });
  return { net, core, ha, ue, haDevice, ueDevice, haHost, ueHost, nat, ipv4HomeAddress, haUdpSeen };
}

function rawTunnels(host: SimTransportHost, family: 4 | 6): RawIpTransport[] {
  return [host.openRawNow(4, family), host.openRawNow(41, family)];
}

/** An IP-in-IP packet opened as the nodes' raw sockets do (src/node/ha/ha-raw-tunnels.ts). */
function tunnelled(packet: Uint8Array, then: (outer: OuterInfo, inner: Uint8Array) => void): void {
  try {
    const p = receivePacket(packet);
    if (p.kind === 'tunnelled') then(p.outer, p.inner);
  } catch (e) {
    if (!isWireError(e)) throw e;
  }
}
