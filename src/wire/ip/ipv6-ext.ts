/**
 * IPv6 extension headers (RFC 8200 §4.3–4.6) and the Type 2 Routing Header (RFC 6275 §6.4).
 * Each header's own Next Header byte is not stored: the packet's chain order supplies it on emit.
 */

import { copyBytes } from '../../util/bytes.ts';
import { WireError } from '../../util/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { IpProtocol, RoutingType } from './constants.ts';
import { emitIpv6Options, type Ipv6Option, ipv6OptionsHeaderLength, parseIpv6Options } from './ipv6-options.ts';

export type Ipv6ExtensionHeader =
  | { readonly kind: 'hopByHop'; readonly options: readonly Ipv6Option[] }
  | { readonly kind: 'destinationOptions'; readonly options: readonly Ipv6Option[] }
  /** RFC 6275 §6.4: one address, the mobile node's home address. */
  | { readonly kind: 'routingType2'; readonly segmentsLeft: number; readonly homeAddress: Ipv6Address }
  /** Any other routing type, kept raw: `data` is everything after Segments Left (8n + 4 bytes). */
  | { readonly kind: 'routing'; readonly routingType: number; readonly segmentsLeft: number; readonly data: Uint8Array }
  | {
      readonly kind: 'fragment';
      /** Fragment Offset in bytes (8-octet units on the wire, RFC 8200 §4.5). */
      readonly fragmentOffsetBytes: number;
      readonly moreFragments: boolean; // M
      readonly identification: number;
    };

/** The Next Header values read as extension headers; anything else (ESP, AH, MH, UDP...) ends the chain. */
export function isParsedExtensionHeader(protocol: number): boolean {
  return (
    protocol === IpProtocol.HOP_BY_HOP ||
    protocol === IpProtocol.DEST_OPTS ||
    protocol === IpProtocol.ROUTING ||
    protocol === IpProtocol.FRAGMENT
  );
}

export function extensionHeaderProtocol(h: Ipv6ExtensionHeader): number {
  switch (h.kind) {
    case 'hopByHop':
      return IpProtocol.HOP_BY_HOP;
    case 'destinationOptions':
      return IpProtocol.DEST_OPTS;
    case 'routingType2':
    case 'routing':
      return IpProtocol.ROUTING;
    case 'fragment':
      return IpProtocol.FRAGMENT;
  }
}

const UNIT = 8;
const TYPE2_HDR_EXT_LEN = 2; // RFC 6275 §6.4.1: Hdr Ext Len MUST be 2
const TYPE2_LENGTH = 24;
const FRAGMENT_LENGTH = 8;

/** Reads the header `protocol` names; returns it with the Next Header it carries. */
export function parseExtensionHeader(protocol: number, r: Reader): { header: Ipv6ExtensionHeader; nextHeader: number } {
  const at = r.absoluteOffset;
  if (protocol === IpProtocol.FRAGMENT) {
    const f = r.sub(FRAGMENT_LENGTH, 'Fragment header', 'ipv6-ext');
    const nextHeader = f.u8();
    f.skipBytes(1); // Reserved: ignored on reception (RFC 8200 §4.5)
    const offsetAndFlags = f.u16();
    const identification = f.u32();
    const header: Ipv6ExtensionHeader = {
      kind: 'fragment',
      fragmentOffsetBytes: offsetAndFlags & 0xfff8,
      moreFragments: (offsetAndFlags & 0x0001) !== 0,
      identification,
    };
    return { header, nextHeader };
  }
  // Hop-by-Hop, Destination Options and Routing share Next Header + Hdr Ext Len (8-octet units beyond the first 8).
  if (r.remaining < 2) throw new WireError('TRUNCATED', 'ipv6-ext', at, 'extension header needs 2 bytes');
  const length = (r.peekU8(1) + 1) * UNIT;
  const h = r.sub(length, 'extension header', 'ipv6-ext');
  const nextHeader = h.u8();
  const hdrExtLen = h.u8();
  if (protocol === IpProtocol.HOP_BY_HOP)
    return { header: { kind: 'hopByHop', options: parseIpv6Options(h) }, nextHeader };
  if (protocol === IpProtocol.DEST_OPTS) {
    return { header: { kind: 'destinationOptions', options: parseIpv6Options(h) }, nextHeader };
  }
  if (protocol !== IpProtocol.ROUTING) throw new RangeError(`protocol ${protocol} is not a parsed extension header`);
  const routingType = h.u8();
  const segmentsLeft = h.u8();
  if (routingType === RoutingType.TYPE2) {
    if (hdrExtLen !== TYPE2_HDR_EXT_LEN) {
      throw new WireError('BAD_LENGTH', 'ipv6-ext', at + 1, `type 2 routing header Hdr Ext Len ${hdrExtLen} is not 2`);
    }
    h.skipBytes(4); // Reserved: MUST be ignored by the receiver (RFC 6275 §6.4.1)
    const homeAddress = Ipv6Address.fromBytes(h.bytes(16));
    return { header: { kind: 'routingType2', segmentsLeft, homeAddress }, nextHeader };
  }
  return { header: { kind: 'routing', routingType, segmentsLeft, data: copyBytes(h.rest()) }, nextHeader };
}

export function extensionHeaderLength(h: Ipv6ExtensionHeader): number {
  switch (h.kind) {
    case 'hopByHop':
    case 'destinationOptions':
      return ipv6OptionsHeaderLength(h.options);
    case 'routingType2':
      return TYPE2_LENGTH;
    case 'routing':
      return 4 + h.data.length;
    case 'fragment':
      return FRAGMENT_LENGTH;
  }
}

export function emitExtensionHeader(h: Ipv6ExtensionHeader, nextHeader: number, w: Writer): void {
  const length = extensionHeaderLength(h);
  switch (h.kind) {
    case 'hopByHop':
    case 'destinationOptions':
      w.u8(nextHeader).u8(length / UNIT - 1);
      emitIpv6Options(h.options, w);
      return;
    case 'routingType2':
      w.u8(nextHeader).u8(TYPE2_HDR_EXT_LEN).u8(RoutingType.TYPE2).u8(h.segmentsLeft);
      w.zeros(4).bytes(h.homeAddress.bytes);
      return;
    case 'routing':
      if (length % UNIT !== 0 || length > (0xff + 1) * UNIT) {
        throw new RangeError(`routing header data of ${h.data.length} bytes is not 8n+4 up to 2044`);
      }
      w.u8(nextHeader)
        .u8(length / UNIT - 1)
        .u8(h.routingType)
        .u8(h.segmentsLeft)
        .bytes(h.data);
      return;
    case 'fragment':
      if (h.fragmentOffsetBytes % UNIT !== 0 || h.fragmentOffsetBytes > 0xfff8) {
        throw new RangeError(`fragment offset ${h.fragmentOffsetBytes} is not a multiple of 8 below 65536`);
      }
      w.u8(nextHeader)
        .u8(0)
        .u16(h.fragmentOffsetBytes | (h.moreFragments ? 1 : 0))
        .u32(h.identification);
      return;
  }
}
