/**
 * DSMIPv6 tunnel formats (RFC 5555 §4.1): "vanilla" UDP encapsulation on port 4191, where the inner
 * packet's version nibble tells IPv4 from IPv6, and plain IP-in-IP: IPv6-in-IPv4 (protocol 41, RFC 4213),
 * IPv4-in-IPv4 / IPv4-in-IPv6 (4) and IPv6-in-IPv6 (41, RFC 2473). Thin: it composes ipv4/ipv6/udp.
 */
import { WireError, type WireLayer } from '../../util/errors.ts';
import { Ipv4Address, type Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { buildIpv4Packet, buildIpv6Packet, buildUdp4, buildUdp6 } from './build.ts';
import { DEFAULT_TTL, IpProtocol, UdpPort } from './constants.ts';
import { type Ipv4Packet, parseIpv4 } from './ipv4.ts';
import { effectiveDestination, effectiveSource, type Ipv6Packet, parseIpv6 } from './ipv6.ts';
import { parseUdp, type UdpDatagram } from './udp.ts';

/** A decoded IP packet with its raw bytes (a view), ready to be forwarded as is. */
export type IpPacket =
  | { readonly version: 4; readonly packet: Ipv4Packet; readonly bytes: Uint8Array }
  | { readonly version: 6; readonly packet: Ipv6Packet; readonly bytes: Uint8Array };

/** Outer addresses of a tunnel: both IPv4 or both IPv6. */
export type TunnelEndpoints = Ipv4Endpoints | Ipv6Endpoints;
export interface Ipv4Endpoints {
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
}
export interface Ipv6Endpoints {
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
}

function isV4(e: TunnelEndpoints): e is Ipv4Endpoints {
  return e.source instanceof Ipv4Address;
}

function readIpPacket(bytes: Uint8Array, layer: WireLayer, base: number, exact: boolean): IpPacket {
  const r = Reader.of(bytes, layer, base);
  if (bytes.length === 0) throw new WireError('TRUNCATED', layer, base, 'no IP packet');
  const version = bytes[0]! >> 4;
  let out: IpPacket;
  if (version === 4) out = { version: 4, packet: parseIpv4(r), bytes: bytes.subarray(0, r.offset) };
  else if (version === 6) out = { version: 6, packet: parseIpv6(r), bytes: bytes.subarray(0, r.offset) };
  else throw new WireError('BAD_VERSION', layer, base, `IP version nibble ${version} is neither 4 nor 6`);
  if (exact) r.expectEnd('tunnelled packet');
  return out;
}

/** Decodes an IPv4 or IPv6 packet by its version nibble; bytes after its length (link padding) are ignored. */
export function decodeIpPacket(bytes: Uint8Array): IpPacket {
  return readIpPacket(bytes, 'ipv4', 0, false);
}

/**
 * Classifies and decodes the packet carried in a UDP-encapsulated tunnel (RFC 5555 §4.1: no extra header,
 * the version nibble right after the UDP header decides). The packet must fill the payload exactly.
 * `base` is the payload's offset in the outer buffer, for error reports.
 */
export function classifyInnerPacket(bytes: Uint8Array, base = 0): IpPacket {
  return readIpPacket(bytes, 'udp-encap', base, true);
}

export interface UdpTunnelOptions {
  /** Inner IPv4 or IPv6 packet, sent as is. */
  readonly inner: Uint8Array;
  /** MN → HA: an arbitrary port Z; HA → MN: 4191 (RFC 5555 §4.1). */
  readonly sourcePort: number;
  /** MN → HA: 4191; HA → MN: the port Z the BU came from. */
  readonly destinationPort: number;
  /** TTL or hop limit of the outer header. */
  readonly ttl?: number;
}

/**
 * Wraps `inner` in UDP and an outer IPv4 header (or IPv6, the RFC 5555 §4.4.1 fallback), checksums
 * computed; the outer DSCP/ECN are 0.
 */
export function encapsulateUdp(outer: TunnelEndpoints, o: UdpTunnelOptions): Uint8Array {
  const common = { sourcePort: o.sourcePort, destinationPort: o.destinationPort, payload: o.inner };
  if (isV4(outer))
    return buildUdp4({ ...common, src: outer.source, dst: outer.destination, ttl: o.ttl ?? DEFAULT_TTL });
  return buildUdp6({ ...common, src: outer.source, dst: outer.destination, hopLimit: o.ttl ?? DEFAULT_TTL });
}

export interface UdpTunnelPacket {
  readonly outer: IpPacket;
  readonly udp: UdpDatagram;
  readonly inner: IpPacket;
}

/**
 * The upper-layer protocol of an outer packet and where its payload starts, refusing fragments:
 * reassembly belongs to the node, and a fragment cannot be decapsulated on its own.
 */
function outerPayload(outer: IpPacket, allowed: readonly number[]): { protocol: number; at: number; layer: WireLayer } {
  const layer = outer.version === 4 ? 'ipv4' : 'ipv6';
  const protocol = outer.version === 4 ? outer.packet.protocol : outer.packet.nextHeader;
  const fragmented =
    outer.version === 4
      ? outer.packet.moreFragments || outer.packet.fragmentOffsetBytes !== 0
      : outer.packet.extensionHeaders.some((h) => h.kind === 'fragment');
  if (fragmented) throw new WireError('UNSUPPORTED', layer, 0, 'outer packet is a fragment');
  if (!allowed.includes(protocol))
    throw new WireError('BAD_VALUE', layer, 0, `outer protocol ${protocol} not expected here`);
  return { protocol, at: outer.bytes.length - outer.packet.payload.length, layer };
}

/**
 * Unwraps outer IPv4/IPv6 · UDP · inner IP. The UDP checksum is verified over the outer addresses
 * (effective ones for IPv6) and one of the ports must be `port` (default 4191, RFC 5555 §4.1).
 */
export function decapsulateUdp(bytes: Uint8Array, port: number = UdpPort.DSMIPV6): UdpTunnelPacket {
  const outer = decodeIpPacket(bytes);
  const { at } = outerPayload(outer, [IpProtocol.UDP]);
  const pseudo =
    outer.version === 4
      ? ({ version: 4, source: outer.packet.source, destination: outer.packet.destination } as const)
      : ({
          version: 6,
          source: effectiveSource(outer.packet),
          destination: effectiveDestination(outer.packet),
        } as const);
  const udp = parseUdp(Reader.of(outer.packet.payload, 'udp', at), pseudo);
  if (udp.sourcePort !== port && udp.destinationPort !== port) {
    throw new WireError('BAD_VALUE', 'udp', at, `neither UDP port is ${port}`);
  }
  const inner = classifyInnerPacket(udp.payload, at + 8);
  return { outer, udp, inner };
}

export interface IpInIpOptions {
  readonly inner: Uint8Array;
  readonly ttl?: number;
  /** Outer DSCP+ECN byte; by default `outerTrafficClass(inner)`: the inner DSCP, ECN Not-ECT. */
  readonly trafficClass?: number;
  readonly identification?: number;
}

/** The protocol number for tunnelling `inner`: 4 for IPv4, 41 for IPv6 (RFC 5555 §4.1). */
export function tunnelProtocolFor(inner: Uint8Array): number {
  const version = (inner[0] ?? 0) >> 4;
  if (version === 4) return IpProtocol.IPV4_IN_IP;
  if (version === 6) return IpProtocol.IPV6;
  throw new RangeError(`inner packet version ${version} is neither 4 nor 6`);
}

/** ECN bits of a TOS / Traffic Class byte (RFC 3168 §5). */
const ECN_MASK = 0x03;

/**
 * The outer TOS / Traffic Class byte for `inner`: its DSCP (RFC 2983 §3.1 uniform model), ECN Not-ECT (00).
 * RFC 6040 §4.1 compatibility mode, which §4.3 asks for when the egress may not copy CE inside: no decapsulator
 * here carries an outer CE mark to the inner header (§4.2), so an ECT outer header would invite marks that are
 * then lost. The user-plane framers (src/node/tun/tunnel-framer.ts) write the same byte (spec-choices DSA-10).
 */
export function outerTrafficClass(inner: Uint8Array): number {
  const b0 = inner[0] ?? 0;
  const b1 = inner[1] ?? 0;
  const tc = b0 >> 4 === 4 ? b1 : ((b0 & 0x0f) << 4) | (b1 >> 4);
  return tc & ~ECN_MASK & 0xff;
}

/** IPv6-in-IPv4 (41), IPv4-in-IPv4 (4), IPv4-in-IPv6 (4) or IPv6-in-IPv6 (41), without UDP. */
export function encapsulateIpInIp(outer: TunnelEndpoints, o: IpInIpOptions): Uint8Array {
  const protocol = tunnelProtocolFor(o.inner);
  const tc = o.trafficClass ?? outerTrafficClass(o.inner);
  const ttl = o.ttl ?? DEFAULT_TTL;
  if (isV4(outer)) {
    return buildIpv4Packet({
      src: outer.source,
      dst: outer.destination,
      protocol,
      payload: o.inner,
      ttl,
      dscp: tc >> 2,
      ecn: tc & 3,
      identification: o.identification ?? 0,
    });
  }
  return buildIpv6Packet({
    src: outer.source,
    dst: outer.destination,
    nextHeader: protocol,
    payload: o.inner,
    hopLimit: ttl,
    trafficClass: tc,
  });
}

export interface IpInIpPacket {
  readonly outer: IpPacket;
  readonly inner: IpPacket;
}

/** Unwraps IP-in-IP; the inner version must match the protocol number (4 ↔ IPv4, 41 ↔ IPv6). */
export function decapsulateIpInIp(bytes: Uint8Array): IpInIpPacket {
  const outer = decodeIpPacket(bytes);
  const { protocol, at, layer } = outerPayload(outer, [IpProtocol.IPV4_IN_IP, IpProtocol.IPV6]);
  const inner = readIpPacket(outer.packet.payload, layer, at, true);
  if ((inner.version === 4) !== (protocol === IpProtocol.IPV4_IN_IP)) {
    throw new WireError('BAD_VERSION', layer, at, `protocol ${protocol} carries an IPv${inner.version} packet`);
  }
  return { outer, inner };
}
