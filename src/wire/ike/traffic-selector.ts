import { WireError } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { TS_IPV4_SELECTOR_LENGTH, TS_IPV6_SELECTOR_LENGTH, TsType } from './constants.ts';

/** Traffic Selector payload body (RFC 7296 §3.13, §3.13.1). */

export type TrafficSelector =
  | {
      readonly kind: 'ipv4-range';
      /** IP protocol; 0 = any. */
      readonly ipProtocol: number;
      readonly startPort: number;
      readonly endPort: number;
      readonly startAddress: Ipv4Address;
      readonly endAddress: Ipv4Address;
    }
  | {
      readonly kind: 'ipv6-range';
      readonly ipProtocol: number;
      readonly startPort: number;
      readonly endPort: number;
      readonly startAddress: Ipv6Address;
      readonly endAddress: Ipv6Address;
    }
  /**
   * Any other TS Type: only Type and Selector Length are generic (RFC 7296 §3.13.1), so the second octet is
   * kept as `ipProtocol` (its meaning for types 7/8) and the bytes after the length as `data`.
   */
  | { readonly kind: 'unknown'; readonly type: number; readonly ipProtocol: number; readonly data: Uint8Array };

const SELECTOR_HEADER_LENGTH = 4;
const TS_BODY_HEADER_LENGTH = 4;

/**
 * MH Type as a selector "port" (RFC 7296 §3.13.1, RFC 4301 §4.4.1.1, RFC 4877 §7.3): the type in the high
 * byte, low byte zero. BU (5) → 0x0500.
 */
export function mhTypeToPort(mhType: number): number {
  if (!Number.isInteger(mhType) || mhType < 0 || mhType > 255) throw new RangeError(`MH type ${mhType} is not 0..255`);
  return mhType << 8;
}

/** The MH Type carried in a selector port (the high byte). */
export function portToMhType(port: number): number {
  return (port >>> 8) & 0xff;
}

/** ICMP/ICMPv6 type and code as a selector "port": type high, code low (RFC 7296 §3.13.1). */
export function icmpToPort(type: number, code: number): number {
  return ((type & 0xff) << 8) | (code & 0xff);
}

export function selectorLength(s: TrafficSelector): number {
  if (s.kind === 'ipv4-range') return TS_IPV4_SELECTOR_LENGTH;
  if (s.kind === 'ipv6-range') return TS_IPV6_SELECTOR_LENGTH;
  return SELECTOR_HEADER_LENGTH + s.data.length;
}

function parseSelector(r: Reader): TrafficSelector {
  const at = r.absoluteOffset;
  const type = r.u8('TS type');
  const ipProtocol = r.u8('IP protocol');
  const length = r.u16('selector length');
  const expected =
    type === TsType.IPV4_ADDR_RANGE
      ? TS_IPV4_SELECTOR_LENGTH
      : type === TsType.IPV6_ADDR_RANGE
        ? TS_IPV6_SELECTOR_LENGTH
        : -1;
  if (expected > 0 && length !== expected) {
    throw new WireError('BAD_LENGTH', r.layer, at + 2, `TS type ${type} selector length ${length} != ${expected}`);
  }
  if (length < SELECTOR_HEADER_LENGTH) {
    throw new WireError('BAD_LENGTH', r.layer, at + 2, `selector length ${length} < 4`);
  }
  if (length - SELECTOR_HEADER_LENGTH > r.remaining) {
    throw new WireError('BAD_LENGTH', r.layer, at + 2, `selector length ${length} overruns the payload`);
  }
  if (type === TsType.IPV4_ADDR_RANGE) {
    const startPort = r.u16();
    const endPort = r.u16();
    const startAddress = Ipv4Address.fromBytes(r.bytes(4));
    return {
      kind: 'ipv4-range',
      ipProtocol,
      startPort,
      endPort,
      startAddress,
      endAddress: Ipv4Address.fromBytes(r.bytes(4)),
    };
  }
  if (type === TsType.IPV6_ADDR_RANGE) {
    const startPort = r.u16();
    const endPort = r.u16();
    const startAddress = Ipv6Address.fromBytes(r.bytes(16));
    return {
      kind: 'ipv6-range',
      ipProtocol,
      startPort,
      endPort,
      startAddress,
      endAddress: Ipv6Address.fromBytes(r.bytes(16)),
    };
  }
  return { kind: 'unknown', type, ipProtocol, data: r.bytes(length - SELECTOR_HEADER_LENGTH, 'selector data') };
}

function emitSelector(s: TrafficSelector, w: Writer): void {
  if (s.kind === 'unknown') {
    w.u8(s.type).u8(s.ipProtocol).u16(selectorLength(s)).bytes(s.data);
    return;
  }
  const type = s.kind === 'ipv4-range' ? TsType.IPV4_ADDR_RANGE : TsType.IPV6_ADDR_RANGE;
  w.u8(type).u8(s.ipProtocol).u16(selectorLength(s)).u16(s.startPort).u16(s.endPort);
  w.bytes(s.startAddress.bytes).bytes(s.endAddress.bytes);
}

/** #TS | reserved(3) | selectors; #TS must equal the selectors that fill the payload. */
export function parseTsBody(r: Reader): TrafficSelector[] {
  const at = r.absoluteOffset;
  const count = r.u8('number of TSs');
  r.skipBytes(3, 'TS reserved');
  const selectors: TrafficSelector[] = [];
  while (!r.atEnd()) selectors.push(parseSelector(r));
  if (selectors.length !== count) {
    throw new WireError('BAD_LENGTH', r.layer, at, `TS payload says ${count} selectors, carries ${selectors.length}`);
  }
  return selectors;
}

export function tsBodyLength(selectors: readonly TrafficSelector[]): number {
  let n = TS_BODY_HEADER_LENGTH;
  for (const s of selectors) n += selectorLength(s);
  return n;
}

export function emitTsBody(selectors: readonly TrafficSelector[], w: Writer): void {
  if (selectors.length > 255) throw new RangeError('at most 255 traffic selectors per payload');
  w.u8(selectors.length).u24(0);
  for (const s of selectors) emitSelector(s, w);
}
