/**
 * The leaf values of the config schemas. YAML is read with the failsafe schema, so every scalar arrives as a string
 * (an IMSI or a key with leading zeros is never turned into a number); each leaf parses its own text here. Values
 * built in code may also be passed in their typed form (a boolean, a number, an Ipv4Address, a Uint8Array).
 *
 * Every leaf reports a failure as one issue whose message says what was expected; the loader adds where the value
 * came from and what it was (errors.ts).
 */
import { z } from 'zod';
import { copyBytes } from '../util/bytes.ts';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { type Duration, parseDuration } from './duration.ts';

/** Thrown inside a leaf parser for a reason more specific than "expected <what>". */
export class LeafError extends Error {}

/** Marks leaf issues so the formatter appends the offending value ("…, got "x""). */
export const LEAF_ISSUE = 'dsmip-leaf';

/**
 * A schema for one value: undefined is "missing", otherwise `parse` gives the value, undefined ("expected
 * <expected>") or throws LeafError (its message is the reason).
 */
export function leaf<T>(expected: string, parse: (v: unknown) => T | undefined): z.ZodType<T, unknown> {
  return z.unknown().transform((v, ctx): T => {
    let out: T | undefined;
    let reason = `expected ${expected}`;
    if (v !== undefined) {
      try {
        out = parse(v);
      } catch (e) {
        if (!(e instanceof LeafError)) throw e;
        reason = e.message;
      }
    }
    if (out === undefined) {
      ctx.issues.push({ code: 'custom', message: reason, input: v, params: { kind: LEAF_ISSUE, expected } });
      return z.NEVER;
    }
    return out;
  });
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v.trim() : undefined;
}

const TRUE_WORDS = new Set(['true', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'off']);

export const bool = leaf('true or false', (v) => {
  if (typeof v === 'boolean') return v;
  const s = text(v)?.toLowerCase();
  if (s === undefined) return undefined;
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return undefined;
});

function integerOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  const s = text(v)?.replace(/_/g, '');
  if (s === undefined) return undefined;
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  return undefined;
}

export function int(min: number, max: number, what = 'an integer'): z.ZodType<number, unknown> {
  return leaf(`${what} in ${min}..${max}`, (v) => {
    const n = integerOf(v);
    return n !== undefined && Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  });
}

/** A UDP port to send to. */
export const port = int(1, 65535, 'a UDP port');
/** A local UDP port; 0 lets the system choose. */
export const localPort = int(0, 65535, 'a UDP port (0 = any free port)');

export const ipv4 = leaf('an IPv4 address (e.g. 192.0.2.1)', (v) =>
  v instanceof Ipv4Address ? v : Ipv4Address.tryParse(text(v) ?? ''),
);

export const ipv6 = leaf('an IPv6 address (e.g. 2001:db8::1)', (v) => {
  if (v instanceof Ipv6Address) return v;
  const s = text(v) ?? '';
  // A zone index names a link, which a config cannot know portably; an IPv4 dotted quad would parse as IPv6 tail.
  return s.includes('%') ? undefined : Ipv6Address.tryParse(s);
});

export const ipAddress = leaf<Ipv4Address | Ipv6Address>('an IPv4 or IPv6 address', (v) => {
  if (v instanceof Ipv4Address || v instanceof Ipv6Address) return v;
  const s = text(v) ?? '';
  return Ipv4Address.tryParse(s) ?? (s.includes('%') ? undefined : Ipv6Address.tryParse(s));
});

export interface Ipv6PrefixValue {
  readonly prefix: Ipv6Address;
  readonly prefixLength: number;
}

export interface Ipv4PrefixValue {
  readonly prefix: Ipv4Address;
  readonly prefixLength: number;
}

export type IpPrefixValue = ({ readonly family: 4 } & Ipv4PrefixValue) | ({ readonly family: 6 } & Ipv6PrefixValue);

function splitPrefix(s: string): { address: string; length: number } | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(s.slice(slash + 1))) return undefined;
  return { address: s.slice(0, slash), length: Number(s.slice(slash + 1)) };
}

/** True when no bit after the first `length` bits is set: a prefix is written with its host part zero. */
function hostBitsZero(bytes: Uint8Array, length: number): boolean {
  for (let bit = length; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >>> 3]! >>> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

function checkedPrefix<T extends Ipv4Address | Ipv6Address>(address: T, length: number, max: number, s: string): T {
  if (length > max) throw new LeafError(`prefix length ${length} exceeds ${max} in "${s}"`);
  if (!hostBitsZero(address.bytes, length)) throw new LeafError(`"${s}" has bits set after the first ${length}`);
  return address;
}

export const ipv6Prefix = leaf<Ipv6PrefixValue>('an IPv6 prefix (e.g. 2001:db8:100::/48)', (v) => {
  const s = text(v) ?? '';
  const p = splitPrefix(s);
  const a = p && !p.address.includes('%') ? Ipv6Address.tryParse(p.address) : undefined;
  if (!p || !a) return undefined;
  return { prefix: checkedPrefix(a, p.length, 128, s), prefixLength: p.length };
});

export const ipPrefix = leaf<IpPrefixValue>('an IPv4 or IPv6 prefix (e.g. 0.0.0.0/0, ::/0)', (v) => {
  const s = text(v) ?? '';
  const p = splitPrefix(s);
  if (!p) return undefined;
  const a4 = Ipv4Address.tryParse(p.address);
  if (a4) return { family: 4, prefix: checkedPrefix(a4, p.length, 32, s), prefixLength: p.length };
  const a6 = p.address.includes('%') ? undefined : Ipv6Address.tryParse(p.address);
  if (a6) return { family: 6, prefix: checkedPrefix(a6, p.length, 128, s), prefixLength: p.length };
  return undefined;
});

export interface Ipv4RangeValue {
  readonly first: Ipv4Address;
  readonly last: Ipv4Address;
}

/**
 * `10.10.0.2-10.10.0.254`, or a block `10.10.0.0/24`. A block up to /30 loses its first and last address: home
 * addresses are handed out singly (RFC 5555 §3.1.1 prefix length 32), and some hosts refuse the all-zeros and
 * all-ones addresses of the subnet they believe they are on.
 */
export const ipv4Range = leaf<Ipv4RangeValue>('an IPv4 range (first-last) or block (a.b.c.d/len)', (v) => {
  const s = text(v) ?? '';
  const dash = s.indexOf('-');
  if (dash >= 0) {
    const first = Ipv4Address.tryParse(s.slice(0, dash).trim());
    const last = Ipv4Address.tryParse(s.slice(dash + 1).trim());
    if (!first || !last) return undefined;
    if (last.toNumber() < first.toNumber()) throw new LeafError(`range "${s}" ends before it starts`);
    return { first, last };
  }
  const p = splitPrefix(s);
  const base = p ? Ipv4Address.tryParse(p.address) : undefined;
  if (!p || !base) return undefined;
  checkedPrefix(base, p.length, 32, s);
  const size = 2 ** (32 - p.length);
  const start = base.toNumber();
  const trim = p.length <= 30 ? 1 : 0;
  return { first: Ipv4Address.fromNumber(start + trim), last: Ipv4Address.fromNumber(start + size - 1 - trim) };
});

function hexWhat(lengths: readonly number[] | undefined): string {
  return lengths === undefined
    ? 'hex bytes'
    : `${lengths.map((n) => `${n} bytes (${2 * n} hex digits)`).join(' or ')} of hex`;
}

/** The bytes `v` denotes as hex text (or a Uint8Array), copied; undefined or LeafError when it is not that. */
export function hexValue(v: unknown, lengths?: readonly number[]): Uint8Array | undefined {
  const what = hexWhat(lengths);
  let bytes: Uint8Array;
  if (v instanceof Uint8Array) bytes = v;
  else {
    const s = text(v);
    if (s === undefined || !/^(0x)?[0-9a-fA-F\s:]*$/.test(s)) return undefined;
    try {
      bytes = fromHex(s);
    } catch {
      throw new LeafError(`expected ${what}: odd number of hex digits`);
    }
  }
  if (lengths !== undefined && !lengths.includes(bytes.length)) {
    throw new LeafError(`expected ${what}, got ${bytes.length} bytes`);
  }
  return copyBytes(bytes);
}

/** Hex bytes (spaces and colons allowed); `lengths` restricts the byte count. */
export function hex(lengths?: readonly number[]): z.ZodType<Uint8Array, unknown> {
  return leaf(hexWhat(lengths), (v) => hexValue(v, lengths));
}

/** Decimal digits kept as text (identifiers such as the IMSI, MCC and MNC, where leading zeros matter). */
export function digits(min: number, max: number, what: string): z.ZodType<string, unknown> {
  const pattern = new RegExp(`^[0-9]{${min},${max}}$`);
  const count = min === max ? `${min}` : `${min}–${max}`;
  return leaf(`${what} (${count} digits)`, (v) => {
    const s = text(v);
    return s !== undefined && pattern.test(s) ? s : undefined;
  });
}

export function duration(
  opts: { readonly min?: Duration; readonly max?: Duration } = {},
): z.ZodType<Duration, unknown> {
  return leaf('a duration with a unit (e.g. 500ms, 30s, 1h30m)', (v) => {
    const s = text(v);
    const d = s === undefined ? undefined : parseDuration(s);
    if (!d) return undefined;
    if (opts.min && d.ms < opts.min.ms) throw new LeafError(`must be at least ${opts.min.ms} ms`);
    if (opts.max && d.ms > opts.max.ms) throw new LeafError(`must be at most ${opts.max.sec} s`);
    return d;
  });
}

/** A non-empty string (paths, names, interface names). */
export const nonEmptyText = leaf('a non-empty string', (v) => {
  const s = text(v);
  return s ? s : undefined;
});

/** A DNS name: dot-separated labels of letters, digits and hyphens (RFC 1035 §2.3.1), at most 253 octets. */
export const domainName = leaf('a domain name (e.g. ha.example.org)', (v) => {
  const s = text(v)?.replace(/\.$/, '').toLowerCase();
  if (!s || s.length > 253) return undefined;
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  return s.split('.').every((l) => label.test(l)) ? s : undefined;
});

/** One of `values`; YAML text is compared case-sensitively, as written in the docs. */
export function oneOf<const T extends string>(values: readonly T[]): z.ZodType<T, unknown> {
  return leaf(`one of ${values.map((x) => `"${x}"`).join(' | ')}`, (v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v.trim()) ? (v.trim() as T) : undefined,
  );
}

/** A host and port: `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`, `[2001:db8::53]:5353`. */
export interface SocketAddressValue {
  readonly address: Ipv4Address | Ipv6Address;
  readonly port: number;
}

export function socketAddress(defaultPort: number): z.ZodType<SocketAddressValue, unknown> {
  return leaf(
    `an address with an optional port (e.g. 192.0.2.53:${defaultPort}, [2001:db8::53]:${defaultPort})`,
    (v) => {
      const s = text(v) ?? '';
      const bracket = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
      const v4 = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(s);
      const hostText = bracket?.[1] ?? v4?.[1] ?? s;
      const portText = bracket?.[2] ?? v4?.[2];
      const address = bracket
        ? Ipv6Address.tryParse(hostText)
        : v4
          ? Ipv4Address.tryParse(hostText)
          : Ipv6Address.tryParse(hostText);
      const p = portText === undefined ? defaultPort : Number(portText);
      if (!address || !Number.isInteger(p) || p < 1 || p > 65535) return undefined;
      return { address, port: p };
    },
  );
}

/**
 * A BU/BA lifetime or Binding Refresh Advice interval: 16 bits of 4-second units on the wire (RFC 6275 §6.1.7,
 * §6.2.4), so a multiple of 4 s up to 262140 s. `allowZero` for values where 0 has a meaning of its own.
 */
export function bindingLifetime(allowZero = false): z.ZodType<Duration, unknown> {
  return leaf('a duration that is a multiple of 4 s, at most 262140s (e.g. 3600s, 1h)', (v) => {
    const d = typeof v === 'string' ? parseDuration(v.trim()) : undefined;
    if (!d) return undefined;
    if (d.ms % 4000 !== 0) throw new LeafError('must be a multiple of 4 s (RFC 6275 §6.1.7: 4-second units)');
    if (d.sec > 0xffff * 4) throw new LeafError('must be at most 262140s (RFC 6275 §6.1.7: 16-bit field)');
    if (d.ms === 0 && !allowZero) throw new LeafError('must not be 0 (a zero lifetime deletes the binding)');
    return d;
  });
}

/** How long before a binding expires the UE refreshes it: a share of the granted lifetime or a fixed time. */
export type RefreshMargin =
  | { readonly kind: 'fraction'; readonly fraction: number }
  | { readonly kind: 'duration'; readonly duration: Duration };

export const refreshMargin = leaf<RefreshMargin>(
  'a percentage of the lifetime (e.g. 20%) or a duration (e.g. 60s)',
  (v) => {
    const s = text(v);
    if (s === undefined) return undefined;
    const pct = /^(\d{1,2}(?:\.\d+)?)\s*%$/.exec(s);
    if (pct) {
      const fraction = Number(pct[1]) / 100;
      if (fraction <= 0) throw new LeafError('must be more than 0%');
      return { kind: 'fraction', fraction };
    }
    const d = parseDuration(s);
    if (!d) return undefined;
    if (d.ms === 0) throw new LeafError('must be more than 0s');
    return { kind: 'duration', duration: d };
  },
);

/** Linux IFNAMSIZ is 16 bytes with the terminating NUL (linux/if.h): a name has at most 15. */
export const IFNAME_MAX_BYTES = 15;

/** A network interface name as Linux accepts it (dev_valid_name in net/core/dev.c). */
export const interfaceName = leaf('an interface name (e.g. dsmip0)', (v) => {
  const s = text(v);
  if (!s) return undefined;
  const bytes = new TextEncoder().encode(s).length;
  if (bytes > IFNAME_MAX_BYTES) {
    throw new LeafError(
      `"${s}" is ${bytes} bytes; Linux interface names have at most ${IFNAME_MAX_BYTES} (IFNAMSIZ 16)`,
    );
  }
  if (s === '.' || s === '..' || /[/:\s]/.test(s)) throw new LeafError(`"${s}" is not a valid interface name`);
  return s;
});
