/**
 * Traffic selector helpers (RFC 7296 §2.9, §3.13.1): builders, narrowing by intersection, and the Mobile IPv6
 * signalling selectors of RFC 4877 §7.3 (protocol 135, MH Type in the high byte of the port fields).
 */

import { copyBytes } from '../util/bytes.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { ANY_PORT_END, ANY_PORT_START } from '../wire/ike/constants.ts';
import { mhTypeToPort, type TrafficSelector } from '../wire/ike/traffic-selector.ts';

/** IP protocol number of the Mobility Header (RFC 6275 §6.1). */
export const IP_PROTOCOL_MH = 135;
/** MH Types of the Binding Update and Binding Acknowledgement (RFC 6275 §6.1.7, §6.1.8). */
export const MH_TYPE_BU = 5;
export const MH_TYPE_BA = 6;

type RangeSelector = Extract<TrafficSelector, { kind: 'ipv4-range' | 'ipv6-range' }>;

export function rangeSelector(
  start: IpAddress,
  end: IpAddress,
  ipProtocol = 0,
  startPort = ANY_PORT_START,
  endPort = ANY_PORT_END,
): TrafficSelector {
  if (start instanceof Ipv6Address && end instanceof Ipv6Address) {
    return { kind: 'ipv6-range', ipProtocol, startPort, endPort, startAddress: start, endAddress: end };
  }
  if (start instanceof Ipv4Address && end instanceof Ipv4Address) {
    return { kind: 'ipv4-range', ipProtocol, startPort, endPort, startAddress: start, endAddress: end };
  }
  throw new RangeError('selector range mixes address families');
}

/** One address, optionally one protocol and port range. */
export function addressSelector(
  a: IpAddress,
  ipProtocol = 0,
  startPort = ANY_PORT_START,
  endPort = ANY_PORT_END,
): TrafficSelector {
  return rangeSelector(a, a, ipProtocol, startPort, endPort);
}

/** Every IPv6 address, protocol and port (::/0). */
export const ANY_IPV6_SELECTOR: TrafficSelector = rangeSelector(
  Ipv6Address.ANY,
  Ipv6Address.fromBytes(new Uint8Array(16).fill(0xff)),
);
/** Every IPv4 address, protocol and port (0.0.0.0/0). */
export const ANY_IPV4_SELECTOR: TrafficSelector = rangeSelector(Ipv4Address.ANY, Ipv4Address.fromNumber(0xffffffff));

/** The address `delta` away from `bytes` (a copy), or undefined past either end of the address space. */
function stepAddress(bytes: Uint8Array, delta: 1 | -1): Uint8Array | undefined {
  const out = copyBytes(bytes);
  const wrap = delta === 1 ? 0xff : 0;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== wrap) {
      out[i] = out[i]! + delta;
      return out;
    }
    out[i] = wrap ^ 0xff; // carry or borrow into the next byte up
  }
  return undefined;
}

function addressOfBytes(b: Uint8Array): IpAddress {
  return b.length === 4 ? Ipv4Address.fromBytes(b) : Ipv6Address.fromBytes(b);
}

/**
 * Every address of `a`'s family except `a`, any protocol and port, as one or two ranges: IKEv2 selectors are ranges
 * (RFC 7296 §3.13.1) and cannot say "not", so RFC 5555 §5.2.2's data SA rule "remote_address != home_agent" becomes
 * [first, a - 1] and [a + 1, last].
 */
export function selectorsExcluding(a: IpAddress): TrafficSelector[] {
  const n = a.bytes.length;
  const first = addressOfBytes(new Uint8Array(n));
  const last = addressOfBytes(new Uint8Array(n).fill(0xff));
  const below = stepAddress(a.bytes, -1);
  const above = stepAddress(a.bytes, 1);
  const out: TrafficSelector[] = [];
  if (below) out.push(rangeSelector(first, addressOfBytes(below)));
  if (above) out.push(rangeSelector(addressOfBytes(above), last));
  return out;
}

/** The address range of an IPv6 prefix. */
export function prefixSelector(prefix: Ipv6Address, prefixLength: number, ipProtocol = 0): TrafficSelector {
  const start = new Uint8Array(16);
  const end = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const bits = Math.max(0, Math.min(8, prefixLength - 8 * i));
    const mask = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
    start[i] = prefix.bytes[i]! & mask;
    end[i] = start[i]! | (~mask & 0xff);
  }
  return rangeSelector(Ipv6Address.fromBytes(start), Ipv6Address.fromBytes(end), ipProtocol);
}

/**
 * The BU/BA selectors of RFC 4877 §7.3: the Home Address and the HA, protocol MH, ports BU..BA (one SA pair for
 * both messages, as §7.3 allows). TSi is the mobile node's side.
 */
export function mobilitySelectors(
  homeAddress: Ipv6Address,
  homeAgent: Ipv6Address,
): { tsi: TrafficSelector; tsr: TrafficSelector } {
  const lo = mhTypeToPort(MH_TYPE_BU);
  const hi = mhTypeToPort(MH_TYPE_BA);
  return {
    tsi: addressSelector(homeAddress, IP_PROTOCOL_MH, lo, hi),
    tsr: addressSelector(homeAgent, IP_PROTOCOL_MH, lo, hi),
  };
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function isRange(s: TrafficSelector): s is RangeSelector {
  return s.kind !== 'unknown';
}

/** The selector both `a` and `b` admit, or undefined (RFC 7296 §2.9 narrowing). Unknown TS types never match. */
export function intersectSelector(a: TrafficSelector, b: TrafficSelector): TrafficSelector | undefined {
  if (!isRange(a) || !isRange(b) || a.kind !== b.kind) return undefined;
  let ipProtocol: number;
  if (a.ipProtocol === 0) ipProtocol = b.ipProtocol;
  else if (b.ipProtocol === 0 || b.ipProtocol === a.ipProtocol) ipProtocol = a.ipProtocol;
  else return undefined;
  const startPort = Math.max(a.startPort, b.startPort);
  const endPort = Math.min(a.endPort, b.endPort);
  if (startPort > endPort) return undefined;
  const start = compare(a.startAddress.bytes, b.startAddress.bytes) >= 0 ? a.startAddress : b.startAddress;
  const end = compare(a.endAddress.bytes, b.endAddress.bytes) <= 0 ? a.endAddress : b.endAddress;
  if (compare(start.bytes, end.bytes) > 0) return undefined;
  return rangeSelector(start, end, ipProtocol, startPort, endPort);
}

/** Every non-empty intersection of an offered selector with a policy selector, without duplicates. */
export function narrowSelectors(
  offered: readonly TrafficSelector[],
  policy: readonly TrafficSelector[],
): TrafficSelector[] {
  const out: TrafficSelector[] = [];
  for (const o of offered) {
    for (const p of policy) {
      const s = intersectSelector(o, p);
      if (s && !out.some((x) => selectorEquals(x, s))) out.push(s);
    }
  }
  return out;
}

export function selectorEquals(a: TrafficSelector, b: TrafficSelector): boolean {
  if (!isRange(a) || !isRange(b)) return false;
  return (
    a.kind === b.kind &&
    a.ipProtocol === b.ipProtocol &&
    a.startPort === b.startPort &&
    a.endPort === b.endPort &&
    compare(a.startAddress.bytes, b.startAddress.bytes) === 0 &&
    compare(a.endAddress.bytes, b.endAddress.bytes) === 0
  );
}

/** True when every packet `inner` admits is admitted by `outer`. */
export function selectorContains(outer: TrafficSelector, inner: TrafficSelector): boolean {
  const s = intersectSelector(outer, inner);
  return s !== undefined && selectorEquals(s, inner);
}

/** The address of a selector that names exactly one address, else undefined. */
export function singleAddress(s: TrafficSelector): IpAddress | undefined {
  if (!isRange(s)) return undefined;
  return compare(s.startAddress.bytes, s.endAddress.bytes) === 0 ? s.startAddress : undefined;
}
