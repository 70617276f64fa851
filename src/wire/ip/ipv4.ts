/**
 * IPv4 header and payload (RFC 791 §3.1), DSCP/ECN per RFC 2474 §3 and RFC 3168 §5.
 *
 *   0       4       8              16   19                        31
 *   |Version|  IHL  | DSCP    |ECN |         Total Length          |
 *   |        Identification        |Flags|   Fragment Offset      |
 *   |  Time to Live |    Protocol   |        Header Checksum        |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options (IHL*4 - 20 bytes)                 |
 */
import { internetChecksum } from '../../util/checksum.ts';
import { WireError, type WireErrorCode } from '../../util/errors.ts';
import { Ipv4Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { IPV4_MAX_HEADER_LENGTH, IPV4_MIN_HEADER_LENGTH } from './constants.ts';

export interface Ipv4Packet {
  /** Differentiated Services code point, 6 bits (RFC 2474 §3). */
  readonly dscp: number;
  /** ECN field, 2 bits (RFC 3168 §5). */
  readonly ecn: number;
  readonly identification: number;
  /** Flags bit 0, "reserved, must be zero" (RFC 791 §3.1); kept so any header re-encodes byte for byte. */
  readonly reservedFlag: boolean;
  readonly dontFragment: boolean; // DF
  readonly moreFragments: boolean; // MF
  /** Fragment offset in bytes (8-octet units on the wire). */
  readonly fragmentOffsetBytes: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** Raw options, a multiple of 4 bytes, at most 40 (IHL is 4 bits of 32-bit words). */
  readonly options: Uint8Array;
  /** The bytes after the header up to Total Length (a view into the input when decoded). */
  readonly payload: Uint8Array;
}

const MAX_TOTAL_LENGTH = 0xffff;
const MAX_FRAGMENT_OFFSET_UNITS = 0x1fff;

function fail(r: Reader, code: WireErrorCode, detail: string, ahead = 0): never {
  throw new WireError(code, 'ipv4', r.absoluteOffset + ahead, detail);
}

/**
 * Reads one IPv4 packet. Consumes Total Length bytes: anything after that in the reader is link-layer
 * padding (RFC 894 Ethernet minimum frame) and is left for the caller.
 */
export function parseIpv4(r: Reader): Ipv4Packet {
  if (r.remaining < IPV4_MIN_HEADER_LENGTH) fail(r, 'TRUNCATED', `IPv4 header needs 20 bytes, have ${r.remaining}`);
  const first = r.peekU8(0);
  if (first >> 4 !== 4) fail(r, 'BAD_VERSION', `IPv4 version is ${first >> 4}`);
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) fail(r, 'BAD_LENGTH', `IHL ${first & 0x0f} is below 5`);
  const totalLength = (r.peekU8(2) << 8) | r.peekU8(3);
  // RFC 791 §3.1: Total Length covers header and data, so it can never be shorter than the header.
  if (totalLength < headerLength) fail(r, 'BAD_LENGTH', `total length ${totalLength} < header ${headerLength}`, 2);
  if (totalLength > r.remaining) fail(r, 'TRUNCATED', `total length ${totalLength} > ${r.remaining} bytes`, 2);
  const checksumAt = r.absoluteOffset + 10;
  const p = r.sub(totalLength, 'IPv4 packet', 'ipv4');
  const h = p.bytes(headerLength, 'IPv4 header');
  if (internetChecksum(h) !== 0)
    throw new WireError('BAD_CHECKSUM', 'ipv4', checksumAt, 'IPv4 header checksum mismatch');
  const fragment = (h[6]! << 8) | h[7]!;
  return {
    dscp: h[1]! >> 2,
    ecn: h[1]! & 0x03,
    identification: (h[4]! << 8) | h[5]!,
    reservedFlag: (fragment & 0x8000) !== 0,
    dontFragment: (fragment & 0x4000) !== 0,
    moreFragments: (fragment & 0x2000) !== 0,
    fragmentOffsetBytes: (fragment & MAX_FRAGMENT_OFFSET_UNITS) * 8,
    ttl: h[8]!,
    protocol: h[9]!,
    source: Ipv4Address.fromBytes(h.subarray(12, 16)),
    destination: Ipv4Address.fromBytes(h.subarray(16, 20)),
    options: h.subarray(IPV4_MIN_HEADER_LENGTH),
    payload: p.rest(),
  };
}

export function ipv4HeaderLength(v: Ipv4Packet): number {
  return IPV4_MIN_HEADER_LENGTH + v.options.length;
}

export function ipv4Length(v: Ipv4Packet): number {
  return ipv4HeaderLength(v) + v.payload.length;
}

/** Writes the header (checksum computed, RFC 791 §3.1) and the payload. */
export function emitIpv4(v: Ipv4Packet, w: Writer): void {
  const headerLength = ipv4HeaderLength(v);
  const totalLength = headerLength + v.payload.length;
  if (v.options.length % 4 !== 0 || headerLength > IPV4_MAX_HEADER_LENGTH) {
    throw new RangeError(`IPv4 options must be a multiple of 4 bytes up to 40, got ${v.options.length}`);
  }
  if (totalLength > MAX_TOTAL_LENGTH) throw new RangeError(`IPv4 packet of ${totalLength} bytes exceeds 65535`);
  if (v.fragmentOffsetBytes % 8 !== 0 || v.fragmentOffsetBytes / 8 > MAX_FRAGMENT_OFFSET_UNITS) {
    throw new RangeError(`IPv4 fragment offset ${v.fragmentOffsetBytes} is not a multiple of 8 below 65536`);
  }
  const start = w.offset;
  w.u8(0x40 | (headerLength >> 2));
  w.u8(((v.dscp & 0x3f) << 2) | (v.ecn & 0x03));
  w.u16(totalLength);
  w.u16(v.identification);
  const flags = (v.reservedFlag ? 0x8000 : 0) | (v.dontFragment ? 0x4000 : 0) | (v.moreFragments ? 0x2000 : 0);
  w.u16(flags | (v.fragmentOffsetBytes / 8));
  w.u8(v.ttl);
  w.u8(v.protocol);
  const checksumAt = w.reserve(2);
  w.bytes(v.source.bytes);
  w.bytes(v.destination.bytes);
  w.bytes(v.options);
  w.patchU16(checksumAt, internetChecksum(w.buf.subarray(start, start + headerLength)));
  w.bytes(v.payload);
}

/** Decodes one IPv4 packet; bytes after Total Length (link padding) are ignored. */
export function decodeIpv4(bytes: Uint8Array): Ipv4Packet {
  return parseIpv4(Reader.of(bytes, 'ipv4'));
}

export function encodeIpv4(v: Ipv4Packet): Uint8Array {
  return encodeWith(v, ipv4Length, emitIpv4);
}
