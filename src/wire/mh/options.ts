/**
 * Mobility options (RFC 6275 §6.2): one TLV each, `Type(1) Length(1) Data(Length)`.
 * This file reads and writes a single option's data; the options area with its Pad1/PadN framing and
 * the `xn+y` alignment lives in option-list.ts and alignment.ts.
 */

import { copyBytes } from '../../util/bytes.ts';
import { WireError } from '../../util/errors.ts';
import { Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import type { Writer } from '../../util/writer.ts';
import { LIFETIME_UNIT_SEC, MobilityOptionType as T } from './constants.ts';

/** RFC 6275 §6.2.4: only in a BA from the HA; `refreshIntervalSec` is 4-second units on the wire. */
export interface BindingRefreshAdviceOption {
  readonly kind: 'binding-refresh-advice';
  readonly refreshIntervalSec: number;
}

/** RFC 6275 §6.2.5: the care-of address to bind, when the IPv6 source cannot carry it (e.g. under ESP). */
export interface AlternateCareOfAddressOption {
  readonly kind: 'alternate-care-of-address';
  readonly careOfAddress: Ipv6Address;
}

/** RFC 6275 §6.2.6: BU to a correspondent node only. */
export interface NonceIndicesOption {
  readonly kind: 'nonce-indices';
  readonly homeNonceIndex: number;
  readonly careOfNonceIndex: number;
}

/** RFC 6275 §6.2.7: must be the last option, with no padding after it. */
export interface BindingAuthorizationDataOption {
  readonly kind: 'binding-authorization-data';
  readonly authenticator: Uint8Array;
}

/** RFC 3963 §4.3 (NEMO explicit mode). */
export interface MobileNetworkPrefixOption {
  readonly kind: 'mobile-network-prefix';
  readonly prefixLength: number;
  readonly prefix: Ipv6Address;
}

/**
 * RFC 5026 §8.1. `mnIdentity` is kept as the bytes on the wire: the RFC says "FQDN format" without saying
 * whether that is DNS label encoding or text (see dns-name.ts for both conversions).
 */
export interface DnsUpdateOption {
  readonly kind: 'dns-update';
  /** MUST be 0 in a BU; in a BA below 128 means the update was performed. */
  readonly status: number;
  readonly removeEntry: boolean; // R: remove the FQDN→HoA entry instead of creating it
  readonly mnIdentity: Uint8Array;
}

/** RFC 5555 §3.1.1. Address 0.0.0.0 asks the HA to allocate one. */
export interface Ipv4HomeAddressOption {
  readonly kind: 'ipv4-home-address';
  /** 1–32: 32 for a single address, else the requested/allocated prefix length; 0 is invalid. */
  readonly prefixLength: number;
  readonly requestMobileNetworkPrefix: boolean; // P
  readonly homeAddress: Ipv4Address;
}

/** RFC 5555 §3.2.1. */
export interface Ipv4AddressAcknowledgementOption {
  readonly kind: 'ipv4-address-acknowledgement';
  /** 0–127 success (Ipv4AckStatus). */
  readonly status: number;
  /** Valid only on success (MUST be 0 on failure); overrides what the MN asked for. */
  readonly prefixLength: number;
  readonly homeAddress: Ipv4Address;
}

/** RFC 5555 §3.2.2. Sent by the HA when it sees a NAT, and in every BA to a UDP-encapsulated BU. */
export interface NatDetectionOption {
  readonly kind: 'nat-detection';
  readonly udpEncapsulationRequired: boolean; // F
  /** Seconds between NAT refreshes; 0 = ignore, 0xffffffff = not needed (NAT_REFRESH_TIME_NOT_NEEDED). */
  readonly refreshTimeSec: number;
}

/** RFC 5555 §3.1.2: the care-of address of an MN in an IPv4-only network. */
export interface Ipv4CareOfAddressOption {
  readonly kind: 'ipv4-care-of-address';
  readonly careOfAddress: Ipv4Address;
}

/** RFC 5648 §4.3 (multiple care-of addresses). Length 4, 8 (IPv4 CoA) or 20 (IPv6 CoA). */
export interface BindingIdentifierOption {
  readonly kind: 'binding-identifier';
  readonly bindingId: number;
  /** Overrides the BA status for this BID when non-zero (only meaningful in a BA or CoT). */
  readonly status: number;
  readonly simultaneousHomeAndForeign: boolean; // H
  readonly careOfAddress?: Ipv4Address | Ipv6Address;
}

/** Any other type: skipped by the RFC's rules (RFC 6275 §6.2.1) and re-emitted byte for byte. */
export interface UnknownMobilityOption {
  readonly kind: 'unknown';
  readonly type: number;
  readonly data: Uint8Array;
}

export type MobilityOption =
  | BindingRefreshAdviceOption
  | AlternateCareOfAddressOption
  | NonceIndicesOption
  | BindingAuthorizationDataOption
  | MobileNetworkPrefixOption
  | DnsUpdateOption
  | Ipv4HomeAddressOption
  | Ipv4AddressAcknowledgementOption
  | NatDetectionOption
  | Ipv4CareOfAddressOption
  | BindingIdentifierOption
  | UnknownMobilityOption;

function badLength(at: number, type: number, len: number, want: string): never {
  // `at` is the option's Type byte; the offending field is the Length byte after it.
  throw new WireError('BAD_LENGTH', 'mh', at + 1, `option ${type}: length ${len}, expected ${want}`);
}

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

const addressScratch = new Uint8Array(16);

/** The IPv6 address at `b[p, p + 16)`, copied once (through a scratch array rather than a view). */
function ipv6At(b: Uint8Array, p: number): Ipv6Address {
  for (let i = 0; i < 16; i++) addressScratch[i] = b[p + i]!;
  return Ipv6Address.fromBytes(addressScratch);
}

/** The IPv4 address at `b[p, p + 4)`. */
function ipv4At(b: Uint8Array, p: number): Ipv4Address {
  return Ipv4Address.fromNumber(u32(b, p));
}

/**
 * Parses one option's data `b[p, p+len)` (already bounds-checked against the MH by the caller).
 * `at` is the absolute offset of the Type byte, for errors. Pad1/PadN never reach here.
 */
export function parseOptionData(type: number, b: Uint8Array, p: number, len: number, at: number): MobilityOption {
  switch (type) {
    case T.BINDING_REFRESH_ADVICE:
      if (len !== 2) badLength(at, type, len, '2');
      return { kind: 'binding-refresh-advice', refreshIntervalSec: u16(b, p) * LIFETIME_UNIT_SEC };
    case T.ALTERNATE_CARE_OF_ADDRESS:
      if (len !== 16) badLength(at, type, len, '16');
      return { kind: 'alternate-care-of-address', careOfAddress: ipv6At(b, p) };
    case T.NONCE_INDICES:
      if (len !== 4) badLength(at, type, len, '4');
      return { kind: 'nonce-indices', homeNonceIndex: u16(b, p), careOfNonceIndex: u16(b, p + 2) };
    case T.BINDING_AUTHORIZATION_DATA:
      // RFC 6275 §6.2.7: Option Length is the authenticator's length, which depends on the procedure.
      return { kind: 'binding-authorization-data', authenticator: copyBytes(b, p, p + len) };
    case T.MOBILE_NETWORK_PREFIX: {
      if (len !== 18) badLength(at, type, len, '18');
      const prefixLength = b[p + 1]!;
      if (prefixLength > 128) {
        throw new WireError('BAD_VALUE', 'mh', at + 3, `mobile network prefix length ${prefixLength} > 128`);
      }
      return { kind: 'mobile-network-prefix', prefixLength, prefix: ipv6At(b, p + 2) };
    }
    case T.DNS_UPDATE:
      // RFC 5026 §8.1: Status(1), R + 7 reserved bits (1), then the variable-length MN identity.
      if (len < 2) badLength(at, type, len, '≥ 2');
      return {
        kind: 'dns-update',
        status: b[p]!,
        removeEntry: (b[p + 1]! & 0x80) !== 0,
        mnIdentity: copyBytes(b, p + 2, p + len),
      };
    case T.IPV4_HOME_ADDRESS: {
      if (len !== 6) badLength(at, type, len, '6');
      const prefixLength = b[p]! >>> 2;
      // RFC 5555 §3.1.1: "A value of zero is invalid and MUST be considered an error"; above 32 is no IPv4 prefix.
      if (prefixLength === 0 || prefixLength > 32) {
        throw new WireError('BAD_VALUE', 'mh', at + 2, `IPv4 home address prefix length ${prefixLength}`);
      }
      return {
        kind: 'ipv4-home-address',
        prefixLength,
        requestMobileNetworkPrefix: (b[p]! & 0x02) !== 0,
        homeAddress: ipv4At(b, p + 2),
      };
    }
    case T.IPV4_ADDRESS_ACKNOWLEDGEMENT:
      if (len !== 6) badLength(at, type, len, '6');
      return {
        kind: 'ipv4-address-acknowledgement',
        status: b[p]!,
        prefixLength: b[p + 1]! >>> 2,
        homeAddress: ipv4At(b, p + 2),
      };
    case T.NAT_DETECTION:
      if (len !== 6) badLength(at, type, len, '6');
      return { kind: 'nat-detection', udpEncapsulationRequired: (b[p]! & 0x80) !== 0, refreshTimeSec: u32(b, p + 2) };
    case T.IPV4_CARE_OF_ADDRESS:
      if (len !== 6) badLength(at, type, len, '6');
      return { kind: 'ipv4-care-of-address', careOfAddress: ipv4At(b, p + 2) };
    case T.BINDING_IDENTIFIER: {
      // RFC 5648 §4.3: "It MUST be set to either 4, 8, or 20" (no CoA, IPv4 CoA, IPv6 CoA).
      if (len !== 4 && len !== 8 && len !== 20) badLength(at, type, len, '4, 8 or 20');
      const bindingId = u16(b, p);
      const status = b[p + 2]!;
      const simultaneousHomeAndForeign = (b[p + 3]! & 0x80) !== 0;
      if (len === 4) return { kind: 'binding-identifier', bindingId, status, simultaneousHomeAndForeign };
      const careOfAddress = len === 8 ? ipv4At(b, p + 4) : ipv6At(b, p + 4);
      return { kind: 'binding-identifier', bindingId, status, simultaneousHomeAndForeign, careOfAddress };
    }
    default:
      return { kind: 'unknown', type, data: copyBytes(b, p, p + len) };
  }
}

/** Option types with a kind of their own here (Pad1/PadN included): never emitted as unknown. */
const PARSED_TYPES: ReadonlySet<number> = new Set(Object.values(T));

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} must be an integer 0..${max}, got ${v}`);
}

/** Octets the option occupies, Type and Length included (no padding). */
export function mobilityOptionLength(o: MobilityOption): number {
  switch (o.kind) {
    case 'binding-refresh-advice':
      return 4;
    case 'alternate-care-of-address':
      return 18;
    case 'nonce-indices':
      return 6;
    case 'binding-authorization-data':
      return 2 + o.authenticator.length;
    case 'mobile-network-prefix':
      return 20;
    case 'dns-update':
      return 4 + o.mnIdentity.length;
    case 'ipv4-home-address':
    case 'ipv4-address-acknowledgement':
    case 'nat-detection':
    case 'ipv4-care-of-address':
      return 8;
    case 'binding-identifier':
      return o.careOfAddress === undefined ? 6 : o.careOfAddress instanceof Ipv4Address ? 10 : 22;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Writes the option's Type, Length and data. Values no peer could send are a RangeError (caller's bug). */
export function emitMobilityOption(o: MobilityOption, w: Writer): void {
  switch (o.kind) {
    case 'binding-refresh-advice': {
      const units = o.refreshIntervalSec / LIFETIME_UNIT_SEC;
      checkUint(units, 0xffff, 'refreshIntervalSec / 4');
      w.u8(T.BINDING_REFRESH_ADVICE).u8(2).u16(units);
      return;
    }
    case 'alternate-care-of-address':
      w.u8(T.ALTERNATE_CARE_OF_ADDRESS).u8(16).bytes(o.careOfAddress.bytes);
      return;
    case 'nonce-indices':
      checkUint(o.homeNonceIndex, 0xffff, 'homeNonceIndex');
      checkUint(o.careOfNonceIndex, 0xffff, 'careOfNonceIndex');
      w.u8(T.NONCE_INDICES).u8(4).u16(o.homeNonceIndex).u16(o.careOfNonceIndex);
      return;
    case 'binding-authorization-data':
      checkUint(o.authenticator.length, 255, 'authenticator length');
      w.u8(T.BINDING_AUTHORIZATION_DATA).u8(o.authenticator.length).bytes(o.authenticator);
      return;
    case 'mobile-network-prefix':
      checkUint(o.prefixLength, 128, 'prefixLength');
      w.u8(T.MOBILE_NETWORK_PREFIX).u8(18).u8(0).u8(o.prefixLength).bytes(o.prefix.bytes);
      return;
    case 'dns-update':
      checkUint(o.status, 255, 'status');
      checkUint(o.mnIdentity.length, 253, 'mnIdentity length');
      w.u8(T.DNS_UPDATE)
        .u8(2 + o.mnIdentity.length)
        .u8(o.status)
        .u8(o.removeEntry ? 0x80 : 0)
        .bytes(o.mnIdentity);
      return;
    case 'ipv4-home-address':
      if (!Number.isInteger(o.prefixLength) || o.prefixLength < 1 || o.prefixLength > 32) {
        throw new RangeError(`IPv4 home address prefixLength must be 1..32 (RFC 5555 §3.1.1), got ${o.prefixLength}`);
      }
      w.u8(T.IPV4_HOME_ADDRESS)
        .u8(6)
        .u8((o.prefixLength << 2) | (o.requestMobileNetworkPrefix ? 0x02 : 0))
        .u8(0)
        .bytes(o.homeAddress.bytes);
      return;
    case 'ipv4-address-acknowledgement':
      checkUint(o.status, 255, 'status');
      checkUint(o.prefixLength, 63, 'prefixLength');
      w.u8(T.IPV4_ADDRESS_ACKNOWLEDGEMENT)
        .u8(6)
        .u8(o.status)
        .u8(o.prefixLength << 2)
        .bytes(o.homeAddress.bytes);
      return;
    case 'nat-detection':
      checkUint(o.refreshTimeSec, 0xffffffff, 'refreshTimeSec');
      w.u8(T.NAT_DETECTION)
        .u8(6)
        .u16(o.udpEncapsulationRequired ? 0x8000 : 0)
        .u32(o.refreshTimeSec);
      return;
    case 'ipv4-care-of-address':
      w.u8(T.IPV4_CARE_OF_ADDRESS).u8(6).u16(0).bytes(o.careOfAddress.bytes);
      return;
    case 'binding-identifier': {
      checkUint(o.bindingId, 0xffff, 'bindingId');
      checkUint(o.status, 255, 'status');
      const coa = o.careOfAddress?.bytes;
      w.u8(T.BINDING_IDENTIFIER)
        .u8(4 + (coa ? coa.length : 0))
        .u16(o.bindingId)
        .u8(o.status)
        .u8(o.simultaneousHomeAndForeign ? 0x80 : 0);
      if (coa) w.bytes(coa);
      return;
    }
    case 'unknown':
      // Pad1/PadN would be dropped as framing and a parsed type would decode as its own kind: neither could
      // round-trip, and the decoder never produces them as unknown.
      if (!Number.isInteger(o.type) || o.type < 0 || o.type > 255 || PARSED_TYPES.has(o.type)) {
        throw new RangeError(`unknown option type must be 0..255 and not one this codec parses, got ${o.type}`);
      }
      checkUint(o.data.length, 255, 'option data length');
      w.u8(o.type).u8(o.data.length).bytes(o.data);
      return;
  }
}

const TYPE_OF_KIND = {
  'binding-refresh-advice': T.BINDING_REFRESH_ADVICE,
  'alternate-care-of-address': T.ALTERNATE_CARE_OF_ADDRESS,
  'nonce-indices': T.NONCE_INDICES,
  'binding-authorization-data': T.BINDING_AUTHORIZATION_DATA,
  'mobile-network-prefix': T.MOBILE_NETWORK_PREFIX,
  'dns-update': T.DNS_UPDATE,
  'ipv4-home-address': T.IPV4_HOME_ADDRESS,
  'ipv4-address-acknowledgement': T.IPV4_ADDRESS_ACKNOWLEDGEMENT,
  'nat-detection': T.NAT_DETECTION,
  'ipv4-care-of-address': T.IPV4_CARE_OF_ADDRESS,
  'binding-identifier': T.BINDING_IDENTIFIER,
} as const satisfies Record<Exclude<MobilityOption['kind'], 'unknown'>, number>;

/** The option's Type number on the wire. */
export function mobilityOptionType(o: MobilityOption): number {
  return o.kind === 'unknown' ? o.type : TYPE_OF_KIND[o.kind];
}
