/**
 * UDP (RFC 768) with the IPv4 (RFC 768) and IPv6 (RFC 8200 §8.1) pseudo-header checksums.
 *
 *   |        Source Port            |       Destination Port        |
 *   |          Length               |          Checksum             |
 */
import { finishChecksum, ipv4PseudoSum, ipv6PseudoSum, onesSum } from '../../util/checksum.ts';
import { WireError } from '../../util/errors.ts';
import type { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { IpProtocol, UDP_HEADER_LENGTH } from './constants.ts';

export interface UdpDatagram {
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** A view into the input when decoded. */
  readonly payload: Uint8Array;
}

/**
 * The addresses the checksum covers. For IPv6 these are the effective ones (`effectiveSource` /
 * `effectiveDestination` in ipv6.ts) when a Home Address option or Type 2 Routing Header is present.
 */
export type UdpPseudoHeader =
  | {
      readonly version: 4;
      readonly source: Ipv4Address;
      readonly destination: Ipv4Address;
      /** Emit checksum 0, "no checksum" (RFC 768; e.g. NAT keepalives, RFC 3948 §2.3). IPv4 only. */
      readonly omitChecksum?: boolean;
    }
  | { readonly version: 6; readonly source: Ipv6Address; readonly destination: Ipv6Address };

const CHECKSUM_OFFSET = 6;
const MAX_LENGTH = 0xffff;

/** One's-complement checksum of `datagram` (checksum field included as it stands) with its pseudo-header. */
export function udpChecksum(datagram: Uint8Array, pseudo: UdpPseudoHeader): number {
  const base =
    pseudo.version === 4
      ? ipv4PseudoSum(pseudo.source.bytes, pseudo.destination.bytes, datagram.length, IpProtocol.UDP)
      : ipv6PseudoSum(pseudo.source.bytes, pseudo.destination.bytes, datagram.length, IpProtocol.UDP);
  return finishChecksum(onesSum(datagram, base));
}

/**
 * Reads a datagram that fills the rest of `r` (the IP payload). The Length field must equal that size.
 * With `pseudo`, the checksum is verified: over IPv4 a zero checksum means "none" and is accepted (RFC 768);
 * over IPv6 zero is invalid (RFC 8200 §8.1: receivers discard it).
 */
export function parseUdp(r: Reader, pseudo?: UdpPseudoHeader): UdpDatagram {
  const at = r.absoluteOffset;
  const raw = r.rest();
  const d = Reader.of(raw, 'udp', at);
  const sourcePort = d.u16('source port');
  const destinationPort = d.u16('destination port');
  const length = d.u16('length');
  const checksum = d.u16('checksum');
  if (length !== raw.length) {
    throw new WireError(
      'BAD_LENGTH',
      'udp',
      at + 4,
      `UDP length ${length} but the IP payload holds ${raw.length} bytes`,
    );
  }
  if (pseudo) {
    const bad = checksum === 0 ? pseudo.version === 6 : udpChecksum(raw, pseudo) !== 0;
    if (bad)
      throw new WireError(
        'BAD_CHECKSUM',
        'udp',
        at + CHECKSUM_OFFSET,
        `UDP checksum 0x${checksum.toString(16)} is wrong`,
      );
  }
  return { sourcePort, destinationPort, payload: d.rest() };
}

export function udpLength(v: UdpDatagram): number {
  return UDP_HEADER_LENGTH + v.payload.length;
}

/**
 * Writes the datagram and its checksum. Over IPv6 the checksum is always computed and a zero result is
 * sent as 0xffff (RFC 8200 §8.1); over IPv4 the same unless `omitChecksum` (RFC 768).
 */
export function emitUdp(v: UdpDatagram, w: Writer, pseudo: UdpPseudoHeader): void {
  const length = udpLength(v);
  if (length > MAX_LENGTH) throw new RangeError(`UDP datagram of ${length} bytes exceeds 65535`);
  const start = w.offset;
  w.u16(v.sourcePort).u16(v.destinationPort).u16(length);
  const checksumAt = w.reserve(2);
  w.bytes(v.payload);
  if (pseudo.version === 4 && pseudo.omitChecksum) return;
  const sum = udpChecksum(w.buf.subarray(start, start + length), pseudo);
  w.patchU16(checksumAt, sum === 0 ? 0xffff : sum);
}

export function decodeUdp(bytes: Uint8Array, pseudo?: UdpPseudoHeader): UdpDatagram {
  return parseUdp(Reader.of(bytes, 'udp'), pseudo);
}

export function encodeUdp(v: UdpDatagram, pseudo: UdpPseudoHeader): Uint8Array {
  return encodeWith(v, udpLength, (x, w) => emitUdp(x, w, pseudo));
}
