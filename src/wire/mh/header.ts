/**
 * The Mobility Header as a whole (RFC 6275 §6.1.1): `Payload Proto(1) Header Len(1) MH Type(1) Reserved(1)
 * Checksum(2)` then the message, the whole a multiple of 8 octets, checksummed over the IPv6 pseudo-header.
 */

import { finishChecksum, ipv6PseudoSum, onesSum } from '../../util/checksum.ts';
import { WireError } from '../../util/errors.ts';
import type { Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import { Writer } from '../../util/writer.ts';
import { IPPROTO_MH, IPPROTO_NONE, MH_MAX_LENGTH, MH_UNIT_OCTETS } from './constants.ts';
import {
  emitMessageBody,
  FIXED_LENGTH_BY_TYPE,
  MH_TYPE_OF_KIND,
  type MobilityMessage,
  messageLength,
  parseMessageBody,
} from './messages.ts';

/**
 * The pseudo-header addresses (RFC 6275 §6.1.1): `src` is the Home Address from a Home Address option when
 * the packet has one (else the IPv6 source), `dst` the final destination (the Type 2 Routing Header's home
 * address when present, RFC 8200 §8.1). The caller, which sees the extension headers, picks them.
 */
export interface MhPseudoHeader {
  readonly src: Ipv6Address;
  readonly dst: Ipv6Address;
}

const CHECKSUM_OFFSET = 4;

/**
 * The checksum value for the field of `mh` (the whole Mobility Header): computed as if the field were zero,
 * whatever it holds now.
 */
export function mobilityHeaderChecksum(mh: Uint8Array, addrs: MhPseudoHeader): number {
  let sum = onesSum(mh, ipv6PseudoSum(addrs.src.bytes, addrs.dst.bytes, mh.length, IPPROTO_MH));
  if (mh.length >= CHECKSUM_OFFSET + 2) {
    // Adding the one's complement of the field cancels it (x + ~x = 0xffff ≡ 0 in one's-complement arithmetic).
    sum += ~((mh[CHECKSUM_OFFSET]! << 8) | mh[CHECKSUM_OFFSET + 1]!) & 0xffff;
  }
  return finishChecksum(sum);
}

/** True when the checksum field of `mh` is right for these pseudo-header addresses. */
export function verifyMobilityHeaderChecksum(mh: Uint8Array, addrs: MhPseudoHeader): boolean {
  return finishChecksum(onesSum(mh, ipv6PseudoSum(addrs.src.bytes, addrs.dst.bytes, mh.length, IPPROTO_MH))) === 0;
}

/** Total length of the encoded MH in octets (a multiple of 8). */
export function mobilityHeaderLength(m: MobilityMessage): number {
  return messageLength(m);
}

function mhTypeOf(m: MobilityMessage): number {
  if (m.kind !== 'unknown') return MH_TYPE_OF_KIND[m.kind];
  // A type with a parser here would decode as that message, not as unknown: it could not round-trip.
  if (!Number.isInteger(m.type) || m.type < FIXED_LENGTH_BY_TYPE.length || m.type > 255) {
    throw new RangeError(`unknown MH type must be ${FIXED_LENGTH_BY_TYPE.length}..255, got ${m.type}`);
  }
  return m.type;
}

function emitWithLength(m: MobilityMessage, w: Writer, len: number, addrs: MhPseudoHeader): void {
  if (len < MH_UNIT_OCTETS || len > MH_MAX_LENGTH || len % MH_UNIT_OCTETS !== 0) {
    throw new RangeError(`MH length ${len} is not a multiple of 8 in 8..${MH_MAX_LENGTH}`);
  }
  const payloadProto = m.payloadProto ?? IPPROTO_NONE;
  if (!Number.isInteger(payloadProto) || payloadProto < 0 || payloadProto > 255) {
    throw new RangeError(`payloadProto must be 0..255, got ${payloadProto}`);
  }
  const start = w.offset;
  w.u8(payloadProto)
    .u8(len / MH_UNIT_OCTETS - 1)
    .u8(mhTypeOf(m))
    .u8(0)
    .u16(0);
  emitMessageBody(m, w);
  if (w.offset - start !== len) throw new RangeError(`MH emitter wrote ${w.offset - start} of ${len} octets`);
  const mh = start === 0 && len === w.buf.length ? w.buf : w.buf.subarray(start, start + len);
  w.patchU16(start + CHECKSUM_OFFSET, mobilityHeaderChecksum(mh, addrs));
}

/** Writes the MH with its checksum into `w` (which must have `mobilityHeaderLength(m)` octets of room). */
export function emitMobilityHeader(m: MobilityMessage, w: Writer, addrs: MhPseudoHeader): void {
  emitWithLength(m, w, messageLength(m), addrs);
}

/** Encodes `m` with padding and checksum. Values no peer could send (lifetimes not ×4, ...) are a RangeError. */
export function encodeMobilityHeader(m: MobilityMessage, addrs: MhPseudoHeader): Uint8Array {
  const len = messageLength(m);
  const w = Writer.alloc(len);
  emitWithLength(m, w, len, addrs);
  return w.finish();
}

/**
 * Decodes the MH in `b[s, s+len)`, where `len` was taken from Header Len and checked to fit.
 * `base` is the absolute offset of `b[0]`.
 */
function decodeAt(b: Uint8Array, s: number, len: number, base: number, addrs?: MhPseudoHeader): MobilityMessage {
  if (addrs !== undefined) {
    const mh = s === 0 && len === b.length ? b : b.subarray(s, s + len);
    // RFC 6275 §9.2: an invalid checksum means silent discard, before anything else is looked at.
    if (!verifyMobilityHeaderChecksum(mh, addrs)) {
      throw new WireError('BAD_CHECKSUM', 'mh', base + s + CHECKSUM_OFFSET, 'Mobility Header checksum mismatch');
    }
  }
  const type = b[s + 2]!;
  const fixed = FIXED_LENGTH_BY_TYPE[type];
  // RFC 6275 §9.2: Header Len below the type's own length → discard (ICMP Parameter Problem to the sender).
  if (fixed !== undefined && len < fixed) {
    throw new WireError(
      'BAD_LENGTH',
      'mh',
      base + s + 1,
      `MH type ${type} needs ${fixed} octets, Header Len gives ${len}`,
    );
  }
  const m = parseMessageBody(type, b, s, s + len, base);
  const payloadProto = b[s]!;
  // Payload Proto is kept for the caller, which must discard non-59 values (RFC 6275 §9.2).
  return payloadProto === IPPROTO_NONE ? m : { ...m, payloadProto };
}

function needHeader(available: number, at: number): void {
  if (available < MH_UNIT_OCTETS) {
    throw new WireError('TRUNCATED', 'mh', at, `Mobility Header needs 8 octets, have ${available}`);
  }
}

/**
 * Reads one MH from `r`, consuming exactly the octets Header Len declares (anything after it is the
 * caller's). With `addrs` the checksum is verified.
 */
export function parseMobilityHeader(r: Reader, addrs?: MhPseudoHeader): MobilityMessage {
  const at = r.absoluteOffset;
  needHeader(r.remaining, at);
  const len = (r.peekU8(1, 'Header Len') + 1) * MH_UNIT_OCTETS;
  if (len > r.remaining) {
    throw new WireError('BAD_LENGTH', 'mh', at + 1, `Header Len declares ${len} octets, ${r.remaining} available`);
  }
  return decodeAt(r.bytes(len, 'Mobility Header'), 0, len, at, addrs);
}

/**
 * Decodes `bytes`, which must be exactly one Mobility Header (the IPv6 upper-layer payload); a Header Len
 * that disagrees with the buffer is BAD_LENGTH. With `addrs` the checksum is verified (BAD_CHECKSUM).
 */
export function decodeMobilityHeader(bytes: Uint8Array, addrs?: MhPseudoHeader): MobilityMessage {
  needHeader(bytes.length, 0);
  const len = (bytes[1]! + 1) * MH_UNIT_OCTETS;
  if (len !== bytes.length) {
    throw new WireError('BAD_LENGTH', 'mh', 1, `Header Len declares ${len} octets, buffer has ${bytes.length}`);
  }
  return decodeAt(bytes, 0, len, 0, addrs);
}
