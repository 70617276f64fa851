/**
 * Router Advertisement (RFC 4861 §4.2) with the Home Agent flag (RFC 6275 §7.1).
 *
 *   |     Type      |     Code      |          Checksum             |
 *   | Cur Hop Limit |M|O|H| Reserved|       Router Lifetime         |
 *   |                         Reachable Time                        |
 *   |                          Retrans Timer                        |
 *   |   Options ...
 */
import { WireError } from '../../util/errors.ts';
import { Reader } from '../../util/reader.ts';
import { Writer } from '../../util/writer.ts';
import { ICMPV6_HEADER_LENGTH, Icmpv6Type } from './constants.ts';
import { decodeIcmpv6, type Icmpv6PseudoHeader, icmpv6Checksum } from './icmpv6.ts';
import { emitNdOptions, type NdOption, ndOptionsLength, parseNdOptions } from './nd-options.ts';

export interface RouterAdvertisement {
  /** 0 means unspecified by this router (RFC 4861 §4.2). */
  readonly curHopLimit: number;
  readonly managed: boolean; // M
  readonly otherConfig: boolean; // O
  /** H, RFC 6275 §7.1: the router is also a home agent on this link. */
  readonly homeAgent: boolean;
  /** The 5 low bits of the flags byte (Reserved in RFC 6275; Prf and P in later RFCs); kept raw. */
  readonly reservedBits: number;
  readonly routerLifetimeSec: number;
  /** 0 means unspecified. */
  readonly reachableTimeMs: number;
  /** 0 means unspecified. */
  readonly retransTimerMs: number;
  readonly options: readonly NdOption[];
}

const FLAG_M = 0x80;
const FLAG_O = 0x40;
const FLAG_H = 0x20;
const RESERVED_FLAG_MASK = 0x1f;
const FIXED_BODY_LENGTH = 12;

/** Reads the message body (after Type, Code and Checksum). */
export function parseRouterAdvertisementBody(r: Reader): RouterAdvertisement {
  const curHopLimit = r.u8('Cur Hop Limit');
  const flags = r.u8('flags');
  const routerLifetimeSec = r.u16('Router Lifetime');
  const reachableTimeMs = r.u32('Reachable Time');
  const retransTimerMs = r.u32('Retrans Timer');
  return {
    curHopLimit,
    managed: (flags & FLAG_M) !== 0,
    otherConfig: (flags & FLAG_O) !== 0,
    homeAgent: (flags & FLAG_H) !== 0,
    reservedBits: flags & RESERVED_FLAG_MASK,
    routerLifetimeSec,
    reachableTimeMs,
    retransTimerMs,
    options: parseNdOptions(r),
  };
}

export function routerAdvertisementBodyLength(v: RouterAdvertisement): number {
  return FIXED_BODY_LENGTH + ndOptionsLength(v.options);
}

export function emitRouterAdvertisementBody(v: RouterAdvertisement, w: Writer): void {
  const flags =
    (v.managed ? FLAG_M : 0) |
    (v.otherConfig ? FLAG_O : 0) |
    (v.homeAgent ? FLAG_H : 0) |
    (v.reservedBits & RESERVED_FLAG_MASK);
  w.u8(v.curHopLimit).u8(flags).u16(v.routerLifetimeSec).u32(v.reachableTimeMs).u32(v.retransTimerMs);
  emitNdOptions(v.options, w);
}

/**
 * Decodes a whole ICMPv6 Router Advertisement. Type must be 134 and Code 0 (RFC 4861 §6.1.2); with
 * `pseudo` the checksum is verified. Hop limit 255 and the link-local source are the caller's checks.
 */
export function decodeRouterAdvertisement(bytes: Uint8Array, pseudo?: Icmpv6PseudoHeader): RouterAdvertisement {
  const m = decodeIcmpv6(bytes, pseudo);
  if (m.type !== Icmpv6Type.ROUTER_ADVERTISEMENT) {
    throw new WireError('BAD_VALUE', 'icmpv6', 0, `ICMPv6 type ${m.type} is not a Router Advertisement`);
  }
  if (m.code !== 0) throw new WireError('BAD_VALUE', 'icmpv6', 1, `Router Advertisement code ${m.code} is not 0`);
  return parseRouterAdvertisementBody(Reader.of(m.body, 'icmpv6', ICMPV6_HEADER_LENGTH));
}

export function encodeRouterAdvertisement(v: RouterAdvertisement, pseudo: Icmpv6PseudoHeader): Uint8Array {
  const w = Writer.alloc(ICMPV6_HEADER_LENGTH + routerAdvertisementBodyLength(v));
  w.u8(Icmpv6Type.ROUTER_ADVERTISEMENT).u8(0);
  const checksumAt = w.reserve(2);
  emitRouterAdvertisementBody(v, w);
  const out = w.finish();
  w.patchU16(checksumAt, icmpv6Checksum(out, pseudo));
  return out;
}
