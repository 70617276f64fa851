/**
 * The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers used by UDP (RFC 768, RFC 8200 §8.1)
 * and the Mobility Header (RFC 6275 §6.1.1).
 */

/** One's-complement sum of `data` folded into 32 bits (not yet complemented); odd lengths pad with a zero byte. */
export function onesSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = data.length & ~1;
  for (let i = 0; i < n; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length & 1) sum += data[data.length - 1]! << 8;
  // JS numbers are exact to 2^53, so folding once at the end is safe for any packet size.
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** RFC 1071 checksum of `data`. */
export function internetChecksum(data: Uint8Array): number {
  return finishChecksum(onesSum(data));
}

/** Sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, 32-bit length, next header. */
export function ipv6PseudoSum(src: Uint8Array, dst: Uint8Array, upperLength: number, nextHeader: number): number {
  let sum = onesSum(src) + onesSum(dst);
  sum += (upperLength >>> 16) + (upperLength & 0xffff) + nextHeader;
  return sum;
}

/** Sum of the IPv4 pseudo-header (RFC 768): source, destination, zero, protocol, UDP length. */
export function ipv4PseudoSum(src: Uint8Array, dst: Uint8Array, upperLength: number, protocol: number): number {
  return onesSum(src) + onesSum(dst) + protocol + upperLength;
}
