/**
 * Test support: a UE and a HA whose data SA (RFC 5555 §5.2.2) comes out of their real IKE engines (src/ike
 * FakeLink, with or without a NAT), with the forwarders of both ends on in-memory devices. The ESP packets each end
 * sends are kept on a wire the test delivers from, so it can look at, capture, replay or drop them:
 *   UE device ─▶ UeForwarder ─▶ UeDataSa ══ESP══▶ HaDataSas ─▶ HaForwarder ─▶ HA device, and back.
 */
import type { ChildSaEvent, IkeEvent, IkePath } from '../../ike/events.ts';
import { IkeInitiator } from '../../ike/initiator.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { attached, FakeLink } from '../../ike/test-link.ts';
import { HA_ADDR, HA_HOME_ADDRESS, haConfig, seededRandom, ueConfig, validNow } from '../../ike/test-support.ts';
import { selectorsExcluding } from '../../ike/traffic-selectors.ts';
import type { TunnelRoute } from '../../mip/types.ts';
import type { DatagramTransport, InboundRawPacket, RawIpTransport } from '../../net/transport.ts';
import { copyBytes } from '../../util/bytes.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Listeners } from '../net/listeners.ts';
import { HaDataSas } from './ha-data-sas.ts';
import { HaForwarder } from './ha-forwarder.ts';
import { IcmpReporter } from './icmp-reporter.ts';
import { FakePacketDevice } from './test-support.ts';
import { RawTunnelOutput } from './tunnel-output.ts';
import { UeDataSa, type UeDataSaEvent } from './ue-data-sa.ts';
import { UeForwarder } from './ue-forwarder.ts';

export const HOA = Ipv6Address.parse('2001:db8:1::42'); // the test pool's first prefix, interface id ::42
export const HOA4 = Ipv4Address.parse('10.10.0.7');
export const HA6 = HA_HOME_ADDRESS;
export const HA4 = HA_ADDR;
export const UE_COA = Ipv4Address.parse('192.0.2.10');
export const NAT_ADDR = Ipv4Address.parse('203.0.113.5');
export const CN6 = Ipv6Address.parse('2001:db8:5::5');
export const CN4 = Ipv4Address.parse('203.0.113.99');

/** One ESP packet on the wire: UDP-encapsulated (with where it goes) or a whole IPv4 packet (raw). */
export type WirePacket =
  | {
      readonly from: 'ue' | 'ha';
      readonly kind: 'udp';
      readonly esp: Uint8Array;
      readonly to: IpAddress;
      readonly port: number;
    }
  | { readonly from: 'ue' | 'ha'; readonly kind: 'raw'; readonly packet: Uint8Array };

/** A raw IPv4 protocol 50 socket whose sends go on the wire. */
class WireRawEsp implements RawIpTransport {
  readonly family = 4 as const;
  readonly protocol = 50 as const;
  handler: ((p: InboundRawPacket) => void) | undefined;
  constructor(
    private readonly from: 'ue' | 'ha',
    private readonly wire: WirePacket[],
  ) {}
  send(packet: Uint8Array): void {
    this.wire.push({ from: this.from, kind: 'raw', packet: copyBytes(packet) });
  }
  onPacket(handler: (p: InboundRawPacket) => void): void {
    this.handler = handler;
  }
  close(): void {}
}

/** The DSMIPv6 tunnel's own sockets: what goes there did not take the data SA. */
export class PlainTunnelSink implements DatagramTransport {
  readonly family = 4 as const;
  readonly localAddress = Ipv4Address.ANY;
  readonly localPort = 4191;
  readonly sent: Uint8Array[] = [];
  send(payload: Uint8Array): void {
    this.sent.push(copyBytes(payload));
  }
  onMessage(): void {}
  close(): void {}
}

export interface DataSaWorld {
  readonly link: FakeLink;
  readonly ueSa: number;
  readonly haSa: number;
  readonly ue: UeDataSa;
  readonly ha: HaDataSas;
  readonly ueForwarder: UeForwarder;
  readonly haForwarder: HaForwarder;
  readonly ueDevice: FakePacketDevice;
  readonly haDevice: FakePacketDevice;
  readonly uePlain: PlainTunnelSink;
  readonly haPlain: PlainTunnelSink;
  readonly wire: WirePacket[];
  readonly ueEvents: UeDataSaEvent[];
  /** Both engines' Child SA events, for key logs. */
  readonly childEvents: { readonly side: 'ue' | 'ha'; readonly event: ChildSaEvent; readonly path: IkePath }[];
  /** Runs the IKE link until quiet and hands the engines' new events on. */
  pump(): void;
  /** Delivers every ESP packet on the wire to its receiver; returns them. */
  deliver(): WirePacket[];
  /** Where the HA sees the UE's UDP-encapsulated ESP come from: its NAT mapping (a test may move it). */
  ueMapping: { address: IpAddress; port: number };
}

export interface DataSaWorldOptions {
  readonly nat?: boolean;
  /** Raw protocol 50 sockets (root); default true. */
  readonly raw?: boolean;
  readonly linkMtu?: number;
  readonly deviceMtu?: number;
}

export function buildDataSaWorld(o: DataSaWorldOptions = {}): DataSaWorld {
  const wire: WirePacket[] = [];
  const mtus = { linkMtu: o.linkMtu ?? 1500, deviceMtu: o.deviceMtu ?? 1500 };
  const haRaw = o.raw === false ? undefined : new WireRawEsp('ha', wire);
  const ueRaw = o.raw === false ? undefined : new WireRawEsp('ue', wire);
  let ha: HaDataSas | undefined;
  const responder = new IkeResponder(
    haConfig({
      tunnelLocalSelectors: [...selectorsExcluding(HA6), ...selectorsExcluding(HA4)],
      ipv4HomeAddressesOf: (hoas) => ha?.ipv4HomeAddressesOf(hoas) ?? [],
    }),
  );
  const link = new FakeLink(
    new IkeInitiator(ueConfig()),
    responder,
    validNow(),
    o.nat ? { publicAddr: NAT_ADDR, portBase: 40000 } : undefined,
  );
  const { ueSa, haSa } = attached(link);
  const haDevice = new FakePacketDevice();
  const ueDevice = new FakePacketDevice();
  const haPlain = new PlainTunnelSink();
  const uePlain = new PlainTunnelSink();
  const haForwarderRef: { f?: HaForwarder } = {};
  ha = new HaDataSas({
    random: seededRandom('ha-esp'),
    mtus,
    pathOf: (id) => link.ha.ikeSa(id)?.path,
    sendUdp: (esp, to) => {
      wire.push({ from: 'ha', kind: 'udp', esp: copyBytes(esp), to: to.address, port: to.port });
      return true;
    },
    toCoreNetwork: (inner) => haForwarderRef.f?.fromDataSa(inner),
  });
  if (haRaw) ha.useRawEsp(haRaw);
  const haForwarder = new HaForwarder({
    device: haDevice,
    output: new RawTunnelOutput(haPlain, []),
    icmp: new IcmpReporter({ ipv6Source: HA6, ipv4Source: 'destination' }),
    now: () => link.now,
    ...mtus,
    homePrefixLength: 64,
    isMobileRouter: () => false,
    dataSas: ha,
  });
  haForwarderRef.f = haForwarder;
  const route: TunnelRoute = o.nat
    ? { kind: 'udp4', source: HA4, destination: NAT_ADDR, sourcePort: 4191, destinationPort: 41000 }
    : { kind: 'ipv4', source: HA4, destination: UE_COA };
  for (const e of [
    { kind: 'binding-created', homeAddress: HOA, careOf: UE_COA, tunnel: route, lifetimeSec: 3600, ikeSaId: '1' },
    { kind: 'ipv4-hoa-assigned', homeAddress: HOA, ipv4HomeAddress: HOA4, dynamic: true },
  ] as const) {
    const event = { keyManagementMobility: false, natDetected: o.nat ?? false, ...e };
    ha.applyBindingEvent(event);
    haForwarder.applyBindingEvent(event);
  }
  const ueEvents: UeDataSaEvent[] = [];
  const ike = new Listeners<IkeEvent>();
  let ueEsp: ((esp: Uint8Array) => void) | undefined;
  let ueForwarder: UeForwarder | undefined;
  const ue = new UeDataSa({
    homeAddress: HOA,
    homeAgent: { ipv6: HA6, ipv4: HA4 },
    random: seededRandom('ue-esp'),
    mtus,
    rawEsp: ueRaw,
    toDevice: (inner) => {
      ueForwarder?.fromHomeAgent(inner);
      return ueForwarder !== undefined;
    },
    onEvent: (e) => ueEvents.push(e),
  });
  ueForwarder = new UeForwarder({
    device: ueDevice,
    output: new RawTunnelOutput(uePlain, []),
    icmp: new IcmpReporter({ ipv6Source: HA6, ipv4Source: 'destination' }),
    now: () => link.now,
    ...mtus,
    dataSas: ue,
  });
  ueForwarder.setHomeAddresses({ ipv6: HOA, ipv4: HOA4 });
  ueForwarder.setRoute(
    o.nat
      ? { kind: 'udp4', source: UE_COA, destination: HA4, sourcePort: 4191, destinationPort: 4191 }
      : { kind: 'ipv4', source: UE_COA, destination: HA4 },
  );
  const childEvents: DataSaWorld['childEvents'][number][] = [];
  // From the start: the attach's own Child SAs (IKE_AUTH, BU/BA) pass by the data SA code too.
  let ueSeen = 0;
  let haSeen = 0;
  const pump = (): void => {
    link.flush();
    while (ueSeen < link.ueEvents.length || haSeen < link.haEvents.length) {
      for (; ueSeen < link.ueEvents.length; ueSeen++) {
        const e = link.ueEvents[ueSeen]!;
        if (e.kind === 'child-sa-established')
          childEvents.push({ side: 'ue', event: e, path: link.ue.ikeSa(e.ikeSaId)!.path });
        ike.emit(e);
      }
      for (; haSeen < link.haEvents.length; haSeen++) {
        const e = link.haEvents[haSeen]!;
        if (e.kind === 'child-sa-established')
          childEvents.push({ side: 'ha', event: e, path: link.ha.ikeSa(e.ikeSaId)!.path });
        ha.handleIkeEvent(e);
      }
      link.flush();
    }
  };
  ue.useIkeLink({
    ikeSaId: ueSa,
    createChildSa: (request) => link.ue.createChildSa(link.now, ueSa, request),
    deleteChildSa: (spiIn) => link.ue.deleteChildSa(link.now, ueSa, spiIn),
    state: () => {
      const sa = link.ue.ikeSa(ueSa);
      return sa && { path: sa.path, natDetected: sa.natDetected };
    },
    onEvent: (l) => ike.on(l),
    sendEsp: (esp, to) => {
      wire.push({ from: 'ue', kind: 'udp', esp: copyBytes(esp), to: to.address, port: to.port });
    },
    onEsp: (h) => {
      ueEsp = h;
    },
  });
  const haPath = link.ha.ikeSa(haSa)!.path;
  const world: { ueMapping: { address: IpAddress; port: number } } = {
    ueMapping: { address: haPath.remoteAddr, port: haPath.remotePort },
  };
  const deliver = (): WirePacket[] => {
    const out = wire.splice(0);
    for (const p of out) {
      if (p.from === 'ue') {
        if (p.kind === 'udp') ha.fromUdp(p.esp, { ...world.ueMapping });
        else haRaw?.handler?.({ packet: p.packet, receivedAt: link.now });
      } else if (p.kind === 'udp') ueEsp?.(p.esp);
      else ue.fromRawIpv4(p.packet);
    }
    return out;
  };
  return Object.assign(world, {
    link,
    ueSa,
    haSa,
    ue,
    ha,
    ueForwarder,
    haForwarder,
    ueDevice,
    haDevice,
    uePlain,
    haPlain,
    wire,
    ueEvents,
    childEvents,
    pump,
    deliver,
  });
}

/** Registers the UE from its IPv4 care-of address and runs the data SA's CREATE_CHILD_SA to the end. */
export function withDataSa(o: DataSaWorldOptions = {}): DataSaWorld {
  const w = buildDataSaWorld(o);
  w.ue.registered(UE_COA, HOA4);
  w.pump();
  return w;
}
