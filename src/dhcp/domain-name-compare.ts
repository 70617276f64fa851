/** DNS name equality: label by label, ASCII case-insensitive (RFC 4343 §3), on the wire form. */
import { domainNameToWire } from '../wire/dhcpv6/domain-name.ts';

function lowerWire(name: string): Uint8Array | undefined {
  let w: Uint8Array;
  try {
    w = domainNameToWire(name);
  } catch {
    return undefined; // not a valid name: equal to nothing
  }
  for (let i = 0; i < w.length; i++) {
    const b = w[i]!;
    if (b >= 0x41 && b <= 0x5a) w[i] = b + 0x20;
  }
  return w;
}

export function sameDomainName(a: string, b: string): boolean {
  const x = lowerWire(a);
  const y = lowerWire(b);
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
