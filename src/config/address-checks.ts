/**
 * Address relations a config can get wrong and still parse: pools that hold the HA's own address or the DNS servers
 * it hands out, multicast where a unicast address is needed. Pure (no host access); the schemas' refinements call
 * them so the error names the key path and the line.
 */
import type { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import type { Ipv4RangeValue, Ipv6PrefixValue } from './scalars.ts';

/** Whether `a` lies in `p` (the first `prefixLength` bits agree). */
export function ipv6InPrefix(a: Ipv6Address, p: Ipv6PrefixValue): boolean {
  for (let bit = 0; bit < p.prefixLength; bit += 8) {
    const take = Math.min(8, p.prefixLength - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((a.bytes[bit / 8]! ^ p.prefix.bytes[bit / 8]!) & mask) !== 0) return false;
  }
  return true;
}

/** The index of the first range holding `a`, or -1. */
export function ipv4RangeIndexOf(a: Ipv4Address, ranges: readonly Ipv4RangeValue[]): number {
  const n = a.toNumber();
  return ranges.findIndex((r) => r.first.toNumber() <= n && n <= r.last.toNumber());
}

/** Whether an IPv4 range and a block (address/length) share an address. */
export function ipv4RangeOverlapsBlock(r: Ipv4RangeValue, block: Ipv4Address, prefixLength: number): boolean {
  const size = 2 ** (32 - prefixLength);
  const first = Math.floor(block.toNumber() / size) * size;
  const last = first + size - 1;
  return r.first.toNumber() <= last && first <= r.last.toNumber();
}

/** Why an address cannot be a node's own unicast address, or undefined (RFC 4291 §2.7, RFC 5771, RFC 1122 §3.2.1.3). */
export function notUnicast(a: Ipv4Address | Ipv6Address): string | undefined {
  if (a.bytes.length === 16) {
    const v6 = a as Ipv6Address;
    if (v6.isMulticast) return 'is a multicast address (RFC 4291 §2.7): a home agent needs a unicast one';
    if (v6.isUnspecified) return 'is the unspecified address';
    return undefined;
  }
  const first = a.bytes[0]!;
  if (first >= 224 && first <= 239) return 'is a multicast address (RFC 5771): a home agent needs a unicast one';
  if (first >= 240) return 'is a reserved or broadcast address';
  if ((a as Ipv4Address).toNumber() === 0) return 'is the unspecified address';
  return undefined;
}
