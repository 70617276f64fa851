/**
 * IPv6 fixed header (RFC 8200 §3) and its extension-header chain (RFC 8200 §4), plus the addresses an
 * upper-layer checksum uses when a Home Address option or a Type 2 Routing Header is present.
 *
 *   |Version| Traffic Class |              Flow Label               |
 *   |        Payload Length         |  Next Header  |   Hop Limit   |
 *   |                Source Address (16) | Destination Address (16)  |
 */
import { WireError } from '../../util/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { IPV6_HEADER_LENGTH, IpProtocol } from './constants.ts';
import {
  emitExtensionHeader,
  extensionHeaderLength,
  extensionHeaderProtocol,
  type Ipv6ExtensionHeader,
  isParsedExtensionHeader,
  parseExtensionHeader,
} from './ipv6-ext.ts';

export interface Ipv6Packet {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly hopLimit: number;
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
  /** Hop-by-Hop, Destination Options, Routing and Fragment headers in wire order. */
  readonly extensionHeaders: readonly Ipv6ExtensionHeader[];
  /** Protocol of `payload`: the Next Header of the last extension header, or of the fixed header. */
  readonly nextHeader: number;
  /** Upper-layer bytes up to Payload Length (a view into the input when decoded). */
  readonly payload: Uint8Array;
}

const MAX_PAYLOAD_LENGTH = 0xffff; // jumbograms (RFC 2675) are not supported

/**
 * Reads one IPv6 packet, consuming 40 + Payload Length bytes; later bytes (link padding) stay in `r`.
 * The chain stops at the first header that is not Hop-by-Hop, Destination Options or Routing, and right
 * after a Fragment header: what follows it is only a piece of the original packet (RFC 8200 §4.5).
 */
export function parseIpv6(r: Reader): Ipv6Packet {
  const at = r.absoluteOffset;
  if (r.remaining < IPV6_HEADER_LENGTH) {
    throw new WireError('TRUNCATED', 'ipv6', at, `IPv6 header needs 40 bytes, have ${r.remaining}`);
  }
  const version = r.peekU8() >> 4;
  if (version !== 6) throw new WireError('BAD_VERSION', 'ipv6', at, `IPv6 version is ${version}`);
  const payloadLength = (r.peekU8(4) << 8) | r.peekU8(5);
  if (payloadLength > r.remaining - IPV6_HEADER_LENGTH) {
    throw new WireError('TRUNCATED', 'ipv6', at + 4, `payload length ${payloadLength} > ${r.remaining - 40} bytes`);
  }
  const p = r.sub(IPV6_HEADER_LENGTH + payloadLength, 'IPv6 packet', 'ipv6');
  const word = p.u32();
  p.skipBytes(2); // Payload Length, read above
  let nextHeader = p.u8();
  const hopLimit = p.u8();
  const source = Ipv6Address.fromBytes(p.bytes(16));
  const destination = Ipv6Address.fromBytes(p.bytes(16));
  const extensionHeaders: Ipv6ExtensionHeader[] = [];
  let homeAddressOptions = 0;
  while (isParsedExtensionHeader(nextHeader)) {
    // RFC 8200 §4.3: Hop-by-Hop Options only immediately after the IPv6 header.
    if (nextHeader === IpProtocol.HOP_BY_HOP && extensionHeaders.length > 0) {
      throw new WireError('BAD_VALUE', 'ipv6-ext', p.absoluteOffset, 'Hop-by-Hop header not first in the chain');
    }
    const headerAt = p.absoluteOffset;
    const parsed = parseExtensionHeader(nextHeader, p);
    // RFC 6275 §6.3: at most one Home Address option per IPv6 header; a second would make the
    // packet's effective source (and its IPsec selector, RFC 4877 §4.2) ambiguous.
    if (parsed.header.kind === 'destinationOptions') {
      homeAddressOptions += parsed.header.options.filter((o) => o.kind === 'homeAddress').length;
      if (homeAddressOptions > 1)
        throw new WireError('BAD_VALUE', 'ipv6-ext', headerAt, 'more than one Home Address option');
    }
    extensionHeaders.push(parsed.header);
    nextHeader = parsed.nextHeader;
    if (parsed.header.kind === 'fragment') break;
  }
  return {
    trafficClass: (word >>> 20) & 0xff,
    flowLabel: word & 0xfffff,
    hopLimit,
    source,
    destination,
    extensionHeaders,
    nextHeader,
    payload: p.rest(),
  };
}

export function ipv6PayloadLength(v: Ipv6Packet): number {
  let n = v.payload.length;
  for (const h of v.extensionHeaders) n += extensionHeaderLength(h);
  return n;
}

export function ipv6Length(v: Ipv6Packet): number {
  return IPV6_HEADER_LENGTH + ipv6PayloadLength(v);
}

export function emitIpv6(v: Ipv6Packet, w: Writer): void {
  const payloadLength = ipv6PayloadLength(v);
  if (payloadLength > MAX_PAYLOAD_LENGTH) throw new RangeError(`IPv6 payload of ${payloadLength} bytes exceeds 65535`);
  const headers = v.extensionHeaders;
  const first = headers[0];
  w.u32(((6 << 28) | ((v.trafficClass & 0xff) << 20) | (v.flowLabel & 0xfffff)) >>> 0);
  w.u16(payloadLength);
  w.u8(first ? extensionHeaderProtocol(first) : v.nextHeader);
  w.u8(v.hopLimit);
  w.bytes(v.source.bytes);
  w.bytes(v.destination.bytes);
  for (let i = 0; i < headers.length; i++) {
    const following = headers[i + 1];
    emitExtensionHeader(headers[i]!, following ? extensionHeaderProtocol(following) : v.nextHeader, w);
  }
  w.bytes(v.payload);
}

/** Decodes one IPv6 packet; bytes after 40 + Payload Length (link padding) are ignored. */
export function decodeIpv6(bytes: Uint8Array): Ipv6Packet {
  return parseIpv6(Reader.of(bytes, 'ipv6'));
}

export function encodeIpv6(v: Ipv6Packet): Uint8Array {
  return encodeWith(v, ipv6Length, emitIpv6);
}

/** The first Home Address option in a Destination Options header, if any (RFC 6275 §6.3). */
export function findHomeAddressOption(v: Ipv6Packet): Ipv6Address | undefined {
  for (const h of v.extensionHeaders) {
    if (h.kind !== 'destinationOptions') continue;
    for (const o of h.options) if (o.kind === 'homeAddress') return o.homeAddress;
  }
  return undefined;
}

/** The first Type 2 Routing Header, if any (RFC 6275 §6.4). */
export function findRoutingType2(v: Ipv6Packet): { segmentsLeft: number; homeAddress: Ipv6Address } | undefined {
  for (const h of v.extensionHeaders) if (h.kind === 'routingType2') return h;
  return undefined;
}

/**
 * Source address for an upper-layer pseudo-header (MH, UDP, ICMPv6) of a packet as it is on the wire:
 * the Home Address option's address when present (RFC 6275 §6.1.1, §11.3.1), else the Source Address.
 */
export function effectiveSource(v: Ipv6Packet): Ipv6Address {
  return findHomeAddressOption(v) ?? v.source;
}

/**
 * Destination address for an upper-layer pseudo-header: the final destination (RFC 8200 §8.1). With a
 * Type 2 Routing Header still to be processed (Segments Left > 0) that is its home address (RFC 6275
 * §6.1.1); once processed (Segments Left 0) the Destination Address already holds it.
 */
export function effectiveDestination(v: Ipv6Packet): Ipv6Address {
  const rh2 = findRoutingType2(v);
  return rh2 && rh2.segmentsLeft > 0 ? rh2.homeAddress : v.destination;
}
