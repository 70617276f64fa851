import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { CP_ATTRIBUTE_RESERVED_BIT, CpValueLength, CpAttributeType as T } from './constants.ts';

/**
 * Configuration payload attributes (RFC 7296 §3.15.1; RFC 5026 §8.2; TS 24.302 HOME_AGENT_ADDRESS).
 *
 * Every known layout allows an empty value (a request: RFC 7296 §3.15.1 "zero-length … if no specific
 * address is requested"), decoded as `undefined`. A known type whose length fits none of its layouts
 * decodes as `unknown` with the raw value instead of failing: RFC 7296 §3.15.1 has receivers ignore
 * attributes they cannot use, and strongSwan sends a 17-byte MIP6_HOME_PREFIX (address + prefix length)
 * when configured from a file, which a caller may still choose to read.
 */

/** 4-byte IPv4 value or empty. */
export type Ipv4AttributeType = 1 | 2 | 3 | 4 | 6 | 20;
/** 16-byte IPv6 value or empty. */
export type Ipv6AttributeType = 10 | 12 | 21;
/** 16-byte IPv6 address + 1-byte prefix length, or empty. */
export type Ipv6PrefixAttributeType = 8 | 15;

export interface Ipv6Prefix {
  readonly address: Ipv6Address;
  readonly prefixLength: number;
}

/** RFC 5026 §8.2 reply value; lifetime units are not stated by the RFC and are read as seconds. */
export interface Mip6HomePrefix {
  readonly prefixLifetimeSec: number;
  readonly prefix: Ipv6Address;
  readonly prefixLength: number;
}

/** TS 24.302: an IPv6 home agent address, optionally followed by an IPv4 one (16 or 20 bytes). */
export interface HomeAgentAddress {
  readonly ipv6: Ipv6Address;
  readonly ipv4: Ipv4Address | undefined;
}

export type CpAttribute =
  | { readonly kind: 'ipv4'; readonly type: Ipv4AttributeType; readonly address: Ipv4Address | undefined }
  | { readonly kind: 'ipv6'; readonly type: Ipv6AttributeType; readonly address: Ipv6Address | undefined }
  | { readonly kind: 'ipv6-prefix'; readonly type: Ipv6PrefixAttributeType; readonly value: Ipv6Prefix | undefined }
  | { readonly kind: 'mip6-home-prefix'; readonly value: Mip6HomePrefix | undefined }
  | { readonly kind: 'home-agent-address'; readonly value: HomeAgentAddress | undefined }
  /** Types not listed above, and known types with a value length their layout does not allow. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

const IPV4_TYPES: ReadonlySet<number> = new Set<Ipv4AttributeType>([1, 2, 3, 4, 6, 20]);
const IPV6_TYPES: ReadonlySet<number> = new Set<Ipv6AttributeType>([10, 12, 21]);
const IPV6_PREFIX_TYPES: ReadonlySet<number> = new Set<Ipv6PrefixAttributeType>([8, 15]);

function decodeAttribute(type: number, v: Uint8Array): CpAttribute {
  const n = v.length;
  if (IPV4_TYPES.has(type)) {
    if (n === 0) return { kind: 'ipv4', type: type as Ipv4AttributeType, address: undefined };
    if (n === CpValueLength.IPV4)
      return { kind: 'ipv4', type: type as Ipv4AttributeType, address: Ipv4Address.fromBytes(v) };
  } else if (IPV6_TYPES.has(type)) {
    if (n === 0) return { kind: 'ipv6', type: type as Ipv6AttributeType, address: undefined };
    if (n === CpValueLength.IPV6)
      return { kind: 'ipv6', type: type as Ipv6AttributeType, address: Ipv6Address.fromBytes(v) };
  } else if (IPV6_PREFIX_TYPES.has(type)) {
    const t = type as Ipv6PrefixAttributeType;
    if (n === 0) return { kind: 'ipv6-prefix', type: t, value: undefined };
    if (n === CpValueLength.IPV6_PREFIX) {
      return {
        kind: 'ipv6-prefix',
        type: t,
        value: { address: Ipv6Address.fromBytes(v.subarray(0, 16)), prefixLength: v[16]! },
      };
    }
  } else if (type === T.MIP6_HOME_PREFIX) {
    if (n === 0) return { kind: 'mip6-home-prefix', value: undefined };
    if (n === CpValueLength.MIP6_HOME_PREFIX) {
      // RFC 5026 §8.2: Prefix Lifetime(4) | Home Prefix(16) | Prefix Length(1).
      const prefixLifetimeSec = ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
      const prefix = Ipv6Address.fromBytes(v.subarray(4, 20));
      return { kind: 'mip6-home-prefix', value: { prefixLifetimeSec, prefix, prefixLength: v[20]! } };
    }
  } else if (type === T.HOME_AGENT_ADDRESS) {
    if (n === 0) return { kind: 'home-agent-address', value: undefined };
    if (n === CpValueLength.HOME_AGENT_IPV6 || n === CpValueLength.HOME_AGENT_DUAL) {
      const ipv6 = Ipv6Address.fromBytes(v.subarray(0, 16));
      const ipv4 = n === CpValueLength.HOME_AGENT_DUAL ? Ipv4Address.fromBytes(v.subarray(16, 20)) : undefined;
      return { kind: 'home-agent-address', value: { ipv6, ipv4 } };
    }
  }
  return { kind: 'unknown', type, data: v };
}

export function cpAttributeType(a: CpAttribute): number {
  switch (a.kind) {
    case 'mip6-home-prefix':
      return T.MIP6_HOME_PREFIX;
    case 'home-agent-address':
      return T.HOME_AGENT_ADDRESS;
    default:
      return a.type;
  }
}

function valueLength(a: CpAttribute): number {
  switch (a.kind) {
    case 'ipv4':
      return a.address ? CpValueLength.IPV4 : 0;
    case 'ipv6':
      return a.address ? CpValueLength.IPV6 : 0;
    case 'ipv6-prefix':
      return a.value ? CpValueLength.IPV6_PREFIX : 0;
    case 'mip6-home-prefix':
      return a.value ? CpValueLength.MIP6_HOME_PREFIX : 0;
    case 'home-agent-address':
      if (!a.value) return 0;
      return a.value.ipv4 ? CpValueLength.HOME_AGENT_DUAL : CpValueLength.HOME_AGENT_IPV6;
    case 'unknown':
      return a.data.length;
  }
}

function emitValue(a: CpAttribute, w: Writer): void {
  switch (a.kind) {
    case 'ipv4':
    case 'ipv6':
      if (a.address) w.bytes(a.address.bytes);
      return;
    case 'ipv6-prefix':
      if (a.value) w.bytes(a.value.address.bytes).u8(a.value.prefixLength);
      return;
    case 'mip6-home-prefix':
      if (a.value) w.u32(a.value.prefixLifetimeSec).bytes(a.value.prefix.bytes).u8(a.value.prefixLength);
      return;
    case 'home-agent-address':
      if (a.value) {
        w.bytes(a.value.ipv6.bytes);
        if (a.value.ipv4) w.bytes(a.value.ipv4.bytes);
      }
      return;
    case 'unknown':
      w.bytes(a.data);
  }
}

/** CFG Type | reserved(3) | attributes (RFC 7296 §3.15). */
export interface CpBody {
  readonly cfgType: number;
  readonly attributes: readonly CpAttribute[];
}

export function parseCpBody(r: Reader): CpBody {
  const cfgType = r.u8('CFG type');
  r.skipBytes(3, 'CP reserved');
  const attributes: CpAttribute[] = [];
  while (!r.atEnd()) {
    // The R bit is ignored on receipt (RFC 7296 §3.15.1).
    const type = r.u16('attribute type') & ~CP_ATTRIBUTE_RESERVED_BIT;
    const length = r.u16('attribute length');
    attributes.push(decodeAttribute(type, r.bytes(length, 'attribute value')));
  }
  return { cfgType, attributes };
}

export function cpBodyLength(b: CpBody): number {
  let n = 4;
  for (const a of b.attributes) n += 4 + valueLength(a);
  return n;
}

export function emitCpBody(b: CpBody, w: Writer): void {
  w.u8(b.cfgType).u24(0);
  for (const a of b.attributes) {
    const type = cpAttributeType(a);
    if (type < 0 || type > 0x7fff) throw new RangeError(`CP attribute type ${type} is not 15 bits`);
    w.u16(type).u16(valueLength(a));
    emitValue(a, w);
  }
}
