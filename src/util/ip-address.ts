/**
 * IPv4 and IPv6 addresses as small immutable value objects.
 *
 * Wire types carry addresses as these objects (not strings) so decoding stays cheap; `toString()`
 * and `toJSON()` give RFC 5952 canonical text, so decoded messages print and serialise readably.
 */
import { copyBytes } from './bytes.ts';

/** An IPv4 address (4 bytes), immutable. */
export class Ipv4Address {
  static readonly ANY = new Ipv4Address(new Uint8Array(4));

  private constructor(readonly bytes: Uint8Array) {}

  /** Copies 4 bytes. */
  static fromBytes(b: Uint8Array): Ipv4Address {
    if (b.length !== 4) throw new RangeError(`IPv4 address needs 4 bytes, got ${b.length}`);
    return new Ipv4Address(copyBytes(b));
  }

  static parse(text: string): Ipv4Address {
    const a = tryParseIpv4(text);
    if (!a) throw new RangeError(`not an IPv4 address: ${text}`);
    return new Ipv4Address(a);
  }

  static tryParse(text: string): Ipv4Address | undefined {
    const a = tryParseIpv4(text);
    return a ? new Ipv4Address(a) : undefined;
  }

  get isUnspecified(): boolean {
    const b = this.bytes;
    return (b[0]! | b[1]! | b[2]! | b[3]!) === 0;
  }

  /** As an unsigned 32-bit integer (host order), handy for pools and maps. */
  toNumber(): number {
    const b = this.bytes;
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }

  static fromNumber(n: number): Ipv4Address {
    return new Ipv4Address(Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n));
  }

  equals(o: Ipv4Address): boolean {
    const a = this.bytes;
    const b = o.bytes;
    return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
  }

  toString(): string {
    const b = this.bytes;
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** An IPv6 address (16 bytes), immutable; `toString()` is RFC 5952 text. */
export class Ipv6Address {
  static readonly ANY = new Ipv6Address(new Uint8Array(16));

  private constructor(readonly bytes: Uint8Array) {}

  /** Copies 16 bytes. */
  static fromBytes(b: Uint8Array): Ipv6Address {
    if (b.length !== 16) throw new RangeError(`IPv6 address needs 16 bytes, got ${b.length}`);
    return new Ipv6Address(copyBytes(b));
  }

  static parse(text: string): Ipv6Address {
    const a = tryParseIpv6(text);
    if (!a) throw new RangeError(`not an IPv6 address: ${text}`);
    return new Ipv6Address(a);
  }

  static tryParse(text: string): Ipv6Address | undefined {
    const a = tryParseIpv6(text);
    return a ? new Ipv6Address(a) : undefined;
  }

  get isUnspecified(): boolean {
    return this.bytes.every((x) => x === 0);
  }

  get isLinkLocal(): boolean {
    return this.bytes[0] === 0xfe && (this.bytes[1]! & 0xc0) === 0x80;
  }

  get isMulticast(): boolean {
    return this.bytes[0] === 0xff;
  }

  equals(o: Ipv6Address): boolean {
    const a = this.bytes;
    const b = o.bytes;
    for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** True when the first `prefixLength` bits equal those of `prefix`. */
  hasPrefix(prefix: Ipv6Address, prefixLength: number): boolean {
    return prefixMatches(this.bytes, prefix.bytes, prefixLength);
  }

  /** RFC 5952 canonical text: lower case, longest zero run (≥ 2 groups, first on ties) as `::`. */
  toString(): string {
    const b = this.bytes;
    const g: number[] = [];
    for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
    let bestStart = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (g[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    const hex = (from: number, to: number) =>
      g
        .slice(from, to)
        .map((x) => x.toString(16))
        .join(':');
    if (bestStart < 0) return hex(0, 8);
    return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** An IPv4 or IPv6 address. */
export type IpAddress = Ipv4Address | Ipv6Address;

export function prefixMatches(a: Uint8Array, b: Uint8Array, prefixLength: number): boolean {
  const full = prefixLength >>> 3;
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rem = prefixLength & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return ((a[full]! ^ b[full]!) & mask) === 0;
}

function tryParseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function tryParseIpv6(text: string): Uint8Array | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two groups.
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const v4 = tryParseIpv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  const groups = halves.length === 2 ? head.length + tail.length : head.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return undefined;
  const all = [...head, ...Array(8 - groups).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >>> 8;
    out[2 * i + 1] = v & 0xff;
  }
  return out;
}
