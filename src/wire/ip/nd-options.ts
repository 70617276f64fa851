/**
 * Neighbor Discovery options (RFC 4861 §4.6): Prefix Information with the Router Address flag
 * (RFC 4861 §4.6.2, RFC 6275 §7.2), MTU (RFC 4861 §4.6.4), Advertisement Interval and Home Agent
 * Information (RFC 6275 §7.3, §7.4). Any other option is kept as `unknown` and re-encodes byte for byte.
 */

import { copyBytes } from '../../util/bytes.ts';
import { WireError } from '../../util/errors.ts';
import { Ipv6Address } from '../../util/ip-address.ts';
import type { Reader } from '../../util/reader.ts';
import type { Writer } from '../../util/writer.ts';
import { ND_OPTION_UNIT, NdOptionType, PREFIX_INFORMATION_LENGTH_UNITS } from './constants.ts';

export interface PrefixInformationOption {
  readonly kind: 'prefixInformation';
  readonly prefixLength: number;
  readonly onLink: boolean; // L
  readonly autonomous: boolean; // A, RFC 4862 SLAAC
  /** R, RFC 6275 §7.2: `prefix` holds the router's full global address. */
  readonly routerAddress: boolean;
  /** The 5 low bits of the flags byte (Reserved1 in RFC 4861; later RFCs assign some); kept raw. */
  readonly reservedBits: number;
  /** 0xffffffff is infinity (INFINITE_LIFETIME_SEC). */
  readonly validLifetimeSec: number;
  readonly preferredLifetimeSec: number;
  readonly prefix: Ipv6Address;
}

export type NdOption =
  | PrefixInformationOption
  | { readonly kind: 'mtu'; readonly mtu: number }
  /** RFC 6275 §7.3: MaxRtrAdvInterval in milliseconds. */
  | { readonly kind: 'advertisementInterval'; readonly intervalMs: number }
  /** RFC 6275 §7.4: Preference is a 16-bit unsigned integer, higher is better. */
  | { readonly kind: 'homeAgentInformation'; readonly preference: number; readonly lifetimeSec: number }
  /** `data` is everything after Type and Length (Length × 8 − 2 bytes). */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

const FLAG_L = 0x80;
const FLAG_A = 0x40;
const FLAG_R = 0x20;
const RESERVED_FLAG_MASK = 0x1f;
const MAX_PREFIX_LENGTH = 128;
const ONE_UNIT_OPTIONS: readonly number[] = [
  NdOptionType.MTU,
  NdOptionType.ADVERTISEMENT_INTERVAL,
  NdOptionType.HOME_AGENT_INFORMATION,
];

function parseOne(r: Reader): NdOption {
  const at = r.absoluteOffset;
  const type = r.u8('ND option type');
  const units = r.u8('ND option length');
  // RFC 4861 §4.6: a zero length is invalid (and would never advance); the node must discard the packet.
  if (units === 0) throw new WireError('BAD_LENGTH', 'icmpv6', at + 1, `ND option ${type} has length 0`);
  const o = r.sub(units * ND_OPTION_UNIT - 2, `ND option ${type}`);
  const expectUnits = (n: number) => {
    if (units !== n)
      throw new WireError('BAD_LENGTH', 'icmpv6', at + 1, `ND option ${type} length ${units} is not ${n}`);
  };
  if (type === NdOptionType.PREFIX_INFORMATION) {
    expectUnits(PREFIX_INFORMATION_LENGTH_UNITS);
    const prefixLength = o.u8();
    if (prefixLength > MAX_PREFIX_LENGTH) {
      throw new WireError('BAD_VALUE', 'icmpv6', at + 2, `prefix length ${prefixLength} exceeds 128`);
    }
    const flags = o.u8();
    const validLifetimeSec = o.u32();
    const preferredLifetimeSec = o.u32();
    o.skipBytes(4); // Reserved2: ignored by the receiver (RFC 4861 §4.6.2)
    return {
      kind: 'prefixInformation',
      prefixLength,
      onLink: (flags & FLAG_L) !== 0,
      autonomous: (flags & FLAG_A) !== 0,
      routerAddress: (flags & FLAG_R) !== 0,
      reservedBits: flags & RESERVED_FLAG_MASK,
      validLifetimeSec,
      preferredLifetimeSec,
      prefix: Ipv6Address.fromBytes(o.bytes(16)),
    };
  }
  if (ONE_UNIT_OPTIONS.includes(type)) {
    expectUnits(1);
    o.skipBytes(2); // Reserved: ignored by the receiver (RFC 4861 §4.6.4, RFC 6275 §7.3, §7.4)
    if (type === NdOptionType.MTU) return { kind: 'mtu', mtu: o.u32() };
    if (type === NdOptionType.ADVERTISEMENT_INTERVAL) return { kind: 'advertisementInterval', intervalMs: o.u32() };
    return { kind: 'homeAgentInformation', preference: o.u16(), lifetimeSec: o.u16() };
  }
  return { kind: 'unknown', type, data: copyBytes(o.rest()) };
}

/** Reads options until the end of `r` (RFC 4861 §4.6: options fill the rest of the ND message). */
export function parseNdOptions(r: Reader): NdOption[] {
  const out: NdOption[] = [];
  while (!r.atEnd()) out.push(parseOne(r));
  return out;
}

export function ndOptionLength(v: NdOption): number {
  switch (v.kind) {
    case 'prefixInformation':
      return PREFIX_INFORMATION_LENGTH_UNITS * ND_OPTION_UNIT;
    case 'mtu':
    case 'advertisementInterval':
    case 'homeAgentInformation':
      return ND_OPTION_UNIT;
    case 'unknown':
      return 2 + v.data.length;
  }
}

export function emitNdOption(v: NdOption, w: Writer): void {
  const length = ndOptionLength(v);
  switch (v.kind) {
    case 'prefixInformation': {
      if (v.prefixLength > MAX_PREFIX_LENGTH) throw new RangeError(`prefix length ${v.prefixLength} exceeds 128`);
      const flags =
        (v.onLink ? FLAG_L : 0) |
        (v.autonomous ? FLAG_A : 0) |
        (v.routerAddress ? FLAG_R : 0) |
        (v.reservedBits & RESERVED_FLAG_MASK);
      w.u8(NdOptionType.PREFIX_INFORMATION).u8(PREFIX_INFORMATION_LENGTH_UNITS).u8(v.prefixLength).u8(flags);
      w.u32(v.validLifetimeSec).u32(v.preferredLifetimeSec).zeros(4).bytes(v.prefix.bytes);
      return;
    }
    case 'mtu':
      w.u8(NdOptionType.MTU).u8(1).zeros(2).u32(v.mtu);
      return;
    case 'advertisementInterval':
      w.u8(NdOptionType.ADVERTISEMENT_INTERVAL).u8(1).zeros(2).u32(v.intervalMs);
      return;
    case 'homeAgentInformation':
      w.u8(NdOptionType.HOME_AGENT_INFORMATION).u8(1).zeros(2).u16(v.preference).u16(v.lifetimeSec);
      return;
    case 'unknown':
      if (length % ND_OPTION_UNIT !== 0 || length > 0xff * ND_OPTION_UNIT) {
        throw new RangeError(`ND option data of ${v.data.length} bytes is not 8n-2 up to 2038`);
      }
      w.u8(v.type)
        .u8(length / ND_OPTION_UNIT)
        .bytes(v.data);
      return;
  }
}

export function ndOptionsLength(options: readonly NdOption[]): number {
  let n = 0;
  for (const o of options) n += ndOptionLength(o);
  return n;
}

export function emitNdOptions(options: readonly NdOption[], w: Writer): void {
  for (const o of options) emitNdOption(o, w);
}

/** The option's Type number on the wire (RFC 4861 §4.6, RFC 6275 §7.3–7.4). */
export function ndOptionType(v: NdOption): number {
  switch (v.kind) {
    case 'prefixInformation':
      return NdOptionType.PREFIX_INFORMATION;
    case 'mtu':
      return NdOptionType.MTU;
    case 'advertisementInterval':
      return NdOptionType.ADVERTISEMENT_INTERVAL;
    case 'homeAgentInformation':
      return NdOptionType.HOME_AGENT_INFORMATION;
    case 'unknown':
      return v.type;
  }
}
