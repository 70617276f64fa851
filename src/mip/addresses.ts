/**
 * Compact forms of addresses for tables with a million entries (a string of 8 UTF-16 code units for an
 * IPv6 address, a signed 32-bit integer for IPv4) and the "unicast routable" tests of RFC 6275 §6.1.7/§9.5.1.
 */
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { Ipv6Prefix } from './types.ts';

/** An IPv6 address as 8 UTF-16 code units (one per 16-bit group): a cheap, small Map key. */
export function ipv6Key(a: Ipv6Address): string {
  const b = a.bytes;
  return String.fromCharCode(
    (b[0]! << 8) | b[1]!,
    (b[2]! << 8) | b[3]!,
    (b[4]! << 8) | b[5]!,
    (b[6]! << 8) | b[7]!,
    (b[8]! << 8) | b[9]!,
    (b[10]! << 8) | b[11]!,
    (b[12]! << 8) | b[13]!,
    (b[14]! << 8) | b[15]!,
  );
}

/** The key of the IPv6 address at `bytes[offset, offset + 16)` (no bounds check: the caller has one). */
export function ipv6KeyAt(bytes: Uint8Array, offset: number): string {
  let s = '';
  for (let i = offset; i < offset + 16; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return s;
}

export function ipv6FromKey(key: string): Ipv6Address {
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = key.charCodeAt(i);
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  }
  return Ipv6Address.fromBytes(out);
}

/** An IPv4 address as a signed 32-bit integer (a V8 small integer); 0 (0.0.0.0) means "none". */
export function ipv4Int(a: Ipv4Address): number {
  return a.toNumber() | 0;
}

export function ipv4IntAt(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}

export function ipv4FromInt(n: number): Ipv4Address {
  return Ipv4Address.fromNumber(n >>> 0);
}

/**
 * RFC 6275 §6.1.7, §6.3: a home or care-of address must be a unicast routable address: not unspecified,
 * loopback, multicast, link-local or IPv4-mapped.
 */
export function isUnicastRoutableIpv6(a: Ipv6Address): boolean {
  const b = a.bytes;
  if (b[0] === 0xff || (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80)) return false; // multicast, link-local
  let zeros = 0;
  while (zeros < 16 && b[zeros] === 0) zeros++;
  if (zeros === 16 || (zeros === 15 && b[15] === 1)) return false; // ::, ::1
  const mapped = zeros === 10 && b[10] === 0xff && b[11] === 0xff; // ::ffff:0:0/96 never appears on the wire
  return !mapped;
}

/**
 * A unicast IPv4 address usable as a home or care-of address: not 0/8 ("this network"), 127/8, 224/4
 * (multicast), 240/4 or the limited broadcast (RFC 1122 §3.2.1.3, RFC 5771, RFC 1112).
 */
export function isUnicastIpv4(n: number): boolean {
  const first = (n >>> 24) & 0xff;
  return first !== 0 && first !== 127 && first < 224;
}

export function prefixContains(p: Ipv6Prefix, a: Ipv6Address): boolean {
  return a.hasPrefix(p.prefix, p.prefixLength);
}

/** Same prefix length and the same leading bits: how home link detection compares prefixes (RFC 6275 §11.5.2). */
export function samePrefix(a: Ipv6Prefix, b: Ipv6Prefix): boolean {
  return a.prefixLength === b.prefixLength && a.prefix.hasPrefix(b.prefix, b.prefixLength);
}
