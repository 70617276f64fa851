/**
 * ICMP for IPv4 (RFC 792): a generic message with its checksum, and the numbers a tunnel entry point needs to
 * report a packet it cannot forward (Destination Unreachable, RFC 792 p.4; Fragmentation Needed, RFC 1191 §4).
 *
 *   |     Type      |     Code      |          Checksum             |
 *   |           Rest of header (meaning depends on the type)        |
 *   |     Data (for errors: the invoking datagram's first bytes)    |
 *
 * RFC 792 calls ICMP "an integral part of IP", so its WireErrors carry the 'ipv4' layer.
 */
import { internetChecksum } from '../../util/checksum.ts';
import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';

/** IPv4 Protocol number of ICMP (RFC 792; IANA "Assigned Internet Protocol Numbers"). */
export const ICMPV4_PROTOCOL = 1;
/** Type, code, checksum and the 4-byte rest of header (RFC 792: every message has them). */
export const ICMPV4_HEADER_LENGTH = 8;

/** ICMPv4 types (RFC 792; RFC 1122 §3.2.2 names which of them are error messages). */
export const Icmpv4Type = {
  ECHO_REPLY: 0,
  DESTINATION_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/** Destination Unreachable codes (RFC 792 p.4; 4 gains the Next-Hop MTU field in RFC 1191 §4). */
export const Icmpv4UnreachableCode = {
  NET_UNREACHABLE: 0,
  HOST_UNREACHABLE: 1,
  PROTOCOL_UNREACHABLE: 2,
  PORT_UNREACHABLE: 3,
  FRAGMENTATION_NEEDED: 4,
} as const;

/** RFC 1122 §3.2.2: an ICMP error message, to which no ICMP error may ever answer. */
export function isIcmpv4ErrorType(type: number): boolean {
  return (
    type === Icmpv4Type.DESTINATION_UNREACHABLE ||
    type === Icmpv4Type.SOURCE_QUENCH ||
    type === Icmpv4Type.REDIRECT ||
    type === Icmpv4Type.TIME_EXCEEDED ||
    type === Icmpv4Type.PARAMETER_PROBLEM
  );
}

export interface Icmpv4Message {
  readonly type: number;
  readonly code: number;
  /** Everything after the checksum: the 4-byte rest of header, then the data (a view when decoded). */
  readonly body: Uint8Array;
}

const CHECKSUM_OFFSET = 2;

/** Reads a message filling the rest of `r` and verifies its checksum (RFC 792: over the whole ICMP message). */
export function parseIcmpv4(r: Reader): Icmpv4Message {
  const at = r.absoluteOffset;
  const raw = r.rest();
  const m = Reader.of(raw, 'ipv4', at);
  const type = m.u8('ICMP type');
  const code = m.u8('ICMP code');
  const checksum = m.u16('ICMP checksum');
  if (raw.length < ICMPV4_HEADER_LENGTH) m.fail('TRUNCATED', `ICMP header needs 8 bytes, have ${raw.length}`, 0);
  if (internetChecksum(raw) !== 0) {
    throw new WireError(
      'BAD_CHECKSUM',
      'ipv4',
      at + CHECKSUM_OFFSET,
      `ICMP checksum 0x${checksum.toString(16)} is wrong`,
    );
  }
  return { type, code, body: m.rest() };
}

export function icmpv4Length(v: Icmpv4Message): number {
  return 4 + v.body.length;
}

export function emitIcmpv4(v: Icmpv4Message, w: Writer): void {
  if (v.body.length < ICMPV4_HEADER_LENGTH - 4) {
    throw new RangeError(`an ICMP body holds at least the 4-byte rest of header, got ${v.body.length}`);
  }
  const start = w.offset;
  w.u8(v.type).u8(v.code);
  const checksumAt = w.reserve(2);
  w.bytes(v.body);
  w.patchU16(checksumAt, internetChecksum(w.buf.subarray(start, w.offset)));
}

export function decodeIcmpv4(bytes: Uint8Array): Icmpv4Message {
  return parseIcmpv4(Reader.of(bytes, 'ipv4'));
}

export function encodeIcmpv4(v: Icmpv4Message): Uint8Array {
  return encodeWith(v, icmpv4Length, emitIcmpv4);
}
