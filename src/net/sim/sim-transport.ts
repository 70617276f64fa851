/**
 * The transport interfaces of src/net/transport.ts over the simulated network: one `SimTransportHost` per node
 * is its `SimEndpoint`, hands out UDP and raw IP transports, frames what they send into real packets
 * (src/wire/ip) and dispatches what arrives: UDP by port (and address), everything else by protocol to the raw
 * transports. Whether raw sockets may be opened is configured per host (root or not). Timers of the node that
 * owns the host plug in through `timers`, so one object is the node's whole presence on the network.
 */

import { copyBytes } from '../../util/bytes.ts';
import { isWireError } from '../../util/errors.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildUdp4, buildUdp6 } from '../../wire/ip/build.ts';
import { IpProtocol } from '../../wire/ip/constants.ts';
import { effectiveDestination, effectiveSource } from '../../wire/ip/ipv6.ts';
import { decodeIpPacket, type IpPacket } from '../../wire/ip/tunnel.ts';
import { parseUdp } from '../../wire/ip/udp.ts';
import {
  type DatagramTransport,
  familyOf,
  type InboundDatagram,
  type InboundRawPacket,
  type IpFamily,
  isRawProtocolOf,
  type RawIpTransport,
  type RawProtocolNumber,
  TransportError,
  type TransportProvider,
  type UdpBindOptions,
  type UdpSendOptions,
} from '../transport.ts';
import type { SimEndpoint } from './network.ts';

export interface SimTransportHostOptions {
  readonly addresses: readonly IpAddress[];
  /** Raw sockets: true as root, false unprivileged, or per protocol and family. */
  readonly raw: boolean | ((protocol: number, family: IpFamily) => boolean);
}

/** The owning node's timers, driven by the network like an endpoint's. */
export interface SimTimers {
  nextTimeout(): number | undefined;
  timeout(now: number): void;
}

export interface SimTransportCounters {
  received: number;
  /** Packets no open transport wanted (no socket on the port, no raw transport for the protocol). */
  unclaimed: number;
  malformed: number;
}

const FIRST_EPHEMERAL_PORT = 49152;
const unspecified = (family: IpFamily): IpAddress => (family === 4 ? Ipv4Address.ANY : Ipv6Address.ANY);

class SimUdpTransport implements DatagramTransport {
  handler: ((d: InboundDatagram) => void) | undefined;
  closed = false;

  constructor(
    private readonly host: SimTransportHost,
    readonly family: IpFamily,
    readonly localAddress: IpAddress,
    readonly localPort: number,
  ) {}

  get wildcard(): boolean {
    return this.localAddress.isUnspecified;
  }

  send(payload: Uint8Array, address: IpAddress, port: number, options: UdpSendOptions = {}): void {
    if (this.closed) throw new TransportError('CLOSED', `UDP port ${this.localPort} is closed`);
    if (familyOf(address) !== this.family)
      throw new TransportError('FAMILY_MISMATCH', `${address} on IPv${this.family}`);
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new RangeError(`UDP port ${port}`);
    const source = options.source ?? (this.wildcard ? this.host.firstAddress(this.family) : this.localAddress);
    if (familyOf(source) !== this.family || !this.host.owns(source)) {
      throw new TransportError('ADDRESS_NOT_AVAILABLE', `${source} is not an address of this host`);
    }
    const common = { sourcePort: this.localPort, destinationPort: port, payload };
    this.host.queue(
      this.family === 4
        ? buildUdp4({ ...common, src: source as Ipv4Address, dst: address as Ipv4Address })
        : buildUdp6({ ...common, src: source as Ipv6Address, dst: address as Ipv6Address }),
    );
  }

  onMessage(handler: (d: InboundDatagram) => void): void {
    this.handler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.forgetUdp(this);
  }
}

class SimRawTransport implements RawIpTransport {
  handler: ((p: InboundRawPacket) => void) | undefined;
  closed = false;

  constructor(
    private readonly host: SimTransportHost,
    readonly family: IpFamily,
    readonly protocol: RawProtocolNumber,
  ) {}

  send(packet: Uint8Array): void {
    if (this.closed) throw new TransportError('CLOSED', `raw protocol ${this.protocol} is closed`);
    let ip: IpPacket;
    try {
      ip = decodeIpPacket(packet);
    } catch (e) {
      if (isWireError(e)) throw new RangeError(`raw send of a malformed packet: ${e.message}`);
      throw e;
    }
    if (ip.version !== this.family)
      throw new TransportError('FAMILY_MISMATCH', `IPv${ip.version} on IPv${this.family}`);
    if (protocolOf(ip) !== this.protocol) {
      throw new RangeError(`a protocol ${protocolOf(ip)} packet on a raw protocol ${this.protocol} transport`);
    }
    if (!this.host.owns(ip.packet.source)) {
      throw new TransportError('ADDRESS_NOT_AVAILABLE', `${ip.packet.source} is not an address of this host`);
    }
    this.host.queue(packet);
  }

  onPacket(handler: (p: InboundRawPacket) => void): void {
    this.handler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.forgetRaw(this);
  }
}

function protocolOf(ip: IpPacket): number {
  return ip.version === 4 ? ip.packet.protocol : ip.packet.nextHeader;
}

function isFragment(ip: IpPacket): boolean {
  if (ip.version === 4) return ip.packet.moreFragments || ip.packet.fragmentOffsetBytes !== 0;
  return ip.packet.extensionHeaders.some((h) => h.kind === 'fragment');
}

export class SimTransportHost implements SimEndpoint, TransportProvider {
  readonly counters: SimTransportCounters = { received: 0, unclaimed: 0, malformed: 0 };
  timers: SimTimers | undefined;
  private readonly addresses: readonly IpAddress[];
  private readonly outgoing: Uint8Array[] = [];
  private readonly udp: SimUdpTransport[] = [];
  private readonly raw: SimRawTransport[] = [];
  private nextPort = FIRST_EPHEMERAL_PORT;

  constructor(private readonly options: SimTransportHostOptions) {
    this.addresses = [...options.addresses];
  }

  owns(a: IpAddress): boolean {
    for (const x of this.addresses) if (x.bytes.length === a.bytes.length && equalBytes(x.bytes, a.bytes)) return true;
    return false;
  }

  firstAddress(family: IpFamily): IpAddress {
    const a = this.addresses.find((x) => familyOf(x) === family);
    if (a === undefined) throw new TransportError('ADDRESS_NOT_AVAILABLE', `no IPv${family} address on this host`);
    return a;
  }

  async openUdp(o: UdpBindOptions): Promise<DatagramTransport> {
    return this.openUdpNow(o);
  }

  /** `openUdp` without the promise (the simulator binds at once). */
  openUdpNow(o: UdpBindOptions): SimUdpTransport {
    const address = o.address ?? unspecified(o.family);
    if (familyOf(address) !== o.family) throw new TransportError('FAMILY_MISMATCH', `${address} on IPv${o.family}`);
    if (!address.isUnspecified && !this.owns(address)) {
      throw new TransportError('ADDRESS_NOT_AVAILABLE', `${address} is not an address of this host`);
    }
    if (!Number.isInteger(o.port) || o.port < 0 || o.port > 0xffff) throw new RangeError(`UDP port ${o.port}`);
    const port = o.port === 0 ? this.ephemeralPort(o.family) : o.port;
    const clash = this.udp.some(
      (t) =>
        t.family === o.family &&
        t.localPort === port &&
        (t.wildcard || address.isUnspecified || equalBytes(t.localAddress.bytes, address.bytes)),
    );
    if (clash) throw new TransportError('ADDRESS_IN_USE', `UDP ${address} port ${port} is taken`);
    const t = new SimUdpTransport(this, o.family, address, port);
    this.udp.push(t);
    return t;
  }

  canOpenRaw(protocol: number, family: IpFamily): boolean {
    if (!isRawProtocolOf(protocol, family)) return false;
    const raw = this.options.raw;
    return typeof raw === 'function' ? raw(protocol, family) : raw;
  }

  async openRaw(protocol: number, family: IpFamily): Promise<RawIpTransport> {
    return this.openRawNow(protocol, family);
  }

  /** `openRaw` without the promise. */
  openRawNow(protocol: number, family: IpFamily): SimRawTransport {
    if (!isRawProtocolOf(protocol, family)) {
      throw new TransportError('UNSUPPORTED', `protocol ${protocol} is not opened raw on IPv${family}`);
    }
    if (!this.canOpenRaw(protocol, family)) {
      throw new TransportError('PERMISSION', `raw protocol ${protocol} on IPv${family} needs privileges`);
    }
    const t = new SimRawTransport(this, family, protocol);
    this.raw.push(t);
    return t;
  }

  queue(packet: Uint8Array): void {
    this.outgoing.push(packet);
  }

  forgetUdp(t: SimUdpTransport): void {
    const i = this.udp.indexOf(t);
    if (i >= 0) this.udp.splice(i, 1);
  }

  forgetRaw(t: SimRawTransport): void {
    const i = this.raw.indexOf(t);
    if (i >= 0) this.raw.splice(i, 1);
  }

  receive(now: number, packet: Uint8Array): void {
    this.counters.received++;
    let ip: IpPacket;
    try {
      ip = decodeIpPacket(packet);
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.counters.malformed++;
      return;
    }
    if (isFragment(ip)) {
      this.counters.unclaimed++; // no reassembly in the simulator
      return;
    }
    const protocol = protocolOf(ip);
    if (protocol === IpProtocol.UDP) this.receiveUdp(now, ip);
    else this.receiveRaw(now, ip, protocol, packet);
  }

  timeout(now: number): void {
    this.timers?.timeout(now);
  }

  nextTimeout(): number | undefined {
    return this.timers?.nextTimeout();
  }

  pollSend(): Uint8Array | undefined {
    return this.outgoing.shift();
  }

  private receiveUdp(now: number, ip: IpPacket): void {
    const p = ip.packet;
    const at = ip.bytes.length - p.payload.length;
    let udp: ReturnType<typeof parseUdp>;
    try {
      udp = parseUdp(
        Reader.of(p.payload, 'udp', at),
        ip.version === 4
          ? { version: 4, source: ip.packet.source, destination: ip.packet.destination }
          : { version: 6, source: effectiveSource(ip.packet), destination: effectiveDestination(ip.packet) },
      );
    } catch (e) {
      if (!isWireError(e)) throw e;
      this.counters.malformed++;
      return;
    }
    const local = p.destination;
    // A socket bound to the exact address wins over a wildcard one (as on Linux).
    let target: SimUdpTransport | undefined;
    for (const t of this.udp) {
      if (t.family !== ip.version || t.localPort !== udp.destinationPort) continue;
      if (equalBytes(t.localAddress.bytes, local.bytes)) target = t;
      else if (t.wildcard && target === undefined) target = t;
    }
    if (target?.handler === undefined) {
      this.counters.unclaimed++;
      return;
    }
    target.handler({
      payload: udp.payload,
      source: p.source,
      sourcePort: udp.sourcePort,
      local,
      localPort: udp.destinationPort,
      receivedAt: now,
    });
  }

  private receiveRaw(now: number, ip: IpPacket, protocol: number, packet: Uint8Array): void {
    let claimed = false;
    // Every raw transport of the protocol gets its own copy, as raw sockets do.
    for (const t of [...this.raw]) {
      if (t.family !== ip.version || t.protocol !== protocol || t.handler === undefined) continue;
      claimed = true;
      t.handler({ packet: copyBytes(packet, 0, ip.bytes.length), receivedAt: now });
    }
    if (!claimed) this.counters.unclaimed++;
  }

  private ephemeralPort(family: IpFamily): number {
    for (let tries = 0; tries <= 0xffff - FIRST_EPHEMERAL_PORT; tries++) {
      const port = this.nextPort;
      this.nextPort = port >= 0xffff ? FIRST_EPHEMERAL_PORT : port + 1;
      if (!this.udp.some((t) => t.family === family && t.localPort === port)) return port;
    }
    throw new TransportError('ADDRESS_IN_USE', 'no ephemeral UDP port left');
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
