/**
 * The ICMP error messages a tunnel entry point sends (RFC 2473 §7.1, RFC 4213 §3.2): ICMPv6 Packet Too Big
 * (RFC 4443 §3.2) and Destination Unreachable (RFC 4443 §3.1), and ICMPv4 Destination Unreachable with the
 * Next-Hop MTU of Fragmentation Needed (RFC 792 p.4, RFC 1191 §4), over the generic codecs of icmpv6.ts and
 * icmpv4.ts. Other types decode as `unknown` and re-encode byte for byte.
 *
 *   Packet Too Big:            | 2 | 0 | checksum | MTU (32 bits)                       | invoking packet...
 *   Destination Unreachable:   | 1 | c | checksum | unused (32 bits)                    | invoking packet...
 *   ICMPv4 Dest. Unreachable:  | 3 | c | checksum | unused (16) | Next-Hop MTU (16)     | original datagram...
 */
import { Reader } from '../../util/reader.ts';
import { encodeWith, type Writer } from '../../util/writer.ts';
import { Icmpv6Type } from './constants.ts';
import { emitIcmpv4, type Icmpv4Message, Icmpv4Type, icmpv4Length, parseIcmpv4 } from './icmpv4.ts';
import { emitIcmpv6, type Icmpv6Message, type Icmpv6PseudoHeader, icmpv6Length, parseIcmpv6 } from './icmpv6.ts';

/** RFC 4443 §3.2. The code is "set to 0 by the originator and ignored by the receiver"; kept for round trips. */
export interface PacketTooBig {
  readonly kind: 'packet-too-big';
  readonly code: number;
  /** The MTU of the next-hop link (here: the largest inner packet the tunnel carries). */
  readonly mtu: number;
  readonly invokingPacket: Uint8Array;
}

/** RFC 4443 §3.1. Code 3 "address unreachable" is what RFC 6275 §10.4.2 asks for. */
export interface Icmpv6DestinationUnreachable {
  readonly kind: 'destination-unreachable';
  readonly code: number;
  /** The 32-bit unused field: zero from an originator, kept for a byte-exact round trip. */
  readonly reservedBits: number;
  readonly invokingPacket: Uint8Array;
}

export type Icmpv6Error =
  | PacketTooBig
  | Icmpv6DestinationUnreachable
  | { readonly kind: 'unknown'; readonly type: number; readonly code: number; readonly body: Uint8Array };

/** Codes of ICMPv6 Destination Unreachable (RFC 4443 §3.1). */
export const Icmpv6UnreachableCode = {
  NO_ROUTE: 0,
  ADMINISTRATIVELY_PROHIBITED: 1,
  BEYOND_SCOPE_OF_SOURCE: 2,
  ADDRESS_UNREACHABLE: 3,
  PORT_UNREACHABLE: 4,
} as const;

function icmpv6ErrorOf(m: Icmpv6Message, at: number): Icmpv6Error {
  if (m.type !== Icmpv6Type.PACKET_TOO_BIG && m.type !== Icmpv6Type.DESTINATION_UNREACHABLE) {
    return { kind: 'unknown', type: m.type, code: m.code, body: m.body };
  }
  const r = Reader.of(m.body, 'icmpv6', at + 4);
  const word = r.u32(m.type === Icmpv6Type.PACKET_TOO_BIG ? 'MTU' : 'unused');
  const invokingPacket = r.rest();
  if (m.type === Icmpv6Type.PACKET_TOO_BIG) return { kind: 'packet-too-big', code: m.code, mtu: word, invokingPacket };
  return { kind: 'destination-unreachable', code: m.code, reservedBits: word, invokingPacket };
}

function icmpv6MessageOf(v: Icmpv6Error): Icmpv6Message {
  if (v.kind === 'unknown') return v;
  const body = new Uint8Array(4 + v.invokingPacket.length);
  const word = v.kind === 'packet-too-big' ? v.mtu : v.reservedBits;
  new DataView(body.buffer).setUint32(0, word >>> 0);
  body.set(v.invokingPacket, 4);
  const type = v.kind === 'packet-too-big' ? Icmpv6Type.PACKET_TOO_BIG : Icmpv6Type.DESTINATION_UNREACHABLE;
  return { type, code: v.code, body };
}

/** Reads an ICMPv6 message filling `r`; with `pseudo` its checksum is verified (RFC 4443 §2.4 (a)). */
export function parseIcmpv6Error(r: Reader, pseudo?: Icmpv6PseudoHeader): Icmpv6Error {
  const at = r.absoluteOffset;
  return icmpv6ErrorOf(parseIcmpv6(r, pseudo), at);
}

export function icmpv6ErrorLength(v: Icmpv6Error): number {
  return v.kind === 'unknown' ? icmpv6Length(v) : 8 + v.invokingPacket.length;
}

export function emitIcmpv6Error(v: Icmpv6Error, w: Writer, pseudo: Icmpv6PseudoHeader): void {
  emitIcmpv6(icmpv6MessageOf(v), w, pseudo);
}

export function decodeIcmpv6Error(bytes: Uint8Array, pseudo?: Icmpv6PseudoHeader): Icmpv6Error {
  return parseIcmpv6Error(Reader.of(bytes, 'icmpv6'), pseudo);
}

export function encodeIcmpv6Error(v: Icmpv6Error, pseudo: Icmpv6PseudoHeader): Uint8Array {
  return encodeWith(v, icmpv6ErrorLength, (x, w) => emitIcmpv6Error(x, w, pseudo));
}

/** RFC 792 p.4 with RFC 1191 §4: the low 16 bits of the second word carry the Next-Hop MTU for code 4. */
export interface Icmpv4DestinationUnreachable {
  readonly kind: 'destination-unreachable';
  readonly code: number;
  /** The high 16 bits, unused (zero from an originator); kept for a byte-exact round trip. */
  readonly reservedBits: number;
  /** Next-Hop MTU (RFC 1191 §4); zero from routers that predate RFC 1191, or for other codes. */
  readonly nextHopMtu: number;
  /** The invoking datagram's IP header and leading data bytes. */
  readonly originalDatagram: Uint8Array;
}

export type Icmpv4Error =
  | Icmpv4DestinationUnreachable
  | { readonly kind: 'unknown'; readonly type: number; readonly code: number; readonly body: Uint8Array };

/** Reads an ICMPv4 message filling `r` and verifies its checksum. */
export function parseIcmpv4Error(r: Reader): Icmpv4Error {
  const at = r.absoluteOffset;
  const m = parseIcmpv4(r);
  if (m.type !== Icmpv4Type.DESTINATION_UNREACHABLE)
    return { kind: 'unknown', type: m.type, code: m.code, body: m.body };
  const b = Reader.of(m.body, 'ipv4', at + 4);
  const reservedBits = b.u16('unused');
  const nextHopMtu = b.u16('Next-Hop MTU');
  return { kind: 'destination-unreachable', code: m.code, reservedBits, nextHopMtu, originalDatagram: b.rest() };
}

function icmpv4MessageOf(v: Icmpv4Error): Icmpv4Message {
  if (v.kind === 'unknown') return v;
  const body = new Uint8Array(4 + v.originalDatagram.length);
  body[0] = v.reservedBits >>> 8;
  body[1] = v.reservedBits;
  body[2] = v.nextHopMtu >>> 8;
  body[3] = v.nextHopMtu;
  body.set(v.originalDatagram, 4);
  return { type: Icmpv4Type.DESTINATION_UNREACHABLE, code: v.code, body };
}

export function icmpv4ErrorLength(v: Icmpv4Error): number {
  return v.kind === 'unknown' ? icmpv4Length(v) : 8 + v.originalDatagram.length;
}

export function emitIcmpv4Error(v: Icmpv4Error, w: Writer): void {
  emitIcmpv4(icmpv4MessageOf(v), w);
}

export function decodeIcmpv4Error(bytes: Uint8Array): Icmpv4Error {
  return parseIcmpv4Error(Reader.of(bytes, 'ipv4'));
}

export function encodeIcmpv4Error(v: Icmpv4Error): Uint8Array {
  return encodeWith(v, icmpv4ErrorLength, emitIcmpv4Error);
}
