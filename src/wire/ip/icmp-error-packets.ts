/**
 * Whole IP packets carrying an ICMP error about an invoking packet, and the rules for when one may be sent at
 * all: RFC 4443 §2.4 (e) for ICMPv6, RFC 1122 §3.2.2 and RFC 1812 §4.3.2.7 for ICMPv4. The rules read the
 * invoking packet's raw bytes (bounds-checked, no decode): they run on a forwarding path.
 */
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { buildIpv4Packet, buildIpv6Packet } from './build.ts';
import { DEFAULT_TTL, Icmpv6Type, IPV6_HEADER_LENGTH, IpProtocol } from './constants.ts';
import { encodeIcmpv4Error, Icmpv6UnreachableCode } from './icmp-errors.ts';
import { ICMPV4_PROTOCOL, Icmpv4UnreachableCode, isIcmpv4ErrorType } from './icmpv4.ts';
import { walkIpv6Chain } from './ipv6-chain.ts';

/** RFC 8200 §5: the minimum IPv6 link MTU, which bounds an ICMPv6 error packet (RFC 4443 §2.4 (c)). */
export const IPV6_MINIMUM_MTU = 1280;
/** RFC 1812 §4.3.2.3: an ICMPv4 error carries as much of the original as fits in 576 bytes. */
export const ICMPV4_ERROR_MAX_LENGTH = 576;
const ICMP_ERROR_HEADER_LENGTH = 8;
const IPV4_HEADER_LENGTH = 20;

/** The invoking packet cut so the error packet stays within `limit` bytes (RFC 4443 §2.4 (c), RFC 1812 §4.3.2.3). */
function cut(invoking: Uint8Array, headerBytes: number, limit: number): Uint8Array {
  const room = limit - headerBytes - ICMP_ERROR_HEADER_LENGTH;
  return invoking.length <= room ? invoking : invoking.subarray(0, room);
}

export interface Icmpv6ErrorPacketOptions {
  /** An address of the node reporting the error. */
  readonly source: Ipv6Address;
  /** The invoking packet's source. */
  readonly destination: Ipv6Address;
  readonly invokingPacket: Uint8Array;
  readonly hopLimit?: number;
}

function icmpv6ErrorPacket(o: Icmpv6ErrorPacketOptions, type: number, code: number, word: number): Uint8Array {
  const invoking = cut(o.invokingPacket, IPV6_HEADER_LENGTH, IPV6_MINIMUM_MTU);
  const payload = new Uint8Array(ICMP_ERROR_HEADER_LENGTH + invoking.length);
  payload[0] = type;
  payload[1] = code;
  payload[4] = word >>> 24;
  payload[5] = word >>> 16;
  payload[6] = word >>> 8;
  payload[7] = word;
  payload.set(invoking, ICMP_ERROR_HEADER_LENGTH);
  return buildIpv6Packet({
    src: o.source,
    dst: o.destination,
    nextHeader: IpProtocol.ICMPV6,
    payload,
    hopLimit: o.hopLimit ?? DEFAULT_TTL,
    checksumOffset: 2, // RFC 4443 §2.3, over the pseudo-header of RFC 8200 §8.1
  });
}

/** IPv6 + ICMPv6 Packet Too Big (RFC 4443 §3.2) telling the source to send at most `mtu` bytes. */
export function buildPacketTooBig(o: Icmpv6ErrorPacketOptions & { readonly mtu: number }): Uint8Array {
  return icmpv6ErrorPacket(o, Icmpv6Type.PACKET_TOO_BIG, 0, o.mtu);
}

/** IPv6 + ICMPv6 Destination Unreachable (RFC 4443 §3.1); code 3 by default (RFC 6275 §10.4.2). */
export function buildIcmpv6Unreachable(o: Icmpv6ErrorPacketOptions & { readonly code?: number }): Uint8Array {
  return icmpv6ErrorPacket(
    o,
    Icmpv6Type.DESTINATION_UNREACHABLE,
    o.code ?? Icmpv6UnreachableCode.ADDRESS_UNREACHABLE,
    0,
  );
}

export interface Icmpv4ErrorPacketOptions {
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  readonly invokingPacket: Uint8Array;
  readonly ttl?: number;
  /** The IPv4 Identification of the error packet (RFC 6864: the sender's counter). */
  readonly identification?: number;
}

/** IPv4 + ICMP Destination Unreachable code 4 with the Next-Hop MTU (RFC 792 p.4, RFC 1191 §4). */
export function buildFragmentationNeeded(o: Icmpv4ErrorPacketOptions & { readonly nextHopMtu: number }): Uint8Array {
  const originalDatagram = cut(o.invokingPacket, IPV4_HEADER_LENGTH, ICMPV4_ERROR_MAX_LENGTH);
  const payload = encodeIcmpv4Error({
    kind: 'destination-unreachable',
    code: Icmpv4UnreachableCode.FRAGMENTATION_NEEDED,
    reservedBits: 0,
    nextHopMtu: o.nextHopMtu,
    originalDatagram,
  });
  return buildIpv4Packet({
    src: o.source,
    dst: o.destination,
    protocol: ICMPV4_PROTOCOL,
    payload,
    ttl: o.ttl ?? DEFAULT_TTL,
    identification: o.identification ?? 0,
  });
}

/**
 * RFC 4443 §2.4 (e): no ICMPv6 error about an ICMPv6 error (e.1) or a Redirect (e.2), about a packet to a multicast
 * address (except Packet Too Big, (e.3) exception 2), or about a packet whose source is unspecified or multicast
 * (e.6); (e.4) link-layer multicast cannot be told on a TUN. Needs a whole IPv6 header and a whole extension header
 * chain: a truncated one may hide an ICMPv6 error, so it gets no answer. Behind a later fragment the upper-layer
 * header cannot be seen (RFC 8200 §4.5) and the packet is treated as not ICMPv6.
 */
export function mayReportIpv6(packet: Uint8Array, packetTooBig: boolean): boolean {
  if (packet.length < IPV6_HEADER_LENGTH || packet[0]! >> 4 !== 6) return false;
  if (packet[8] === 0xff) return false; // multicast source
  let unspecified = true;
  for (let i = 8; i < 24; i++) {
    if (packet[i] !== 0) {
      unspecified = false;
      break;
    }
  }
  if (unspecified) return false;
  if (packet[24] === 0xff && !packetTooBig) return false;
  const chain = walkIpv6Chain(packet);
  if (chain === undefined) return false;
  if (chain.protocol === IpProtocol.ICMPV6 && chain.fragment !== 'later') {
    // Types below 128 are error messages (RFC 4443 §2.1); a missing type byte is treated as one (no answer).
    const type = packet[chain.offset];
    if (type === undefined || type < 128 || type === Icmpv6Type.REDIRECT) return false;
  }
  return true;
}

/** A source that names one host (RFC 1812 §4.3.2.7, RFC 1122 §3.2.1.3): not 0/8, 127/8, 224/4, 240/4 (broadcast). */
function isSingleHostIpv4(first: number): boolean {
  return first !== 0 && first !== 127 && first < 224;
}

/**
 * RFC 1812 §4.3.2.7 (RFC 1122 §3.2.2): no ICMP error about an ICMP error, a broadcast or multicast destination, a
 * non-initial fragment, or a datagram whose source does not name a single host. Needs a whole IPv4 header.
 */
export function mayReportIpv4(packet: Uint8Array): boolean {
  if (packet.length < IPV4_HEADER_LENGTH || packet[0]! >> 4 !== 4) return false;
  const headerLength = (packet[0]! & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH || headerLength > packet.length) return false;
  if (!isSingleHostIpv4(packet[12]!)) return false;
  const d0 = packet[16]!;
  if (d0 >= 224 || (d0 & packet[17]! & packet[18]! & packet[19]!) === 0xff) return false; // multicast, broadcast
  if ((((packet[6]! << 8) | packet[7]!) & 0x1fff) !== 0) return false; // not the first fragment
  if (packet[9] === ICMPV4_PROTOCOL) {
    const type = packet[headerLength];
    if (type === undefined || isIcmpv4ErrorType(type)) return false;
  }
  return true;
}
