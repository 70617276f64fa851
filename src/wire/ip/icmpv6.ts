/**
 * ICMPv6 messages (RFC 4443 §2.1) with the IPv6 pseudo-header checksum (RFC 4443 §2.3, RFC 8200 §8.1).
 *
 *   |     Type      |     Code      |          Checksum             |
 *   |                         Message Body                          |
 */
import { finishChecksum, ipv6PseudoSum, onesSum } from '../../util/checksum.ts';
import { WireError } from '../../util/errors.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { ICMPV6_HEADER_LENGTH, IpProtocol } from './constants.ts';

export interface Icmpv6Message {
  readonly type: number;
  readonly code: number;
  /** Everything after the checksum (a view into the input when decoded). */
  readonly body: Uint8Array;
}

/** The addresses the checksum covers: for packets with HAO/RH2, `effectiveSource`/`effectiveDestination`. */
export interface Icmpv6PseudoHeader {
  readonly source: Ipv6Address;
  readonly destination: Ipv6Address;
}

const CHECKSUM_OFFSET = 2;

/** Checksum of a whole ICMPv6 message (checksum field included as it stands) with its pseudo-header. */
export function icmpv6Checksum(message: Uint8Array, pseudo: Icmpv6PseudoHeader): number {
  const base = ipv6PseudoSum(pseudo.source.bytes, pseudo.destination.bytes, message.length, IpProtocol.ICMPV6);
  return finishChecksum(onesSum(message, base));
}

/** Reads a message filling the rest of `r`; with `pseudo` the checksum is verified (RFC 4443 §2.4 (a)). */
export function parseIcmpv6(r: Reader, pseudo?: Icmpv6PseudoHeader): Icmpv6Message {
  const at = r.absoluteOffset;
  const raw = r.rest();
  const m = Reader.of(raw, 'icmpv6', at);
  const type = m.u8('type');
  const code = m.u8('code');
  const checksum = m.u16('checksum');
  if (pseudo && icmpv6Checksum(raw, pseudo) !== 0) {
    throw new WireError(
      'BAD_CHECKSUM',
      'icmpv6',
      at + CHECKSUM_OFFSET,
      `ICMPv6 checksum 0x${checksum.toString(16)} is wrong`,
    );
  }
  return { type, code, body: m.rest() };
}

export function icmpv6Length(v: Icmpv6Message): number {
  return ICMPV6_HEADER_LENGTH + v.body.length;
}

/** Writes the message; the checksum is mandatory in ICMPv6 (RFC 4443 §2.3), hence the pseudo-header. */
export function emitIcmpv6(v: Icmpv6Message, w: Writer, pseudo: Icmpv6PseudoHeader): void {
  const start = w.offset;
  w.u8(v.type).u8(v.code);
  const checksumAt = w.reserve(2);
  w.bytes(v.body);
  w.patchU16(checksumAt, icmpv6Checksum(w.buf.subarray(start, w.offset), pseudo));
}

export function decodeIcmpv6(bytes: Uint8Array, pseudo?: Icmpv6PseudoHeader): Icmpv6Message {
  return parseIcmpv6(Reader.of(bytes, 'icmpv6'), pseudo);
}

export function encodeIcmpv6(v: Icmpv6Message, pseudo: Icmpv6PseudoHeader): Uint8Array {
  return encodeWith(v, icmpv6Length, (x, w) => emitIcmpv6(x, w, pseudo));
}
